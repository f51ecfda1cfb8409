// Builders for the Autobahn-derived case tables (see ab_case.hpp).
#include "autobahn/ab_case.hpp"

namespace chat::test::autobahn {

const char* name(verdict v) {
  switch (v) {
    case verdict::ok: return "OK";
    case verdict::non_strict: return "NON-STRICT";
    case verdict::failed: return "FAILED";
  }
  return "?";
}

test_case make(std::string id, std::string what, std::vector<step> steps, std::vector<answer> ok,
               std::vector<std::uint16_t> codes, bool sentinel) {
  test_case c;
  c.id = std::move(id);
  c.what = std::move(what);
  c.steps = std::move(steps);
  c.ok = std::move(ok);
  c.close_codes = std::move(codes);
  c.sentinel = sentinel;
  return c;
}

answer msg(std::string text) { return {answer::kind::message, std::move(text)}; }
answer err(std::string code) { return {answer::kind::error, std::move(code)}; }
answer pong(std::string payload) { return {answer::kind::pong, std::move(payload)}; }

step send(frame_spec f) {
  step s;
  s.frame = std::move(f);
  return s;
}

step text(std::string payload, bool fin, std::size_t chop) {
  return send({.opcode = 1, .payload = std::move(payload), .fin = fin, .chop = chop});
}

step binary(std::string payload, std::size_t length, std::size_t chop) {
  return send({.opcode = 2, .payload = std::move(payload), .chop = chop, .length = length});
}

step cont(std::string payload, bool fin) { return send({.opcode = 0, .payload = std::move(payload), .fin = fin}); }

step ping(std::string payload, std::size_t chop) {
  return send({.opcode = 9, .payload = std::move(payload), .chop = chop});
}

step close_frame(std::string payload) { return send({.opcode = 8, .payload = std::move(payload)}); }

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string p;
  p.push_back(static_cast<char>(code >> 8));
  p.push_back(static_cast<char>(code & 0xff));
  p.append(reason);
  return p;
}

step wait_answers(std::size_t n) {
  step s;
  s.what = step::kind::wait;
  s.count = n;
  return s;
}

step fail_fast() {
  step s;
  s.what = step::kind::fail_fast;
  return s;
}

step still_open() {
  step s;
  s.what = step::kind::open;
  return s;
}

step raw(std::string bytes) {
  step s;
  s.what = step::kind::raw;
  s.bytes = std::move(bytes);
  return s;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) out.append(s.substr(0, n - out.size()));
  return out;
}

}  // namespace chat::test::autobahn
