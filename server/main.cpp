// chatroom-server: parses the command line, then runs a user command, a backup
// or restore, or the server until SIGINT/SIGTERM (SIGHUP reloads the TLS certificate). All the work is in chat_server_lib.
#include "config.hpp"
#include "log.hpp"
#include "server.hpp"
#include "auth/user_admin.hpp"
#include "store/backup_command.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <string>
#include <sys/resource.h>

namespace {

/** Raises the soft limit on open files to the hard limit (every connection is
 *  a descriptor: 10 000 connections need more than the usual 1024); returns
 *  the details for the log. */
std::string raise_open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return "open_files=unknown";
  const auto before = lim.rlim_cur;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) lim.rlim_cur = before;
  }
  auto show = [](rlim_t v) { return v == RLIM_INFINITY ? std::string("unlimited") : std::to_string(v); };
  return "open_files=" + show(lim.rlim_cur) + " was=" + show(before) + " hard=" + show(lim.rlim_max);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace chat::server;
  const auto parsed = parse_command_line(argc, argv);
  if (!parsed.cfg) {
    std::fprintf(stderr, "chatroom-server: %s\n", parsed.error.c_str());
    return 2;
  }
  const config& cfg = *parsed.cfg;
  switch (cfg.cmd) {
    case command::help:
      std::fputs(help_text().c_str(), stdout);
      return 0;
    case command::version:
      std::fputs(version_text().c_str(), stdout);
      return 0;
    case command::user_add:
    case command::user_passwd:
    case command::user_list:
    case command::user_disable:
    case command::user_enable:
    case command::user_grant_admin:
    case command::user_revoke_admin:
      return run_user_command(cfg, std::cin, std::cout, std::cerr);
    case command::backup:
    case command::restore:
      return run_backup_command(cfg, std::cout, std::cerr);
    case command::serve:
      break;
  }

  // Signals are taken synchronously by this thread; block them before any
  // other thread exists so none of those receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  const std::string files = raise_open_files_limit();
  log::set_format(cfg.log_json ? log::format::json : log::format::text);

  try {
    chat_server server(cfg);
    server.start();
    log::info("limits", files);
    std::printf("listening on %s\n", server.url().c_str());
    std::fflush(stdout);
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
      log::info("signal", "SIGHUP");
      server.reload_tls();  // logs what it did; a bad file keeps the old certificate
    }
    log::info("signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  } catch (const startup_error& e) {
    std::fprintf(stderr, "chatroom-server: %s\n", e.what());
    return 2;
  }
  return 0;
}
