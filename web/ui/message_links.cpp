// Links in message text (see message_links.hpp).
#include "ui/message_links.hpp"

#include "client/markup_layout.hpp"
#include "platform/browser_platform.hpp"
#include "text/text_engine.hpp"

#include <algorithm>

namespace chat::web::ui {

std::string link_under_pointer(draw_context& f, const std::string& body, const screen_rect& r, unsigned texture, bool clicked) {
  const ImVec2 mp = ImGui::GetMousePos();
  const auto hit = text::engine().hit(texture, mp.x - r.x, mp.y - r.y);
  if (!hit || !hit->inside) return {};
  const markup::document doc = markup::parse(body);
  const markup::run* run = markup::run_at(doc, hit->under);
  if (run == nullptr || !(run->styles & markup::link) || !markup::allowed_href(run->href)) return {};
  ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  if (clicked) f.platform.open_link(run->href);
  return run->href;
}

void draw_link_status(draw_context& f, const screen_rect& area, const std::string& href) {
  if (href.empty()) return;
  const std::string shown = fit(f.fonts.small, href, std::max(80.0f, area.w * 0.7f));
  const ImVec2 ts = text_size(f.fonts.small, shown);
  const screen_rect pill{area.x + 4, area.y + area.h - ts.y - 12, ts.x + 16, ts.y + 8};
  ImDrawList* fg = ImGui::GetForegroundDrawList();
  fg->AddRectFilled(vmin(pill), vmax(pill), color::rgb(0xF7F8FA), 4.0f);
  fg->AddRect(vmin(pill), vmax(pill), color::card_border, 4.0f);
  text(fg, f.fonts.small, ImVec2(pill.x + 8, pill.y + 4), color::text, shown);
  f.dom.rect("link.status", pill);
}

}  // namespace chat::web::ui
