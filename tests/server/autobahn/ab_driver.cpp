// The Autobahn-derived case driver (see ab_driver.hpp): client frames out,
// the server's frames parsed and sorted into the chat's answers, pongs and
// its close, every wait with a deadline.
#include "autobahn/ab_driver.hpp"

#include "raw_socket.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

namespace chat::test::autobahn {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

/** The most payload bytes sent of one frame: past the 64 KiB limit the server
 *  must fail the frame at its header, so the rest would only load the loopback. */
constexpr std::size_t max_payload_sent = 64 * 1024;
/** How long a fail-fast close may take (Autobahn waits 1 s before the next part). */
constexpr auto fail_fast_wait = 2s;
/** How long any other answer may take. */
constexpr auto answer_wait = 15s;

/** A client frame's bytes: masked, with the case's FIN, RSV bits and opcode. */
std::string encode(const frame_spec& f, std::uint32_t& seed) {
  const std::size_t len = f.length ? f.length : f.payload.size();
  std::string out;
  out.push_back(static_cast<char>((f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0f)));
  if (len < 126) {
    out.push_back(static_cast<char>(0x80 | len));
  } else if (len < 65536) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(len & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((static_cast<std::uint64_t>(len) >> (8 * i)) & 0xff));
  }
  char key[4];
  for (char& k : key) {
    seed = seed * 1103515245u + 12345u;
    k = static_cast<char>(seed >> 16);
  }
  out.append(key, 4);
  const std::size_t sent = std::min(len, max_payload_sent);
  const std::string payload = f.length ? repeat(f.payload, sent) : f.payload.substr(0, sent);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
  return out;
}

/** One connection and what came back on it. */
class session {
 public:
  session(std::uint16_t port, const std::string& user) : sock_(port), user_(user) {
    const std::string target = "/websocket/chatroom?v=1&since=9000000000000&username=" + user;
    if (!sock_.send(upgrade_request(port, target)) || !sock_.read_until("\r\n\r\n")) {
      problem_ = "no answer to the upgrade";
      return;
    }
    const auto& in = sock_.received();
    if (in.rfind("HTTP/1.1 101", 0) != 0) problem_ = "upgrade refused: " + in.substr(0, in.find('\r'));
    pos_ = in.find("\r\n\r\n") + 4;
  }

  const std::string& problem() const { return problem_; }
  bool closed() const { return close_code_.has_value(); }
  std::uint16_t close_code() const { return *close_code_; }
  std::size_t answers() const { return chat_.size() + pongs_.size(); }
  const std::vector<answer>& chat() const { return chat_; }
  const std::vector<answer>& pongs() const { return pongs_; }
  bool after_close() const { return after_close_; }
  bool eof() const { return sock_.closed(); }

  bool send(std::string_view bytes) { return sock_.send(bytes); }

  /** Reads for up to `timeout` (one read) and sorts the frames that completed. */
  void pump(std::chrono::milliseconds timeout) {
    sock_.read_for(timeout);
    parse();
  }

  /** Reads until `done()` or the deadline; true if done. */
  template <class Done>
  bool until(Done done, clock::duration wait) {
    const auto deadline = clock::now() + wait;
    while (!done()) {
      if (sock_.closed() || clock::now() >= deadline) return done();
      pump(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()));
    }
    return true;
  }

  /** Reads until the server closes the TCP connection; true if it did in time. */
  bool wait_eof(clock::duration wait) {
    const bool ok = sock_.wait_closed(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
    parse();
    return ok;
  }

  void drop_sentinel(const std::string& text) {
    const auto it = std::find(chat_.begin(), chat_.end(), msg(text));
    if (it != chat_.end()) chat_.erase(it);
  }

 private:
  void parse() {
    const auto& in = sock_.received();
    while (in.size() - pos_ >= 2) {
      const auto b0 = static_cast<unsigned char>(in[pos_]), b1 = static_cast<unsigned char>(in[pos_ + 1]);
      std::size_t header = 2;
      std::uint64_t len = b1 & 0x7f;
      if (len == 126) {
        if (in.size() - pos_ < 4) return;
        len = (static_cast<unsigned char>(in[pos_ + 2]) << 8) | static_cast<unsigned char>(in[pos_ + 3]);
        header = 4;
      } else if (len == 127) {
        if (in.size() - pos_ < 10) return;
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(in[pos_ + 2 + i]);
        header = 10;
      }
      if (in.size() - pos_ < header + len) return;
      const std::string payload = in.substr(pos_ + header, static_cast<std::size_t>(len));
      pos_ += header + static_cast<std::size_t>(len);
      on_frame(b0 & 0x0f, payload);
    }
  }

  void on_frame(int opcode, const std::string& payload) {
    if (close_code_) {
      after_close_ = true;  // nothing may follow a close
      return;
    }
    if (opcode == 8) {
      close_code_ = payload.size() >= 2 ? static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                                     static_cast<unsigned char>(payload[1]))
                                        : 1005;
      return;
    }
    if (opcode == 10) return pongs_.push_back(pong(payload));
    if (opcode != 1) return;
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object() || !j.contains("type")) return chat_.push_back(err("unparsable frame: " + payload));
    const auto type = j.at("type").get<std::string>();
    // Other guests' messages reach every member of the room: only this sender's count.
    if (type == "message" && j.at("username").get<std::string>() == user_) {
      chat_.push_back(msg(j.at("message").get<std::string>()));
    }
    if (type == "error") chat_.push_back(err(j.at("code").get<std::string>()));
    // welcome, history, presence: not answers to the case
  }

  raw_socket sock_;
  std::string user_;
  std::size_t pos_ = 0;
  std::string problem_;
  std::optional<std::uint16_t> close_code_;
  std::vector<answer> chat_, pongs_;
  bool after_close_ = false;
};

std::string show(const std::vector<answer>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& a = v[i];
    if (i == 6 && v.size() > 8) {
      s += ", ... " + std::to_string(v.size() - 7) + " more";
      i = v.size() - 2;
      continue;
    }
    if (s.size() > 1) s += ", ";
    const char* k = a.what == answer::kind::message ? "message" : a.what == answer::kind::error ? "error" : "pong";
    std::string t = a.text.size() > 24 ? a.text.substr(0, 24) + "...(" + std::to_string(a.text.size()) + ")" : a.text;
    s += std::string(k) + " " + nlohmann::json(t).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  }
  return s + "]";
}

/** True if the answers match `expected`: the chat's frames in order, the pongs in order. */
bool matches(const session& s, const std::vector<answer>& expected) {
  std::vector<answer> chat, pongs;
  for (const auto& a : expected) (a.what == answer::kind::pong ? pongs : chat).push_back(a);
  return s.chat() == chat && s.pongs() == pongs;
}

}  // namespace

case_result run_case(std::uint16_t port, const test_case& c, const std::string& user) {
  session s(port, user);
  if (!s.problem().empty()) return {verdict::failed, s.problem()};
  std::uint32_t seed = 0x5eed;
  std::string pending;
  bool sent_close = false, slow_fail = false;
  auto flush = [&] {
    if (!pending.empty()) s.send(pending);  // a failed send shows in what came back
    pending.clear();
  };
  for (const auto& st : c.steps) {
    s.pump(0ms);
    if (s.closed()) break;  // nothing is sent after the server's close
    switch (st.what) {
      case step::kind::frame: {
        const auto bytes = encode(st.frame, seed);
        if (st.frame.opcode == 8) sent_close = true;
        if (st.frame.chop > 0) {
          flush();
          for (std::size_t at = 0; at < bytes.size() && !s.closed(); at += st.frame.chop) {
            s.send(std::string_view(bytes).substr(at, st.frame.chop));
            s.pump(0ms);
          }
        } else if (st.frame.sync) {
          flush();
          s.send(bytes);
        } else {
          pending += bytes;
          if (pending.size() >= 256 * 1024) flush();
        }
        break;
      }
      case step::kind::raw:
        flush();
        s.send(st.bytes);
        break;
      case step::kind::wait:
        flush();
        if (!s.until([&] { return s.answers() >= st.count || s.closed(); }, answer_wait)) {
          return {verdict::failed, "waited in vain for answer " + std::to_string(st.count) + "; got " +
                                       show(s.chat()) + " " + show(s.pongs())};
        }
        break;
      case step::kind::open:
        flush();
        s.pump(0ms);
        if (s.closed()) return {verdict::failed, "closed " + std::to_string(s.close_code()) + " after a valid part"};
        break;
      case step::kind::fail_fast:
        flush();
        if (!s.until([&] { return s.closed(); }, fail_fast_wait)) slow_fail = true;
        break;
    }
  }
  flush();
  const std::string sentinel = "sentinel " + c.id;
  if (c.sentinel && !s.closed()) {
    // The broadcast of a message sent last comes after every answer to what came before it.
    s.send(encode({.opcode = 1, .payload = sentinel}, seed));
    if (!s.until([&] { return s.closed() || std::find(s.chat().begin(), s.chat().end(), msg(sentinel)) != s.chat().end(); },
                 answer_wait)) {
      return {verdict::failed, "no broadcast of the sentinel; got " + show(s.chat())};
    }
    s.drop_sentinel(sentinel);
    if (!s.closed()) {
      s.send(encode({.opcode = 8, .payload = close_payload(1000)}, seed));
      sent_close = true;
    }
  }
  if (!s.until([&] { return s.closed(); }, answer_wait)) {
    return {verdict::failed, "no close from the server; got " + show(s.chat()) + " " + show(s.pongs())};
  }
  const auto code = s.close_code();
  if (!sent_close) s.send(encode({.opcode = 8, .payload = close_payload(code == 1005 ? 1000 : code)}, seed));
  if (!s.wait_eof(answer_wait)) return {verdict::failed, "the server did not close the TCP connection"};
  if (s.after_close()) return {verdict::failed, "frames after the close frame"};
  if (std::find(c.close_codes.begin(), c.close_codes.end(), code) == c.close_codes.end()) {
    return {verdict::failed, "closed with " + std::to_string(code)};
  }
  const std::string got = "got " + show(s.chat()) + " " + show(s.pongs());
  if (matches(s, c.ok)) {
    if (slow_fail) return {verdict::non_strict, "the close came only after the rest was sent"};
    return {verdict::ok, {}};
  }
  if (c.has_non_strict && matches(s, c.non_strict)) return {verdict::non_strict, got + ", expected " + show(c.ok)};
  return {verdict::failed, got + ", expected " + show(c.ok)};
}

}  // namespace chat::test::autobahn
