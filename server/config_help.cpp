// The server's --version and --help texts (see config.hpp), apart from the
// parsing in config.cpp: every flag with its default, read from default_config().
#include "config.hpp"

#include <chat/limits.hpp>

#include <string>

namespace chat::server {

std::string version_text() { return std::string("chatroom-server ") + CHATROOM_VERSION + "\n"; }

std::string help_text() {
  const config d = default_config();
  std::string h;
  h += "Usage: chatroom-server [FLAGS]                  run the chat server\n";
  h += "       chatroom-server [--db FILE] user add NAME [--first-name F] [--last-name L] [--job-title T]\n";
  h += "       chatroom-server [--db FILE] user passwd NAME       reset the password; ends NAME's sessions\n";
  h += "       chatroom-server [--db FILE] user list              id, username, name, job title, role, state\n";
  h += "       chatroom-server [--db FILE] user disable NAME      NAME can no longer log in; ends their sessions\n";
  h += "       chatroom-server [--db FILE] user enable NAME       NAME can log in again\n";
  h += "       chatroom-server [--db FILE] user grant-admin NAME  give NAME the server admin role\n";
  h += "       chatroom-server [--db FILE] user revoke-admin NAME take it back\n";
  h += "       chatroom-server [--db FILE] backup DEST [--force]\n";
  h += "       chatroom-server [--db FILE] restore SRC\n";
  h += "  (user add/passwd read the password from the first line of standard input; a running server\n";
  h += "  closes the WebSockets of ended sessions within " + std::to_string(limits::session_check_interval_s) +
       " s; exit 0 done, 1 refused, 2 unusable --db)\n";
  h += "  backup copies the database (also while a server runs on it) to DEST, checked with\n";
  h += "  integrity_check; --force replaces an existing DEST. restore replaces the database with\n";
  h += "  SRC (stop the server first: it refuses while one has the database open) and keeps the\n";
  h += "  replaced file as FILE.replaced-TIME. Exit codes: 0 done, 1 failed or refused, 2 unusable\n";
  h += "  arguments or database.\n\n";
  h += "Flags (--flag VALUE or --flag=VALUE):\n";
  h += "  --host ADDR           address to listen on (default 127.0.0.1; 0.0.0.0 for all)\n";
  h += "  --port N              TCP port (default 8080; 0 picks a free port, printed on stdout)\n";
  h += "  --db FILE             SQLite database, created on first start (default ./chatroom.db); a new\n";
  h += "                        one gets the sample employees only when --host is loopback or with\n";
  h += "                        --demo-users (else add the first admin: user add NAME, user grant-admin NAME)\n";
  h += "  --demo-users          seed the sample employees (password = username) into a new database\n";
  h += "                        even when listening beyond loopback\n";
  h += "  --web-root DIR        static files of the web client (default " + d.web_root + ")\n";
  h += "  --threads N           I/O threads (default: one per core)\n";
  h += "  --guest-mode          allow WebSocket connections without a session: ?username=NAME\n";
  h += "                        joins as a guest (NAME must not be a registered username)\n";
  h += "  --allow-origin ORIGIN also accept this Origin (e.g. https://chat.example.com) besides the\n";
  h += "                        server's own; repeatable\n";
  h += "  --metrics-allow CIDR  who may read GET /metrics (Prometheus): an address range such as\n";
  h += "                        10.0.0.0/8 or ::1/128, or any; repeatable (default: loopback only,\n";
  h += "                        127.0.0.0/8 and ::1; others get 403)\n";
  h += "  --public-url URL      the address users open (https://chat.example.com): its host is accepted\n";
  h += "                        in Host, its origin in Origin\n";
  h += "  --allow-host NAME     also answer requests for this host name (repeatable); by default only\n";
  h += "                        the --host address, localhost, 127.0.0.1 and [::1] (any port); others\n";
  h += "                        get 421 (DNS rebinding), except /healthz and /metrics\n";
  h += "  --trusted-proxy CIDR  a reverse proxy whose X-Forwarded-For (the client address) and\n";
  h += "                        X-Forwarded-Proto: https (Secure cookies, HSTS) are believed;\n";
  h += "                        repeatable (default none: the headers are ignored)\n";
  h += "  --tls-cert FILE       PEM certificate chain: serve https and wss on the same port\n";
  h += "  --tls-key FILE        PEM private key for --tls-cert\n";
  h += "  --rate-limit R        messages per second per user (default " + std::to_string(int(d.rate_per_second)) + "; 0 turns the limit off)\n";
  h += "  --rate-burst B        messages a user may send at once (default " + std::to_string(int(d.rate_burst)) + ")\n";
  h += "  --rate-strikes S      refused messages before the socket closes with 4029 (default " + std::to_string(d.rate_strikes) + ")\n";
  h += "  --history-rate R      history reads (requests, since= resumes on connect) per second per\n";
  h += "                        socket, twice that per user; beyond it they wait (default " + std::to_string(int(d.history_per_second)) + "; 0: off)\n";
  h += "  --history-burst B     history reads a socket may make at once, twice that per user (default " + std::to_string(int(d.history_burst)) + ")\n";
  h += "  --max-queue-bytes N   outgoing bytes queued per socket before it closes with 1013 (default " + std::to_string(d.max_queue_bytes) + ")\n";
  h += "  --max-queue-frames N  outgoing frames queued per socket before it closes with 1013 (default " + std::to_string(d.max_queue_frames) + ")\n";
  h += "  --idle-timeout S      close a WebSocket silent for S seconds; pings at S/2 (default " + std::to_string(d.idle_timeout_s) + ")\n";
  h += "  --frame-timeout S     a client frame (or fragmented message) must arrive whole within S seconds\n";
  h += "                        of its first byte, else the socket closes with 1013 (default " + std::to_string(d.frame_timeout_s) + ")\n";
  h += "  --max-partial-bytes N bytes held for clients' unfinished frames in all; a socket whose frame\n";
  h += "                        would pass it closes with 1013 (default " + std::to_string(d.max_partial_bytes) + ")\n";
  h += "  --max-partial-bytes-per-address N\n";
  h += "                        the same per client address, IPv6 per /64 (default " + std::to_string(d.max_partial_bytes_per_address) + ")\n";
  h += "  --max-connections-per-user N\n";
  h += "                        open WebSockets of one user; one more is refused with 429 (default " + std::to_string(d.max_connections_per_user) + "; 0: no cap)\n";
  h += "  --max-connections-per-address N\n";
  h += "                        open WebSockets from one client address, IPv6 per /64 (default " + std::to_string(d.max_connections_per_address) + "; 0: no cap)\n";
  h += "  --connect-rate R      WebSocket upgrade attempts per second per client address, beyond the\n";
  h += "                        burst; more get 429 (default " + std::to_string(int(d.connect_rate)) + "; 0: off)\n";
  h += "  --connect-burst B     upgrade attempts one address may make at once (default " + std::to_string(int(d.connect_burst)) + ")\n";
  h += "  --commit-interval MS  while messages keep coming, commit (and broadcast) them together at\n";
  h += "                        most every MS ms, one write per socket for all of them (default " +
       std::to_string(d.commit_interval_ms) + "; 0-1000;\n";
  h += "                        0: as soon as the writer is free); a message after a pause goes at once\n";
  h += "  --retention-days D    remove messages older than D days, and\n";
  h += "  --retention-messages N\n";
  h += "                        keep only the newest N messages (default 0: keep all; removal runs while\n";
  h += "                        no message waits; clients are told where history now starts)\n";
  h += "  --user-quota-bytes N  bytes of stored message bodies per sender; a message past it is refused\n";
  h += "                        with quota_exceeded (default 0: no quota)\n";
  h += "  --fsync normal|full   normal (default): a message is committed to the write-ahead log before\n";
  h += "                        anyone receives it and survives a crash of the server; full: every\n";
  h += "                        commit also waits for fsync, so it survives power loss and kernel crashes\n";
  h += "                        (slower, and the disk's latency reaches every message)\n";
  h += "  --log-format text|json\n";
  h += "                        log lines on stderr: text (default), <time> <level> <event> key=value...;\n";
  h += "                        json, one object per line with each key=value as a string field\n";
  h += "  --help                this text\n";
  h += "  --version             the version\n\n";
  h += "When ready it prints one line on stdout: listening on http://HOST:PORT (https under TLS).\n";
  h += "SIGINT/SIGTERM stop it cleanly (exit 0). A bad flag or an unusable --db/--web-root exits 2.\n";
  h += "Logs (one line per login, connection and error) go to stderr.\n";
  return h;
}

}  // namespace chat::server
