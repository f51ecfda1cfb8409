// Command-line parsing for chatroom-server (see config.hpp): Boost.Program_options
// splits argv (--flag VALUE, --flag=VALUE, positionals); the table below checks
// each value and keeps the one-line reasons the server has always given.
#include "config.hpp"

#include "http/address_list.hpp"
#include "http/host_names.hpp"

#include <chat/limits.hpp>

#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#ifndef CHATROOM_DEFAULT_WEB_ROOT
#define CHATROOM_DEFAULT_WEB_ROOT "web/dist"
#endif
#ifndef CHATROOM_VERSION
#define CHATROOM_VERSION "0.0.0"
#endif

namespace chat::server {
namespace {

namespace po = boost::program_options;

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/** A flag with a value: its name, what it needs (the error when a value is
 *  missing or refused) and how a value is checked and stored. */
struct value_flag {
  const char* name;
  const char* needs;
  std::function<bool(std::string_view, config&)> set;
};

template <class T>
auto number_in(T config::*field, T lo, T hi) {
  return [field, lo, hi](std::string_view v, config& c) {
    T n{};
    if (!parse_number(v, n) || n < lo || n > hi) return false;
    c.*field = n;
    return true;
  };
}

auto real_at_least(double config::*field, double lo) {
  return [field, lo](std::string_view v, config& c) {
    double x = 0;
    if (!parse_number(v, x) || !std::isfinite(x) || x < lo) return false;
    c.*field = x;
    return true;
  };
}

auto non_empty(std::string config::*field) {
  return [field](std::string_view v, config& c) {
    if (v.empty()) return false;
    c.*field = std::string(v);
    return true;
  };
}

auto any_text(std::string config::*field) {
  return [field](std::string_view v, config& c) {
    c.*field = std::string(v);
    return true;
  };
}

const std::vector<value_flag>& value_flags() {
  constexpr auto no_limit = std::numeric_limits<std::size_t>::max();
  static const std::vector<value_flag> flags = {
      {"host", "an address", non_empty(&config::host)},
      {"port", "a number from 0 to 65535", number_in<std::uint16_t>(&config::port, 0, 65535)},
      {"db", "a file name", non_empty(&config::db_path)},
      {"web-root", "a directory", non_empty(&config::web_root)},
      {"threads", "a number from 1 to 256", number_in(&config::threads, 1u, 256u)},
      {"allow-origin", "an origin such as https://chat.example.com",
       [](std::string_view v, config& c) {
         if (v.empty()) return false;
         while (!v.empty() && v.back() == '/') v.remove_suffix(1);
         c.allow_origins.emplace_back(v);
         return true;
       }},
      {"metrics-allow", "an address range such as 10.0.0.0/8, 192.0.2.7 or ::1/128, or any",
       [](std::string_view v, config& c) {
         if (v == "any") {
           c.metrics_allow.insert(c.metrics_allow.end(), {"0.0.0.0/0", "::/0"});
           return true;
         }
         if (!parse_ip_range(v)) return false;
         c.metrics_allow.emplace_back(v);
         return true;
       }},
      {"trusted-proxy", "an address range such as 10.0.0.0/8, 192.0.2.7 or ::1/128",
       [](std::string_view v, config& c) {
         if (!parse_ip_range(v)) return false;
         c.trusted_proxies.emplace_back(v);
         return true;
       }},
      {"public-url", "a URL such as https://chat.example.com",
       [](std::string_view v, config& c) {
         if (!parse_public_url(v)) return false;
         c.public_url = std::string(v);
         return true;
       }},
      {"allow-host", "a host name such as chat.example.com",
       [](std::string_view v, config& c) {
         const auto name = host_name(v);
         if (!name) return false;
         c.allow_hosts.push_back(*name);
         return true;
       }},
      {"tls-cert", "a PEM file", non_empty(&config::tls_cert)},
      {"tls-key", "a PEM file", non_empty(&config::tls_key)},
      {"rate-limit", "messages per second (0 = off)", real_at_least(&config::rate_per_second, 0)},
      {"rate-burst", "a number of messages >= 1", real_at_least(&config::rate_burst, 1)},
      {"history-rate", "reads per second (0 = off)", real_at_least(&config::history_per_second, 0)},
      {"history-burst", "a number of reads >= 1", real_at_least(&config::history_burst, 1)},
      {"rate-strikes", "a number >= 1", number_in(&config::rate_strikes, 1, std::numeric_limits<int>::max())},
      {"max-queue-bytes", "a number >= 1024", number_in(&config::max_queue_bytes, std::size_t{1024}, no_limit)},
      {"max-queue-frames", "a number >= 1", number_in(&config::max_queue_frames, std::size_t{1}, no_limit)},
      {"idle-timeout", "seconds >= 2", number_in(&config::idle_timeout_s, 2, std::numeric_limits<int>::max())},
      {"frame-timeout", "seconds >= 1", number_in(&config::frame_timeout_s, 1, std::numeric_limits<int>::max())},
      {"max-partial-bytes", "a number >= 65536",
       number_in(&config::max_partial_bytes, std::size_t{65536}, no_limit)},
      {"max-partial-bytes-per-address", "a number >= 65536",
       number_in(&config::max_partial_bytes_per_address, std::size_t{65536}, no_limit)},
      {"max-connections-per-user", "a number (0 = no cap)", number_in(&config::max_connections_per_user, std::size_t{0}, no_limit)},
      {"max-connections-per-address", "a number (0 = no cap)",
       number_in(&config::max_connections_per_address, std::size_t{0}, no_limit)},
      {"connect-rate", "attempts per second (0 = off)", real_at_least(&config::connect_rate, 0)},
      {"connect-burst", "a number of attempts >= 1", real_at_least(&config::connect_burst, 1)},
      {"commit-interval", "milliseconds from 0 to 1000", number_in(&config::commit_interval_ms, 0, 1000)},
      {"retention-days", "a number of days >= 0", number_in(&config::retention_days, 0, 100'000)},
      {"retention-messages", "a number >= 0",
       number_in(&config::retention_messages, std::int64_t{0}, std::numeric_limits<std::int64_t>::max())},
      {"user-quota-bytes", "a number >= 0",
       number_in(&config::user_quota_bytes, std::int64_t{0}, std::numeric_limits<std::int64_t>::max())},
      {"fsync", "normal or full",
       [](std::string_view v, config& c) {
         if (v != "normal" && v != "full") return false;
         c.fsync_full = v == "full";
         return true;
       }},
      {"log-format", "text or json",
       [](std::string_view v, config& c) {
         if (v != "text" && v != "json") return false;
         c.log_json = v == "json";
         return true;
       }},
      {"first-name", "a value", any_text(&config::first_name)},
      {"last-name", "a value", any_text(&config::last_name)},
      {"job-title", "a value", any_text(&config::job_title)},
  };
  return flags;
}

/** Every flag; a flag without a value may be repeated, and of a repeated flag
 *  with a value the last one counts (each is checked). */
po::options_description flag_descriptions() {
  po::options_description d;
  d.add_options()("help,h", po::value<std::vector<std::string>>()->zero_tokens());
  d.add_options()("version", po::value<std::vector<std::string>>()->zero_tokens());
  d.add_options()("guest-mode", po::value<std::vector<std::string>>()->zero_tokens());
  d.add_options()("force", po::value<std::vector<std::string>>()->zero_tokens());
  d.add_options()("demo-users", po::value<std::vector<std::string>>()->zero_tokens());
  d.add_options()("command", po::value<std::vector<std::string>>());
  for (const auto& f : value_flags()) d.add_options()(f.name, po::value<std::vector<std::string>>());
  return d;
}

parse_result fail(std::string why) { return parse_result{std::nullopt, std::move(why)}; }

/** The one-line reason for what Program_options refused. */
std::string reason(const po::error& e) {
  const auto* named = dynamic_cast<const po::error_with_option_name*>(&e);
  const std::string flag = named ? named->get_option_name() : std::string();
  if (dynamic_cast<const po::unknown_option*>(&e)) return "unknown flag " + flag + " (see --help)";
  if (const auto* syntax = dynamic_cast<const po::invalid_command_line_syntax*>(&e);
      syntax && syntax->kind() == po::invalid_command_line_syntax::extra_parameter) {
    return flag + " takes no value";
  }
  for (const auto& f : value_flags()) {
    if (flag == std::string("--") + f.name) return flag + " needs " + f.needs;
  }
  std::string why = e.what();
  for (auto& ch : why) ch = ch == '\n' ? ' ' : ch;
  return why;
}

/** Parses argv[1, argc) into `vm`; the reason on failure, else empty. */
std::string split(int argc, const char* const* argv, po::variables_map& vm) {
  static const po::options_description flags = flag_descriptions();
  po::positional_options_description positional;
  positional.add("command", -1);
  // Long flags as --flag VALUE or --flag=VALUE, and -h; no abbreviations.
  const int style = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                    po::command_line_style::long_allow_next | po::command_line_style::allow_short |
                    po::command_line_style::short_allow_next |
                    po::command_line_style::allow_dash_for_short;
  try {
    const auto parsed = po::command_line_parser(argc, argv).options(flags).positional(positional).style(style).run();
    for (const auto& o : parsed.options) {
      // Positionals are stored under "command"; it is no flag of its own.
      if (o.string_key == "command" && o.position_key < 0) return "unknown flag --command (see --help)";
    }
    po::store(parsed, vm);
    return {};
  } catch (const po::error& e) {
    return reason(e);
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::vector<std::string> values(const po::variables_map& vm, const char* name) {
  const auto it = vm.find(name);
  return it == vm.end() ? std::vector<std::string>{} : it->second.as<std::vector<std::string>>();
}

/** Checks and stores every flag's values; the reason for the first refused one, else empty. */
std::string store_values(const po::variables_map& vm, config& c) {
  if (vm.count("guest-mode") > 0) c.guest_mode = true;
  if (vm.count("force") > 0) c.force = true;
  if (vm.count("demo-users") > 0) c.demo_users = true;
  if (vm.count("web-root") > 0) c.web_root_given = true;
  if (vm.count("metrics-allow") > 0) c.metrics_allow.clear();  // the flags replace the default
  for (const auto& f : value_flags()) {
    for (const auto& v : values(vm, f.name)) {
      if (!f.set(v, c)) return std::string("--") + f.name + " needs " + f.needs;
    }
  }
  return {};
}

}  // namespace

std::string default_web_root() { return CHATROOM_DEFAULT_WEB_ROOT; }

bool config::listens_on_loopback() const {
  if (host == "localhost") return true;
  std::string_view h = host;
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return address_list({"127.0.0.0/8", "::1/128"}).allows(h);
}

config default_config() {
  config c;
  c.web_root = default_web_root();
  c.rate_per_second = limits::rate_per_second;
  c.rate_burst = limits::rate_burst;
  c.rate_strikes = limits::rate_strikes;
  c.history_per_second = limits::history_per_second;
  c.history_burst = limits::history_burst;
  c.max_queue_bytes = limits::max_queue_bytes;
  c.max_queue_frames = limits::max_queue_frames;
  c.idle_timeout_s = limits::ws_idle_timeout_s;
  c.frame_timeout_s = limits::ws_frame_timeout_s;
  c.max_partial_bytes = limits::max_partial_bytes;
  c.max_partial_bytes_per_address = limits::max_partial_bytes_per_address;
  c.max_connections_per_user = limits::max_connections_per_user;
  c.max_connections_per_address = limits::max_connections_per_address;
  c.connect_rate = limits::connect_rate;
  c.connect_burst = limits::connect_burst;
  c.commit_interval_ms = limits::commit_interval_ms;
  return c;
}

parse_result parse_command_line(int argc, const char* const* argv) {
  config c = default_config();
  // --help and --version answer at once: only the flags before them must parse.
  // "--" ends no option list here: it is an unknown flag, as it always was.
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return fail("unknown flag -- (see --help)");
    const std::string_view name = arg.substr(0, arg.rfind("--", 0) == 0 ? arg.find('=') : arg.npos);
    if (name != "--help" && name != "-h" && name != "--version") continue;
    po::variables_map before;
    if (auto why = split(i, argv, before); !why.empty()) return fail(std::move(why));
    if (auto why = store_values(before, c); !why.empty()) return fail(std::move(why));
    c.cmd = name == "--version" ? command::version : command::help;
    return parse_result{c, {}};
  }

  po::variables_map vm;
  if (auto why = split(argc, argv, vm); !why.empty()) return fail(std::move(why));
  if (auto why = store_values(vm, c); !why.empty()) return fail(std::move(why));

  const auto positional = values(vm, "command");
  if (!positional.empty() && (positional[0] == "backup" || positional[0] == "restore")) {
    if (positional.size() != 2 || positional[1].empty()) {
      return fail("usage: chatroom-server [--db FILE] backup DEST [--force] | restore SRC");
    }
    c.cmd = positional[0] == "backup" ? command::backup : command::restore;
    c.copy_path = positional[1];
  } else if (!positional.empty()) {
    if (positional[0] != "user") return fail("unknown command " + positional[0] + " (see --help)");
    static const std::pair<const char*, command> named[] = {
        {"add", command::user_add},           {"passwd", command::user_passwd},
        {"disable", command::user_disable},   {"enable", command::user_enable},
        {"grant-admin", command::user_grant_admin}, {"revoke-admin", command::user_revoke_admin}};
    const auto it = positional.size() == 3 ? std::find_if(std::begin(named), std::end(named),
                                                          [&](const auto& n) { return positional[1] == n.first; })
                                           : std::end(named);
    if (positional.size() == 2 && positional[1] == "list") {
      c.cmd = command::user_list;
    } else if (it != std::end(named)) {
      c.cmd = it->second;
      c.user_name = positional[2];
    } else {
      return fail("usage: chatroom-server [--db FILE] user list | user add|passwd|disable|enable|grant-admin|"
                  "revoke-admin NAME");
    }
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) return fail("--tls-cert and --tls-key go together");
  if (c.force && c.cmd != command::backup) return fail("--force goes with backup only");
  return parse_result{c, {}};
}

}  // namespace chat::server
