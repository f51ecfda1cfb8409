// Test fixtures (see test_support.hpp).
#include "test_support.hpp"

#include "stats.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <poll.h>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace chat::test {

temp_dir::temp_dir() {
  std::string templ = (std::filesystem::temp_directory_path() / "chatroom-test-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

test_server::test_server(const std::function<void(server::config&)>& tweak) {
  write_file(web_root() / "index.html", "<!doctype html><title>Chat Room</title><canvas id=c></canvas>\n");
  write_file(web_root() / "style.css", "body{margin:0}\n");
  write_file(web_root() / "app.wasm", std::string("\0asm\1\0\0\0", 8));
  std::string js = "// app\n";
  for (int i = 0; i < 4000; ++i) js += "console.log('line " + std::to_string(i % 50) + "');\n";
  write_file(web_root() / "big.js", js);
  write_file(web_root() / "app.js", "console.log('hi');\n");
  server::config cfg = server::default_config();
  cfg.port = 0;
  cfg.db_path = db_path().string();
  cfg.web_root = web_root().string();
  cfg.web_root_given = true;
  cfg.threads = 2;
  if (tweak) tweak(cfg);
  server_ = std::make_unique<server::chat_server>(cfg);
  server_->start();
}

test_server::~test_server() { server_->stop(); }

std::string server_binary() {
#ifdef CHATROOM_SERVER_BINARY
  return CHATROOM_SERVER_BINARY;
#else
  return "chatroom-server";
#endif
}

void make_self_signed_cert(const std::filesystem::path& cert, const std::filesystem::path& key) {
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                          "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" + key.string() +
                          "' -out '" + cert.string() + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
}

process_usage usage_of(int pid) {
  process_usage u;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) u.rss_kb = std::stol(line.substr(6));
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++u.fds;
    std::error_code link_ec;
    if (std::filesystem::read_symlink(it->path(), link_ec).string().rfind("socket:", 0) == 0) ++u.sockets;
  }
  return u;
}

std::uint16_t port_of(const std::string& line) {
  const auto colon = line.rfind(':');
  return static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
}

child_process::child_process(const std::vector<std::string>& args, const std::string& stdin_text,
                             const std::vector<std::string>& env) {
  // The child's environment is built before fork (nothing allocates after it).
  std::vector<std::string> env_copy = env;
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) {
    const std::string_view inherited(*e);
    const auto name = inherited.substr(0, inherited.find('=') + 1);
    bool replaced = false;
    for (const auto& x : env) replaced = replaced || x.rfind(name, 0) == 0;
    if (!replaced) envp.push_back(*e);
  }
  for (auto& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> copy = args;
  std::string bin = server_binary();
  std::vector<char*> argv;
  argv.push_back(bin.data());
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  int in[2];
  if (::pipe(out) != 0 || ::pipe(in) != 0) throw std::runtime_error("pipe failed");
  const std::string err_path = (dir_ / "stderr.txt").string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(in[0], STDIN_FILENO);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(err, STDERR_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::close(in[0]);
    ::close(in[1]);
    ::execve(bin.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(in[0]);
  out_fd_ = out[0];
  if (!stdin_text.empty()) {
    const ssize_t n = ::write(in[1], stdin_text.data(), stdin_text.size());
    (void)n;
  }
  ::close(in[1]);
}

child_process::~child_process() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  // A sanitizer finding in the child fails its exit code; its report is in the
  // child's stderr file, which goes with the temporary directory: show it.
  const auto text = stderr_text();
  const auto at = text.find("runtime error:") != std::string::npos ? text.find("runtime error:") : text.find("Sanitizer");
  if (at != std::string::npos) std::cerr << "child " << pid_ << " reported:\n" << text.substr(at > 400 ? at - 400 : 0, 6000) << "\n";
}

std::optional<std::string> child_process::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto nl = out_buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = out_buffer_.substr(0, nl);
      out_buffer_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    out_buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

std::string child_process::stdout_rest() {
  std::string all = out_buffer_;
  out_buffer_.clear();
  char buf[4096];
  for (;;) {
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) break;
    const ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    all.append(buf, static_cast<std::size_t>(n));
  }
  return all;
}

void child_process::signal(int sig) { ::kill(pid_, sig); }

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      // Always a failure: say what the child was doing (CI shows only this output).
      const auto text = stderr_text();
      std::cerr << "child " << pid_ << " still running " << timeout.count() << " ms after wait() began; its stderr ends:\n"
                << text.substr(text.size() > 4000 ? text.size() - 4000 : 0) << "\n";
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string child_process::stderr_text() const {
  std::ifstream in(dir_ / "stderr.txt");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace chat::test
