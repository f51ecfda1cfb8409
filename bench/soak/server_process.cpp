// Starting, watching and stopping the soak's chatroom-server; synchronous HTTP to it.
#include "server_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

namespace soak {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void set_timeouts(tcp::socket& s, double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

server_process::~server_process() {
  if (running()) stop(5);
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string server_process::start(const std::string& bin, const std::vector<std::string>& args, double deadline_s) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "chat-soak.XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return "cannot make a temporary directory";
  dir_ = tmpl;
  std::filesystem::create_directory(dir_ + "/web");
  std::vector<std::string> argv{bin, "--host", "127.0.0.1", "--port", "0", "--db", dir_ + "/soak.db", "--web-root", dir_ + "/web"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string out = dir_ + "/server.out", err = dir_ + "/server.err";
  pid_ = fork();
  if (pid_ < 0) return "fork failed";
  if (pid_ == 0) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    close(o);
    close(e);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)");
  const auto until = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(deadline_s));
  while (clock::now() < until) {
    std::smatch m;
    const auto text = read_file(out);
    if (std::regex_search(text, m, listening)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1]));
      return {};
    }
    if (!running()) return "the server exited before listening:\n" + log_tail(20);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll the file for the line, within the deadline
  }
  return "the server did not print its address within " + std::to_string(deadline_s) + " s";
}

bool server_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == 0) return true;
  pid_ = 0;  // exited (or not ours): nothing left to stop
  return false;
}

int server_process::stop(double deadline_s) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto until = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(deadline_s));
  int status = 0;
  while (clock::now() < until) {
    const int r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = 0;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (r < 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = 0;
  return -1;
}

std::string server_process::log_tail(int lines) const {
  std::deque<std::string> tail;
  std::ifstream in(dir_ + "/server.err");
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += "    " + l + "\n";
  return out;
}

http_answer http_call(unsigned short port, const std::string& method, const std::string& target,
                      const std::string& json_body, double timeout_s) {
  http_answer a;
  try {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    set_timeouts(s, timeout_s);
    http::request<http::string_body> req(method == "POST" ? http::verb::post : http::verb::get, target, 11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::connection, "close");
    if (!json_body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = json_body;
      req.prepare_payload();
    }
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    a.status = static_cast<int>(res.result_int());
    a.body = std::move(res.body());
  } catch (const std::exception& e) {
    a.error = e.what();
  }
  return a;
}

std::optional<std::string> login_token(unsigned short port, const std::string& user, std::string& error) {
  const auto a = http_call(port, "POST", "/api/login", nlohmann::json{{"username", user}, {"password", user}}.dump(), 60);
  if (a.status != 200) {
    error = "login as " + user + ": " + (a.status ? "HTTP " + std::to_string(a.status) + " " + a.body : a.error);
    return std::nullopt;
  }
  const auto j = nlohmann::json::parse(a.body, nullptr, false);
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) {
    error = "login as " + user + ": 200 without a token";
    return std::nullopt;
  }
  return j["token"].get<std::string>();
}

}  // namespace soak
