// Printing a run's result (see report.hpp).
#include "report.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace loadgen {
namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

nlohmann::ordered_json pct_json(const percentiles& p) {
  return {{"count", p.count}, {"p50_ms", ms(p.p50)}, {"p90_ms", ms(p.p90)}, {"p99_ms", ms(p.p99)}, {"max_ms", ms(p.max)}};
}

std::string fmt(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

}  // namespace

bool result::clean() const {
  return error.empty() && connect_failures == 0 && disconnects == 0 && lost == 0 && duplicated == 0 &&
         out_of_order == 0 && id_regressions == 0 && login_failures == 0;
}

std::string to_json_line(const result& r) {
  nlohmann::ordered_json j;
  j["label"] = r.label;
  j["target"] = r.target;
  j["mode"] = r.mode;
  j["clients"] = r.clients;
  j["senders"] = r.senders;
  j["messages"] = r.messages;
  j["window"] = r.window;
  j["rate"] = r.rate;
  j["payload"] = r.payload;
  j["connections"] = r.connections;
  j["connect_failures"] = r.connect_failures;
  j["disconnects"] = r.disconnects;
  j["connect_s"] = r.connect_s;
  j["server_cpu_connect_s"] = r.server_cpu_connect_s;
  j["server_cpu_us_per_connection"] = r.server_cpu_us_per_connection;
  j["sent"] = r.sent;
  j["expected"] = r.expected;
  j["delivered"] = r.delivered;
  j["lost"] = r.lost;
  j["duplicated"] = r.duplicated;
  j["out_of_order"] = r.out_of_order;
  j["id_regressions"] = r.id_regressions;
  j["foreign"] = r.foreign;
  j["server_errors"] = r.server_errors;
  j["duration_s"] = r.duration_s;
  j["delivered_per_s"] = r.delivered_per_s;
  if (r.have_server) {
    j["server_cpu_s"] = r.server_cpu_s;
    j["server_cpu_us_per_delivery"] = r.server_cpu_us_per_delivery;
    j["deliveries_per_server_cpu_s"] = r.deliveries_per_server_cpu_s;
    j["server_rss_before_kib"] = r.server_rss_before_kib;
    j["server_rss_connected_kib"] = r.server_rss_connected_kib;
    j["server_peak_rss_kib"] = r.server_peak_rss_kib;
    j["rss_per_connection_bytes"] = r.rss_per_connection_bytes;
  }
  j["latency"] = pct_json(r.latency);
  j["steady"] = pct_json(r.steady);
  j["gen_cpu_s"] = r.gen_cpu_s;
  j["gen_cpu_send_s"] = r.gen_cpu_send_s;
  j["logins"] = r.logins;
  j["login_failures"] = r.login_failures;
  j["logins_per_s"] = r.logins_per_s;
  j["login_latency"] = pct_json(r.login_latency);
  j["timed_out"] = r.timed_out;
  j["error"] = r.error;
  j["fatal"] = r.fatal;
  j["clean"] = r.clean();
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string to_text(const result& r) {
  std::string s;
  const auto line = [&](const std::string& k, const std::string& v) { s += "  " + k + std::string(k.size() < 30 ? 30 - k.size() : 1, ' ') + v + "\n"; };
  s += "chat-loadgen " + r.label + " (" + r.target + ", " + r.mode + ")\n";
  line("clients / senders / messages", std::to_string(r.clients) + " / " + std::to_string(r.senders) + " / " + std::to_string(r.messages));
  line("connections made", std::to_string(r.connections) + " (failed " + std::to_string(r.connect_failures) +
                               ", dropped " + std::to_string(r.disconnects) + ", " + fmt("%.2f s", r.connect_s) + ")");
  if (r.mode == "fanout") {
    line("sent", std::to_string(r.sent));
    line("delivered / expected", std::to_string(r.delivered) + " / " + std::to_string(r.expected));
    line("lost / duplicated / reordered", std::to_string(r.lost) + " / " + std::to_string(r.duplicated) + " / " +
                                              std::to_string(r.out_of_order) + " (id regressions " + std::to_string(r.id_regressions) + ")");
    if (r.foreign || r.server_errors)
      line("foreign frames / errors", std::to_string(r.foreign) + " / " + std::to_string(r.server_errors));
    line("delivered msgs/s", fmt("%.0f", r.delivered_per_s) + fmt(" over %.3f s", r.duration_s));
    line("latency p50/p90/p99/max ms", fmt("%.2f", ms(r.latency.p50)) + " / " + fmt("%.2f", ms(r.latency.p90)) + " / " +
                                           fmt("%.2f", ms(r.latency.p99)) + " / " + fmt("%.2f", ms(r.latency.max)));
    line("steady p99 ms", r.steady.count ? fmt("%.2f", ms(r.steady.p99)) + " (" + std::to_string(r.steady.count) + " samples)"
                                         : std::string("n/a (no message sent after the warm-up)"));
  }
  if (r.mode == "login") {
    line("logins ok / failed", std::to_string(r.logins - r.login_failures) + " / " + std::to_string(r.login_failures));
    line("logins/s", fmt("%.1f", r.logins_per_s));
    line("login p50/p99/max ms", fmt("%.2f", ms(r.login_latency.p50)) + " / " + fmt("%.2f", ms(r.login_latency.p99)) + " / " +
                                     fmt("%.2f", ms(r.login_latency.max)));
  }
  if (r.have_server) {
    if (r.mode == "fanout")
      line("server CPU per delivery", fmt("%.3f us", r.server_cpu_us_per_delivery) + fmt(" (%.3f s CPU, ", r.server_cpu_s) +
                                          fmt("%.0f deliveries/CPU-s)", r.deliveries_per_server_cpu_s));
    if (r.mode == "login") line("server CPU", fmt("%.3f s", r.server_cpu_s));
    line("server RSS before / connected", std::to_string(r.server_rss_before_kib) + " / " + std::to_string(r.server_rss_connected_kib) + " KiB");
    line("server peak RSS", std::to_string(r.server_peak_rss_kib) + " KiB");
    line("RSS per connection", fmt("%.0f bytes", r.rss_per_connection_bytes));
    line("server CPU per connection", fmt("%.1f us", r.server_cpu_us_per_connection) +
                                          fmt(" (%.3f s CPU until all were open)", r.server_cpu_connect_s));
  }
  line("generator CPU", fmt("%.3f s", r.gen_cpu_s) + (r.mode == "fanout" ? fmt(" (%.3f s while sending)", r.gen_cpu_send_s) : ""));
  if (r.timed_out) line("timed out", "yes");
  if (!r.error.empty()) line("error", r.error);
  line("verdict", r.clean() ? "clean" : "NOT CLEAN");
  return s;
}

}  // namespace loadgen
