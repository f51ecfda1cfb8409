// Keeping the history whole: the latest page on connect (`limited`: older
// pages exist), older pages on request, and the gap a capped resume leaves,
// filled with pages back to since=, across reconnects if need be. The pages'
// messages go into the message_log; this part decides what to ask next.
#pragma once

#include "client/client_context.hpp"

#include <chat/protocol.hpp>

#include <cstdint>
#include <deque>
#include <optional>

namespace chat::web {

/** The history requests in flight, the gap still to fill, and whether older pages exist. */
class history_sync {
 public:
  explicit history_sync(client_context& ctx) : ctx_(ctx) {}

  /** A new socket is being opened: requests on the old one are void. */
  void on_connect_attempt();
  /** The welcome: the next history without `before` is the connect history. */
  void on_welcome() { awaiting_connect_history_ = true; }
  /** A welcome whose last_id is below the newest id held (the server's
   *  history went back: a restored backup): after the connect history, the
   *  newest page up to `newest` is asked for as an older page. */
  void on_rewound(std::int64_t newest);
  /** The socket was lost: requests on it are void, a page request can be made again. */
  void on_lost();
  /** Forgets everything (the conversation ended). */
  void reset();

  /** A history event, after its messages went into the log. `since_used` is the
   *  connection's since= (0: none); more gap pages are asked only while `live`. */
  void on_history(const history_event& f, std::int64_t since_used, bool live);
  /** The user scrolled to the top: asks the page before `first_id` (the oldest held);
   *  false when there is nothing to ask (not live, nothing older, already asking, nothing held). */
  bool load_older(std::int64_t first_id, bool live);

  bool has_older() const { return has_older_; }
  /** The highest id the server removed for retention (history starts after it), 0 if none. */
  std::int64_t horizon() const { return horizon_; }
  bool loading_older() const { return loading_older_; }
  bool filling_gap() const { return gap_.has_value(); }

 private:
  struct history_ask {
    std::int64_t before = 0;
    bool gap = false;  // filling a resume gap rather than paging back
  };
  struct gap_range {
    std::int64_t low = 0;   // we have everything up to here
    std::int64_t high = 0;  // and everything from here on
  };

  void request_gap_page(bool live);

  client_context& ctx_;
  bool awaiting_connect_history_ = false;
  std::int64_t reload_before_ = 0;  ///< after a rewind: the page before this id follows the connect history
  bool has_older_ = false;
  bool loading_older_ = false;
  std::int64_t horizon_ = 0;
  std::optional<gap_range> gap_;
  std::deque<history_ask> asks_;
};

}  // namespace chat::web
