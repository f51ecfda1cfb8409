// The life of one WebSocket session as phases, and the close handshake's
// rules between them (RFC 6455 §7), without sockets or timers: ws_session
// asks it what each event means and carries out the answer.
//
// The phases (ws::phase):
//   created        constructed; start() not called yet, not in the room.
//   open           in the room; reading (text to the room, pings answered)
//                  and writing.
//   closing        the server closes: our close frame is queued behind what
//                  was queued before it (or alone: 1013); reading goes on,
//                  for the peer's close; its data is ignored.
//   close_sent     our close frame has left; waiting for the peer's.
//   flushing       input is over (the peer sent its close, or broke the
//                  protocol): our close frame, the answer, is being written.
//   shutting_down  both sides are done with frames. TLS: the close_notify
//                  exchange; plain: our side shut, the peer's bytes read and
//                  dropped until it closes.
//   finished       out of the room, the end logged once; the socket is closed
//                  or closing, and handlers still pending only let go.
// The transitions:
//   created -> open              start()
//   open -> closing              the room or the server closes it, a binary
//                                frame (1003), a full queue (1013)
//   open -> flushing             the peer's close (answered with its code) or a
//                                protocol error (its code)
// After a binary frame, the peer's close or a protocol error, our close frame
// waits until the broadcasts of the messages the peer sent before it are
// queued (ws/own_messages.hpp), within the close deadline.
//   closing -> close_sent        our close frame written
//   closing -> flushing          the peer's close or a protocol error first
//   close_sent -> shutting_down  the peer's close (or a protocol error)
//   flushing -> shutting_down    our close frame written
//   shutting_down -> finished    TLS shutdown done; plain: the peer's EOF
//   any -> finished              a read or write error, or the socket cut (the
//                                idle timeout; the close deadline, which runs
//                                from closing or flushing on)
#pragma once

#include <cstdint>
#include <string>

namespace chat::server::ws {

/** Where a session is in its life (see the top of this file). */
enum class phase : std::uint8_t { created, open, closing, close_sent, flushing, shutting_down, finished };

/** A session's phase and how its close handshake ended, for the log. */
class session_phase {
 public:
  /** What the session must do after an event. */
  enum class step : std::uint8_t {
    none,        ///< nothing more now
    send_close,  ///< queue our close frame (the queue dropped first): the answer
    shut_down,   ///< both closes are done: shut the connection down (then shutting_down())
  };

  phase current() const { return phase_; }
  bool is(phase p) const { return phase_ == p; }
  /** True from start() until finished(): the session is in the room. */
  bool joined() const { return phase_ != phase::created && phase_ != phase::finished; }
  /** True while the peer's frames are parsed: until its close or a protocol error. */
  bool parses_input() const {
    return phase_ == phase::open || phase_ == phase::closing || phase_ == phase::close_sent;
  }

  /** created -> open. */
  void start() { phase_ = phase::open; }

  /** The server closes with `code`: open -> closing, true; any other phase
   *  stays as it is, false (the close was decided already). */
  bool server_closes(std::uint16_t code);

  /** The peer's close frame with `code` (1005 when it gave none). Open: its
   *  close comes first, answer with `answer` (its code, 1000 for 1005):
   *  -> flushing, send_close. Closing: -> flushing (ours is on its way), none.
   *  Close_sent: shut_down. Else none. */
  step peer_closes(std::uint16_t code, std::uint16_t& answer);

  /** The peer broke the protocol; we close with `code`. Open -> flushing,
   *  send_close; closing -> flushing, none; close_sent: shut_down; else none. */
  step peer_failed(std::uint16_t code);

  /** Our close frame has left: closing -> close_sent, none; flushing: shut_down. */
  step close_written();

  /** close_sent or flushing -> shutting_down, true; false if shutting down or
   *  finished already. */
  bool shutting_down();

  /** -> finished. True the first time, false if it already was. */
  bool finish();

  /** How a clean end is logged: "close=CODE" (we closed first, or the peer
   *  broke the protocol), "peer_close=CODE" (the peer's code), else "error=closed". */
  std::string how_closed() const;

 private:
  phase phase_ = phase::created;
  const char* label_ = nullptr;  ///< "close=" or "peer_close=", once a close is decided
  std::uint16_t code_ = 0;       ///< the code logged with label_
};

}  // namespace chat::server::ws
