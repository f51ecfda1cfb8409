// Command-line parsing and the bounds every run must stay within.
#include "options.hpp"
#include "parse_number.hpp"

#include <cstring>
#include <string_view>

namespace loadgen {
namespace {

constexpr int max_clients = 15000;               // under the 20 000 open-file hard limit
constexpr long long max_tracked = 50'000'000;    // deliveries held in memory for statistics
constexpr double max_seconds = 900;

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> parts;
  while (!s.empty()) {
    const auto comma = s.find(',');
    const auto part = s.substr(0, comma);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return parts;
}

std::string check(const options& o) {
  if (o.host != "127.0.0.1") return "--host must be 127.0.0.1 (loopback only)";
  if (o.port == 0) return "--port is required";
  if (o.clients < 1 || o.clients > max_clients) return "--clients must be 1.." + std::to_string(max_clients);
  if (o.mode == run_mode::fanout) {
    if (o.senders < 1 || o.senders > o.clients) return "--senders must be 1..clients";
    if (o.messages < 1) return "--messages must be at least 1";
    if (static_cast<long long>(o.senders) * o.messages * o.clients > max_tracked)
      return "senders x messages x clients is over " + std::to_string(max_tracked);
  }
  if (o.mode == run_mode::login) {
    if (o.target != target_kind::chat) return "--mode login needs --target chat";
    if (o.logins < 1 || o.logins > 100000) return "--logins must be 1..100000";
    if (o.login_concurrency < 1 || o.login_concurrency > 256) return "--login-concurrency must be 1..256";
  }
  if (o.window < 1 || o.window > 100000) return "--window must be 1..100000";
  if (o.rate < 0 || o.rate > 1e6) return "--rate must be 0..1e6";
  if (o.payload > 60000) return "--payload must be at most 60000 bytes";
  if (o.connect_concurrency < 1) return "--connect-concurrency must be at least 1";
  if (o.timeout_s <= 0 || o.timeout_s > max_seconds) return "--timeout must be in (0, 900] seconds";
  if (o.drain_s < 0 || o.hold_s < 0 || o.steady_after_s < 0) return "times must not be negative";
  if (o.target == target_kind::chat && o.users.empty()) return "--users must name at least one user";
  if (o.server_pid < 0) return "--server-pid must be a process id";
  return {};
}

}  // namespace

std::string usage() {
  return R"(chat-loadgen: WebSocket load generator for the chat room and its reference peers (127.0.0.1 only).

  --target chat|plain     chat: our server (API login, v=1 frames); plain: a broadcast peer   [chat]
  --mode fanout|idle|login                                                                      [fanout]
  --port N                server port (required)
  --path P                WebSocket target        [/websocket/chatroom?v=1 (chat), / (plain)]
  --clients N             connections                                                           [10]
  --senders S             the first S clients send                                              [1]
  --messages M            messages per sender                                                   [10]
  --rate R                messages/s per sender; 0 = as fast as the window allows                [0]
  --window W              unacknowledged messages per sender (its own echo acknowledges)        [16]
  --payload B             message body bytes (at least the stamp, about 40)                     [64]
  --steady-after S        steady p99 counts messages sent S seconds after the start              [2]
  --guests                chat: no logins, client i joins as guest g<i> (server in --guest-mode)
  --sources N             spread the clients' source addresses over N of 127.1.x.y        [1: 127.0.0.1]
  --users a,b,c           chat: users to log in as, shared round-robin by the connections [user1,user2,user3]
  --password P            chat: password of every user (default: each user's own name)
  --logins N              login mode: logins to make                                            [0]
  --login-concurrency C   login mode: logins in flight                                          [4]
  --server-pid PID        read the server's CPU time and RSS from /proc/PID
  --connect-concurrency C handshakes in flight                                                  [256]
  --hold S                idle mode: hold the connections S seconds before sampling RSS          [1]
  --drain S               wait S seconds after the last send for missing deliveries             [5]
  --timeout S             bound on the whole run                                                [120]
  --label NAME            name carried into the report
  --strict                exit 1 unless every connection opened and every delivery arrived once, in order
  --json                  print the result as one JSON line
)";
}

std::string websocket_path(const options& o) {
  if (!o.path.empty()) return o.path;
  return o.target == target_kind::chat ? "/websocket/chatroom?v=1" : "/";
}

parse_result parse_options(int argc, const char* const* argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return {std::nullopt, "help"};
    if (flag == "--strict") { o.strict = true; continue; }
    if (flag == "--json") { o.json = true; continue; }
    if (flag == "--guests") { o.guests = true; continue; }
    if (i + 1 >= argc) return {std::nullopt, std::string(flag) + " needs a value"};
    const std::string_view v = argv[++i];
    bool ok = true;
    int port = 0;
    if (flag == "--target") {
      ok = v == "chat" || v == "plain";
      o.target = v == "plain" ? target_kind::plain : target_kind::chat;
    } else if (flag == "--mode") {
      ok = v == "fanout" || v == "idle" || v == "login";
      o.mode = v == "idle" ? run_mode::idle : v == "login" ? run_mode::login : run_mode::fanout;
    } else if (flag == "--host") {
      o.host = v == "localhost" ? "127.0.0.1" : std::string(v);
    } else if (flag == "--port") {
      ok = to_int(v, port) && port > 0 && port < 65536;
      o.port = static_cast<std::uint16_t>(port);
    } else if (flag == "--path") {
      ok = !v.empty() && v.front() == '/';
      o.path = v;
    } else if (flag == "--clients") ok = to_int(v, o.clients);
    else if (flag == "--senders") ok = to_int(v, o.senders);
    else if (flag == "--messages") ok = to_int(v, o.messages);
    else if (flag == "--rate") ok = to_double(v, o.rate);
    else if (flag == "--window") ok = to_int(v, o.window);
    else if (flag == "--payload") {
      int b = 0;
      ok = to_int(v, b) && b >= 0;
      o.payload = static_cast<std::size_t>(b);
    } else if (flag == "--steady-after") ok = to_double(v, o.steady_after_s);
    else if (flag == "--users") o.users = split_commas(v);
    else if (flag == "--sources") ok = to_int(v, o.sources) && o.sources >= 1 && o.sources <= 250 * 250;
    else if (flag == "--password") o.password = v;
    else if (flag == "--logins") ok = to_int(v, o.logins);
    else if (flag == "--login-concurrency") ok = to_int(v, o.login_concurrency);
    else if (flag == "--server-pid") ok = to_int(v, o.server_pid);
    else if (flag == "--connect-concurrency") ok = to_int(v, o.connect_concurrency);
    else if (flag == "--hold") ok = to_double(v, o.hold_s);
    else if (flag == "--drain") ok = to_double(v, o.drain_s);
    else if (flag == "--timeout") ok = to_double(v, o.timeout_s);
    else if (flag == "--label") o.label = v;
    else return {std::nullopt, "unknown option " + std::string(flag) + " (see --help)"};
    if (!ok) return {std::nullopt, "bad value for " + std::string(flag) + ": " + std::string(v)};
  }
  if (auto why = check(o); !why.empty()) return {std::nullopt, why};
  return {o, {}};
}

}  // namespace loadgen
