// The look: the tutorial's coral top bar and white cards, colours, sizes and
// the text styles (the browser's own sans-serif and color emoji, drawn through
// the text path in web/text/).
#pragma once

#include "text/text_style.hpp"

#include <imgui.h>

namespace chat::web::ui {

namespace color {
inline constexpr ImU32 rgb(unsigned v, unsigned a = 255) {
  return IM_COL32((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF, a);
}
inline constexpr ImU32 brand = rgb(0xEF6262);        // the tutorial's navbar
inline constexpr ImU32 brand_hover = rgb(0xE25555);
inline constexpr ImU32 brand_active = rgb(0xCF4646);
inline constexpr ImU32 on_brand = rgb(0xFFFFFF);
inline constexpr ImU32 on_brand_soft = rgb(0xFFFFFF, 215);
inline constexpr ImU32 page = rgb(0xF6F6F7);
inline constexpr ImU32 list_bg = rgb(0xFFFFFF);
inline constexpr ImU32 card = rgb(0xFFFFFF);
inline constexpr ImU32 card_border = rgb(0xE3E4E6);
inline constexpr ImU32 card_shadow = rgb(0x000000, 16);
inline constexpr ImU32 own_card = rgb(0xFDEEEE);
inline constexpr ImU32 own_border = rgb(0xF5CACA);
inline constexpr ImU32 text = rgb(0x2B2D31);
inline constexpr ImU32 muted = rgb(0x74787F);
inline constexpr ImU32 faint = rgb(0xA3A7AE);
inline constexpr ImU32 footer = rgb(0xF0F0F0);
inline constexpr ImU32 footer_border = rgb(0xDCDCDC);
inline constexpr ImU32 field = rgb(0xFFFFFF);
inline constexpr ImU32 field_border = rgb(0xD3D5D8);
inline constexpr ImU32 field_focus = rgb(0x6E9EEB);
inline constexpr ImU32 selection = rgb(0xB4D5FE);      // selected text, behind its glyphs (as browsers show it)
inline constexpr ImU32 selected_card = rgb(0x6E9EEB);  // the border of the message Ctrl+C copies
inline constexpr ImU32 send_bg = rgb(0xE4E4E4);
inline constexpr ImU32 send_hover = rgb(0xD8D8D8);
inline constexpr ImU32 send_active = rgb(0xCBCBCB);
inline constexpr ImU32 icon = rgb(0x454A50);
inline constexpr ImU32 icon_disabled = rgb(0xB4B8BD);
inline constexpr ImU32 live = rgb(0x3DDC84);
inline constexpr ImU32 warn = rgb(0xC7780A);
inline constexpr ImU32 warn_bg = rgb(0xFFF4DF);
inline constexpr ImU32 error = rgb(0xC93636);
inline constexpr ImU32 error_bg = rgb(0xFDECEC);
inline constexpr ImU32 focus_ring = rgb(0x2F6FDE);
inline constexpr ImU32 toast_bg = rgb(0x2B2D31, 235);
inline constexpr ImU32 pill = rgb(0x2F6FDE);
inline constexpr ImU32 separator = rgb(0xE6E7E9);
}  // namespace color

namespace size {
inline constexpr float body = 15.0f;
inline constexpr float small = 12.5f;
inline constexpr float title = 18.0f;
inline constexpr float heading = 22.0f;
inline constexpr float top_bar = 56.0f;
inline constexpr float avatar = 36.0f;
inline constexpr float list_pad = 12.0f;
inline constexpr float card_pad_x = 12.0f;
inline constexpr float card_pad_y = 9.0f;
inline constexpr float card_rounding = 10.0f;
inline constexpr float composer_min = 44.0f;
inline constexpr float send_w = 56.0f;
inline constexpr float emoji_w = 44.0f;
}  // namespace size

using text::text_style;

/** The app's text styles; sizes are in CSS pixels. */
struct font_set {
  text_style body{size::body, 400};
  text_style body_bold{size::body, 700};
  text_style small{size::small, 400};
  text_style small_bold{size::small, 700};
  text_style title{size::title, 700};
  text_style heading{size::heading, 700};
};

/** ImGui's style for the app (rounding, padding, scrollbars, colours). */
void apply_style();

}  // namespace chat::web::ui
