// Links in message text: the one under the pointer (found by the text path's
// hit test), opened on a click or a tap, and its address shown at the bottom
// of the list as browsers do (docs/client.md, "The text path").
#pragma once

#include "ui/widgets.hpp"

#include <string>

namespace chat::web::ui {

/** The address of the link under the pointer in a message's text (`body`, drawn as
 *  formatted `texture` at `r`), or empty; on a link the cursor is the pointer, and a
 *  `clicked` card opens it (http, https and mailto only). */
std::string link_under_pointer(draw_context& f, const std::string& body, const screen_rect& r, unsigned texture, bool clicked);

/** The address `href` (when not empty) at the bottom-left of `area`, rect "link.status". */
void draw_link_status(draw_context& f, const screen_rect& area, const std::string& href);

}  // namespace chat::web::ui
