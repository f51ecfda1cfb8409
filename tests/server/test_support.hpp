// Fixtures for the server tests: temporary directories, an in-process server
// on 127.0.0.1 port 0 with a temporary SQLite file and web root, the real
// binary as a child process, and waiting for events with a deadline.
#pragma once

#include "log.hpp"
#include "server.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace chat::test {

/** A fresh directory, removed with everything in it at the end of scope. */
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/** Captures the server's log lines while it lives; puts the default sink back
 *  when it dies, also when a REQUIRE throws (the sink refers to this object). */
class log_capture {
 public:
  log_capture() {
    chat::server::log::set_sink([this](const std::string& line) {
      std::lock_guard lock(mu_);
      text_ += line;
    });
  }
  ~log_capture() { chat::server::log::set_sink({}); }
  log_capture(const log_capture&) = delete;
  log_capture& operator=(const log_capture&) = delete;
  /** Every line so far. */
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
};

/** Writes `content` to `path`, creating directories. */
void write_file(const std::filesystem::path& path, const std::string& content);

/** Polls `done` until true or the deadline; true if it became true. */
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));

/** The chat server running in this process with its own database and web root
 *  (index.html, app.js, app.wasm, style.css, a 64 KiB big.js). */
class test_server {
 public:
  explicit test_server(const std::function<void(server::config&)>& tweak = {});
  ~test_server();

  std::uint16_t port() const { return server_->port(); }
  server::chat_server& get() { return *server_; }
  const temp_dir& dir() const { return dir_; }
  std::filesystem::path web_root() const { return dir_ / "web"; }
  std::filesystem::path db_path() const { return dir_ / "chat.db"; }

 private:
  temp_dir dir_;
  std::unique_ptr<server::chat_server> server_;
};

/** The chatroom-server binary as a child process; its stdout is a pipe,
 *  stderr goes to a file. `env` sets NAME=VALUE entries in its environment. */
class child_process {
 public:
  explicit child_process(const std::vector<std::string>& args, const std::string& stdin_text = {},
                         const std::vector<std::string>& env = {});
  ~child_process();

  int pid() const { return pid_; }

  /** The next stdout line within the deadline. */
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void signal(int sig);
  /** The exit code, or nullopt if it did not exit in time (it is then killed). */
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string stderr_text() const;
  std::string stdout_rest();

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string out_buffer_;
  temp_dir dir_;
  bool reaped_ = false;
};

/** Path of the built chatroom-server binary. */
std::string server_binary();

/** Writes a fresh self-signed certificate for 127.0.0.1 and its key (PEM), made by `openssl req`. */
void make_self_signed_cert(const std::filesystem::path& cert, const std::filesystem::path& key);

/** True in a build with AddressSanitizer (freed memory sits in its quarantine: RSS bounds need room). */
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool under_asan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool under_asan = true;
#else
inline constexpr bool under_asan = false;
#endif
#else
inline constexpr bool under_asan = false;
#endif

/** True in a build with ThreadSanitizer (its allocator replaces malloc, as ASan's does). */
#if defined(__SANITIZE_THREAD__)
inline constexpr bool under_tsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool under_tsan = true;
#else
inline constexpr bool under_tsan = false;
#endif
#else
inline constexpr bool under_tsan = false;
#endif

/** What /proc says about a process: resident memory, open descriptors, and how many of them are sockets. */
struct process_usage {
  long rss_kb = 0;
  int fds = 0;
  int sockets = 0;
};
process_usage usage_of(int pid);

/** The port in a "listening on http://127.0.0.1:PORT" line. */
std::uint16_t port_of(const std::string& listening_line);

}  // namespace chat::test
