// One WebSocket client connection of the generator. The Beast types stay in
// ws_client.cpp; the runner sees this small interface and the events below.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace loadgen {

using steady = std::chrono::steady_clock;

/** What a connection reports to whoever drives it; `index` names the connection. */
struct client_events {
  virtual ~client_events() = default;
  /** The WebSocket handshake completed. */
  virtual void on_open(int index) = 0;
  /** A text frame arrived at `at` (taken before anything else is done with it). */
  virtual void on_text(int index, std::string_view frame, steady::time_point at) = 0;
  /** A frame given to send() was written to the socket. */
  virtual void on_written(int index) = 0;
  /** The connection failed or closed; `opened` tells whether the handshake had completed. */
  virtual void on_closed(int index, bool opened, const std::string& why) = 0;
};

/** Where and how to connect. */
struct client_target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/";
  std::string bearer;  ///< sent as Authorization: Bearer … on the upgrade when not empty
  std::string source;  ///< local address to connect from; empty: any
};

/** A WebSocket client: connect, read every frame, write queued frames one at a time. */
class ws_client {
 public:
  virtual ~ws_client() = default;
  /** Connects (TCP_NODELAY) and upgrades; then reads until closed. */
  virtual void start() = 0;
  /** Queues a text frame; frames go out in order, one write in flight. */
  virtual void send(std::string frame) = 0;
  /** Closes politely when nothing is being written, else drops the socket. */
  virtual void close() = 0;
  /** Drops the socket now (ends every pending operation). */
  virtual void abort() = 0;
  /** Drops the socket with SO_LINGER 0: the peer gets a TCP reset, not a FIN. */
  virtual void reset() = 0;
  /** The code of the close frame the peer sent; 0 while none arrived. */
  virtual int close_code() const = 0;

  static std::shared_ptr<ws_client> make(boost::asio::io_context& io, const client_target& target, int index,
                                         client_events& events);
};

}  // namespace loadgen
