// chatroom-server: parses the command line, then runs a user command or the
// server until SIGINT/SIGTERM. All the work is in chat_server_lib.
#include "config.hpp"
#include "log.hpp"
#include "server.hpp"
#include "user_admin.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>

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
      return run_user_command(cfg, std::cin, std::cout, std::cerr);
    case command::serve:
      break;
  }

  // Signals are taken synchronously by this thread; block them before any
  // other thread exists so none of those receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    chat_server server(cfg);
    server.start();
    std::printf("listening on %s\n", server.url().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    log::info("signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  } catch (const startup_error& e) {
    std::fprintf(stderr, "chatroom-server: %s\n", e.what());
    return 2;
  }
  return 0;
}
