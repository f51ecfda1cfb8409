// The session's phases: the close handshake's transitions.
#include "ws/session_phase.hpp"

namespace chat::server::ws {

namespace {
constexpr std::uint16_t no_status = 1005;
constexpr std::uint16_t normal = 1000;
}  // namespace

bool session_phase::server_closes(std::uint16_t code) {
  if (phase_ != phase::open) return false;
  phase_ = phase::closing;
  label_ = "close=";
  code_ = code;
  return true;
}

session_phase::step session_phase::peer_closes(std::uint16_t code, std::uint16_t& answer) {
  switch (phase_) {
    case phase::open:
      phase_ = phase::flushing;
      label_ = "peer_close=";
      code_ = code;
      answer = code == no_status ? normal : code;
      return step::send_close;
    case phase::closing:
      phase_ = phase::flushing;
      return step::none;
    case phase::close_sent:
      return step::shut_down;
    default:
      return step::none;
  }
}

session_phase::step session_phase::peer_failed(std::uint16_t code) {
  switch (phase_) {
    case phase::open:
      phase_ = phase::flushing;
      label_ = "close=";
      code_ = code;
      return step::send_close;
    case phase::closing:
      phase_ = phase::flushing;
      return step::none;
    case phase::close_sent:
      return step::shut_down;
    default:
      return step::none;
  }
}

session_phase::step session_phase::close_written() {
  if (phase_ == phase::closing) phase_ = phase::close_sent;
  return phase_ == phase::flushing ? step::shut_down : step::none;
}

bool session_phase::shutting_down() {
  if (phase_ == phase::shutting_down || phase_ == phase::finished) return false;
  phase_ = phase::shutting_down;
  return true;
}

bool session_phase::finish() {
  if (phase_ == phase::finished) return false;
  phase_ = phase::finished;
  return true;
}

std::string session_phase::how_closed() const {
  if (!label_) return "error=closed";
  return label_ + std::to_string(code_);
}

}  // namespace chat::server::ws
