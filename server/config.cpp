// Command-line parsing for chatroom-server (see config.hpp).
#include "config.hpp"

#include <chat/limits.hpp>

#include <charconv>
#include <cmath>
#include <string_view>

#ifndef CHATROOM_DEFAULT_WEB_ROOT
#define CHATROOM_DEFAULT_WEB_ROOT "web/dist"
#endif
#ifndef CHATROOM_VERSION
#define CHATROOM_VERSION "0.0.0"
#endif

namespace chat::server {
namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  // from_chars for double is in libstdc++ 11+, fine on g++ 12.
  if (!parse_number(s, out)) return false;
  return std::isfinite(out) && out >= 0;
}

parse_result fail(std::string why) { return parse_result{std::nullopt, std::move(why)}; }

}  // namespace

std::string default_web_root() { return CHATROOM_DEFAULT_WEB_ROOT; }

config default_config() {
  config c;
  c.web_root = default_web_root();
  c.rate_per_second = limits::rate_per_second;
  c.rate_burst = limits::rate_burst;
  c.rate_strikes = limits::rate_strikes;
  c.max_queue_bytes = limits::max_queue_bytes;
  c.max_queue_frames = limits::max_queue_frames;
  c.idle_timeout_s = limits::ws_idle_timeout_s;
  c.commit_interval_ms = limits::commit_interval_ms;
  return c;
}

parse_result parse_command_line(int argc, const char* const* argv) {
  config c = default_config();
  std::vector<std::string_view> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_inline = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline = true;
      }
    }
    // Takes the flag's value from "--flag=value" or the next argument.
    auto next = [&](std::string_view& out) -> bool {
      if (has_inline) {
        out = value;
        return true;
      }
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    auto flag_without_value = [&]() { return !has_inline; };

    std::string_view v;
    if (arg == "--help" || arg == "-h") {
      c.cmd = command::help;
      return parse_result{c, {}};
    } else if (arg == "--version") {
      c.cmd = command::version;
      return parse_result{c, {}};
    } else if (arg == "--guest-mode") {
      if (!flag_without_value()) return fail("--guest-mode takes no value");
      c.guest_mode = true;
    } else if (arg == "--host") {
      if (!next(v) || v.empty()) return fail("--host needs an address");
      c.host = std::string(v);
    } else if (arg == "--port") {
      unsigned p = 0;
      if (!next(v) || !parse_number(v, p) || p > 65535) return fail("--port needs a number from 0 to 65535");
      c.port = static_cast<std::uint16_t>(p);
    } else if (arg == "--db") {
      if (!next(v) || v.empty()) return fail("--db needs a file name");
      c.db_path = std::string(v);
    } else if (arg == "--web-root") {
      if (!next(v) || v.empty()) return fail("--web-root needs a directory");
      c.web_root = std::string(v);
      c.web_root_given = true;
    } else if (arg == "--threads") {
      unsigned n = 0;
      if (!next(v) || !parse_number(v, n) || n < 1 || n > 256) return fail("--threads needs a number from 1 to 256");
      c.threads = n;
    } else if (arg == "--allow-origin") {
      if (!next(v) || v.empty()) return fail("--allow-origin needs an origin such as https://chat.example.com");
      std::string o(v);
      while (!o.empty() && o.back() == '/') o.pop_back();
      c.allow_origins.push_back(std::move(o));
    } else if (arg == "--tls-cert") {
      if (!next(v) || v.empty()) return fail("--tls-cert needs a PEM file");
      c.tls_cert = std::string(v);
    } else if (arg == "--tls-key") {
      if (!next(v) || v.empty()) return fail("--tls-key needs a PEM file");
      c.tls_key = std::string(v);
    } else if (arg == "--rate-limit") {
      if (!next(v) || !parse_double(v, c.rate_per_second)) return fail("--rate-limit needs messages per second (0 = off)");
    } else if (arg == "--rate-burst") {
      if (!next(v) || !parse_double(v, c.rate_burst) || c.rate_burst < 1) return fail("--rate-burst needs a number of messages >= 1");
    } else if (arg == "--rate-strikes") {
      if (!next(v) || !parse_number(v, c.rate_strikes) || c.rate_strikes < 1) return fail("--rate-strikes needs a number >= 1");
    } else if (arg == "--max-queue-bytes") {
      if (!next(v) || !parse_number(v, c.max_queue_bytes) || c.max_queue_bytes < 1024) return fail("--max-queue-bytes needs a number >= 1024");
    } else if (arg == "--max-queue-frames") {
      if (!next(v) || !parse_number(v, c.max_queue_frames) || c.max_queue_frames < 1) return fail("--max-queue-frames needs a number >= 1");
    } else if (arg == "--idle-timeout") {
      if (!next(v) || !parse_number(v, c.idle_timeout_s) || c.idle_timeout_s < 2) return fail("--idle-timeout needs seconds >= 2");
    } else if (arg == "--commit-interval") {
      if (!next(v) || !parse_number(v, c.commit_interval_ms) || c.commit_interval_ms < 0 || c.commit_interval_ms > 1000) {
        return fail("--commit-interval needs milliseconds from 0 to 1000");
      }
    } else if (arg == "--fsync") {
      if (!next(v) || (v != "normal" && v != "full")) return fail("--fsync needs normal or full");
      c.fsync_full = v == "full";
    } else if (arg == "--first-name") {
      if (!next(v)) return fail("--first-name needs a value");
      c.first_name = std::string(v);
    } else if (arg == "--last-name") {
      if (!next(v)) return fail("--last-name needs a value");
      c.last_name = std::string(v);
    } else if (arg == "--job-title") {
      if (!next(v)) return fail("--job-title needs a value");
      c.job_title = std::string(v);
    } else if (arg.rfind("-", 0) == 0 && arg.size() > 1) {
      return fail("unknown flag " + std::string(arg) + " (see --help)");
    } else {
      positional.push_back(arg);
    }
  }

  if (!positional.empty()) {
    if (positional[0] != "user") return fail("unknown command " + std::string(positional[0]) + " (see --help)");
    if (positional.size() == 2 && positional[1] == "list") {
      c.cmd = command::user_list;
    } else if (positional.size() == 3 && (positional[1] == "add" || positional[1] == "passwd")) {
      c.cmd = positional[1] == "add" ? command::user_add : command::user_passwd;
      c.user_name = std::string(positional[2]);
    } else {
      return fail("usage: chatroom-server [--db FILE] user add NAME | user passwd NAME | user list");
    }
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) return fail("--tls-cert and --tls-key go together");
  return parse_result{c, {}};
}

std::string version_text() { return std::string("chatroom-server ") + CHATROOM_VERSION + "\n"; }

std::string help_text() {
  const config d = default_config();
  std::string h;
  h += "Usage: chatroom-server [FLAGS]                  run the chat server\n";
  h += "       chatroom-server [--db FILE] user add NAME [--first-name F] [--last-name L] [--job-title T]\n";
  h += "       chatroom-server [--db FILE] user passwd NAME\n";
  h += "       chatroom-server [--db FILE] user list\n";
  h += "  (user add/passwd read the password from the first line of standard input)\n\n";
  h += "Flags (--flag VALUE or --flag=VALUE):\n";
  h += "  --host ADDR           address to listen on (default 127.0.0.1; 0.0.0.0 for all)\n";
  h += "  --port N              TCP port (default 8080; 0 picks a free port, printed on stdout)\n";
  h += "  --db FILE             SQLite database, created and seeded with the sample employees\n";
  h += "                        on first start (default ./chatroom.db)\n";
  h += "  --web-root DIR        static files of the web client (default " + d.web_root + ")\n";
  h += "  --threads N           I/O threads (default: one per core)\n";
  h += "  --guest-mode          allow WebSocket connections without a session: ?username=NAME\n";
  h += "                        joins as a guest (NAME must not be a registered username)\n";
  h += "  --allow-origin ORIGIN also accept this Origin (e.g. https://chat.example.com) besides the\n";
  h += "                        server's own; repeatable\n";
  h += "  --tls-cert FILE       PEM certificate chain: serve https and wss on the same port\n";
  h += "  --tls-key FILE        PEM private key for --tls-cert\n";
  h += "  --rate-limit R        messages per second per user (default " + std::to_string(int(d.rate_per_second)) + "; 0 turns the limit off)\n";
  h += "  --rate-burst B        messages a user may send at once (default " + std::to_string(int(d.rate_burst)) + ")\n";
  h += "  --rate-strikes S      refused messages before the socket closes with 4029 (default " + std::to_string(d.rate_strikes) + ")\n";
  h += "  --max-queue-bytes N   outgoing bytes queued per socket before it closes with 1013 (default " + std::to_string(d.max_queue_bytes) + ")\n";
  h += "  --max-queue-frames N  outgoing frames queued per socket before it closes with 1013 (default " + std::to_string(d.max_queue_frames) + ")\n";
  h += "  --idle-timeout S      close a WebSocket silent for S seconds; pings at S/2 (default " + std::to_string(d.idle_timeout_s) + ")\n";
  h += "  --commit-interval MS  while messages keep coming, commit (and broadcast) them together at\n";
  h += "                        most every MS ms, one write per socket for all of them (default " +
       std::to_string(d.commit_interval_ms) + "; 0-1000;\n";
  h += "                        0: as soon as the writer is free); a message after a pause goes at once\n";
  h += "  --fsync normal|full   normal (default): a message is committed to the write-ahead log before\n";
  h += "                        anyone receives it and survives a crash of the server; full: every\n";
  h += "                        commit also waits for fsync, so it survives power loss and kernel crashes\n";
  h += "                        (slower, and the disk's latency reaches every message)\n";
  h += "  --help                this text\n";
  h += "  --version             the version\n\n";
  h += "When ready it prints one line on stdout: listening on http://HOST:PORT (https under TLS).\n";
  h += "SIGINT/SIGTERM stop it cleanly (exit 0). A bad flag or an unusable --db/--web-root exits 2.\n";
  h += "Logs (one line per login, connection and error) go to stderr.\n";
  return h;
}

}  // namespace chat::server
