// The login page (username, password, Log in; Enter submits; clear errors for
// wrong credentials, throttling and an unreachable server), the short
// "starting" page shown while the session cookie is checked, and the
// "logging out" page shown until the server confirmed a logout.
#pragma once

#include "ui/widgets.hpp"

namespace chat::web::ui {

class login_view {
 public:
  void draw(draw_context& f, const screen_rect& screen);

 private:
  bool was_busy_ = false;
};

/** The page shown while /api/me decides between login and the chat room. */
void draw_starting(draw_context& f, const screen_rect& screen);

/** The page shown while POST /api/logout is on its way. */
void draw_logging_out(draw_context& f, const screen_rect& screen);

/** The coral bar with the title, as every page has it. */
void brand_bar(draw_context& f, const screen_rect& bar);

}  // namespace chat::web::ui
