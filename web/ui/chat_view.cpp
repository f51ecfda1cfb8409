// The Chat Room page (see chat_view.hpp).
#include "ui/chat_view.hpp"

#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <algorithm>
#include <cmath>

namespace chat::web::ui {
namespace {

constexpr const char* composer = "composer.text";

std::string thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

/** Ghost buttons on the coral bar: no fill until hovered. */
press_result bar_button(draw_context& f, const std::string& name, const screen_rect& r, const std::string& label) {
  press_result p = button(f, name, r, label, true, button_look::flat, r.h * 0.5f);
  if (p.hovered || p.held) {
    ImGui::GetWindowDrawList()->AddRectFilled(vmin(r), vmax(r), color::rgb(0xFFFFFF, p.held ? 60 : 36), r.h * 0.5f);
  }
  return p;
}

}  // namespace

composer_info composer_state(const std::string& text) {
  composer_info s;
  const body_check check = check_message_body(text);
  s.chars = check.chars;
  s.can_send = check.status == body_status::ok;
  if (check.status == body_status::too_long) {
    s.warning = "Too long: " + thousands(s.chars) + " / " + thousands(limits::max_message_chars) + " characters";
  } else if (s.chars >= limits::warn_message_chars) {
    s.warning = thousands(s.chars) + " / " + thousands(limits::max_message_chars) + " characters";
  }
  return s;
}

void chat_view::draw(draw_context& f, const screen_rect& screen) {
  const screen_rect bar{screen.x, screen.y, screen.w, size::top_bar};
  top_bar(f, bar);
  const float banner_h = banner(f, bar.y + bar.h, screen.w);
  const footer_layout g = footer_geometry(f);
  const screen_rect list_area{screen.x, bar.y + bar.h + banner_h, screen.w, std::max(40.0f, screen.h - bar.h - banner_h - g.height)};
  list_.draw(f, list_area);
  overlays(f, list_area);
  footer(f, screen, g);
  online_popup(f, list_area);
}

void chat_view::top_bar(draw_context& f, const screen_rect& bar) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(vmin(bar), vmax(bar), color::brand);
  const user_profile& me = f.client.me();

  // The user's picture (a rounded square, as in the tutorial's navbar).
  const float pic = size::avatar;
  avatar(f, dl, ImVec2(bar.x + 12, bar.y + (bar.h - pic) * 0.5f), pic, me.username, false);
  dl->AddRect(ImVec2(bar.x + 12, bar.y + (bar.h - pic) * 0.5f), ImVec2(bar.x + 12 + pic, bar.y + (bar.h + pic) * 0.5f),
              color::rgb(0xFFFFFF, 90), pic * 0.18f, 0, 1.5f);

  // Logout at the far right, the online count before it (declared in reading order, for Tab).
  const screen_rect logout{bar.x + bar.w - 8 - 40, bar.y + 8, 40, 40};
  const std::string count = std::to_string(f.client.online().size());
  const float cw = text_size(f.fonts.body_bold, count).x;
  const screen_rect online{logout.x - 6 - (cw + 48), bar.y + 12, cw + 48, 32};
  const std::string online_label = count + (f.client.online().size() == 1 ? " person online" : " people online");
  const press_result op = button(f, "topbar.online", online, "Who is online: " + online_label, true, button_look::on_brand, 16);
  if (op.clicked) open_online_ = !online_open_;
  icon_people(dl, ImVec2(online.x + 20, online.y + 16), 20, color::on_brand);
  text(dl, f.fonts.body_bold, ImVec2(online.x + 35, online.y + 16 - px(f.fonts.body_bold) * 0.6f), color::on_brand, count);
  if (op.hovered) tooltip(f.fonts, online_label);

  const press_result lp = bar_button(f, "topbar.logout", logout, "Log out");
  if (lp.clicked) f.intents.logout = true;
  icon_logout(dl, center(logout), 22, color::on_brand);
  if (lp.hovered) tooltip(f.fonts, "Log out");

  // The user's name before the online button (in any script: the text path draws it), when there is room.
  float name_x = online.x;
  const float tx = bar.x + 12 + pic + 12;
  if (!me.name.empty() && online.x - tx > 300) {
    const std::string name = fit(f.fonts.body_bold, me.name, std::min(260.0f, online.x - tx - 180));
    const float nw = text_size(f.fonts.body_bold, name).x;
    name_x = online.x - 12 - nw;
    const screen_rect at = text(dl, f.fonts.body_bold, ImVec2(name_x, bar.y + (bar.h - px(f.fonts.body_bold)) * 0.5f), color::on_brand, name);
    f.dom.rect("topbar.name", at);
  }

  // Title and the connection state under it.
  const float title_w = name_x - 8 - tx;
  text(dl, f.fonts.title, ImVec2(tx, bar.y + 8), color::on_brand, fit(f.fonts.title, "Chat Room", title_w));
  const connection_state c = f.client.connection();
  const ImU32 dot = c == connection_state::live ? color::live : color::rgb(0xFFD166);
  const float sy = bar.y + 8 + px(f.fonts.title) + 5;
  dl->AddCircleFilled(ImVec2(tx + 4, sy + px(f.fonts.small) * 0.55f), 4, dot, 12);
  const std::string state = f.client.connection_label(f.now);
  text(dl, f.fonts.small, ImVec2(tx + 13, sy), color::on_brand_soft, fit(f.fonts.small, state, title_w - 13));
  f.dom.rect("topbar.status", screen_rect{tx, sy, title_w, px(f.fonts.small) + 2});
  if (c == connection_state::waiting) f.redraw_within(250);
  if (c == connection_state::connecting) f.redraw_within(500);
}

float chat_view::banner(draw_context& f, float y, float width) {
  const connection_state c = f.client.connection();
  if (!f.client.reconnecting()) return 0;
  const float h = 36;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(0, y), ImVec2(width, y + h), color::warn_bg);
  dl->AddLine(ImVec2(0, y + h - 0.5f), ImVec2(width, y + h - 0.5f), color::rgb(0xF1DDB5));
  std::size_t queued = 0;
  for (const auto& e : f.client.log().outbox()) queued += e.delivery == delivery_state::pending ? 1 : 0;
  std::string msg = f.client.network_online() ? "Connection lost. " : "You are offline. ";
  msg += c == connection_state::waiting ? "Reconnecting in " + std::to_string(f.client.retry_in_s(f.now)) + " s." : "Reconnecting…";
  if (queued > 0) msg += queued == 1 ? " 1 message will be sent then." : " " + std::to_string(queued) + " messages will be sent then.";
  float right = width - 10;
  if (c == connection_state::waiting) {
    const float bw = text_size(f.fonts.small_bold, "Retry now").x + 20;
    const screen_rect retry{width - 8 - bw, y + 5, bw, 26};
    if (button(f, "banner.retry", retry, "Reconnect now", true, button_look::link).clicked) f.intents.reconnect = true;
    text(dl, f.fonts.small_bold, ImVec2(retry.x + 10, retry.y + (26 - px(f.fonts.small_bold)) * 0.5f - 1), color::warn, "Retry now");
    right = retry.x - 6;
  }
  text(dl, f.fonts.small, ImVec2(12, y + (h - px(f.fonts.small)) * 0.5f - 1), color::warn, fit(f.fonts.small, msg, right - 12));
  f.dom.rect("banner", screen_rect{0, y, width, h});
  return h;
}

namespace {
constexpr float footer_pad = 8, field_line = 20, field_pad_y = 11;
}  // namespace

chat_view::footer_layout chat_view::footer_geometry(const draw_context& f) {
  footer_layout g;
  g.composer = composer_state(f.dom.value(composer));
  const float content = f.dom.content_height(composer);
  g.box_h = std::clamp(content > 0 ? content + 2 : size::composer_min, size::composer_min,
                       field_line * 6 + 2 * field_pad_y + 2);
  g.warn_h = g.composer.warning.empty() ? 0 : 20;
  g.height = footer_pad + g.warn_h + g.box_h + footer_pad;
  return g;
}

void chat_view::footer(draw_context& f, const screen_rect& screen, const footer_layout& g) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const composer_info& cs = g.composer;
  const float pad = footer_pad;
  const float top = screen.y + screen.h - g.height;
  dl->AddRectFilled(ImVec2(screen.x, top), ImVec2(screen.x + screen.w, screen.y + screen.h), color::footer);
  dl->AddLine(ImVec2(screen.x, top + 0.5f), ImVec2(screen.x + screen.w, top + 0.5f), color::footer_border);

  // On wide screens the composer lines up with the centred message column.
  const float list_w = screen.w - ImGui::GetStyle().ScrollbarSize;
  const bool wide = list_w > 880.0f;
  const float col = wide ? 880.0f : screen.w;
  const float cx = screen.x + (wide ? std::floor((list_w - col) * 0.5f) : 0.0f);
  const float side = wide ? size::list_pad : pad;  // wide: the same edges as the messages
  const screen_rect box{cx + side, top + pad + g.warn_h, col - 2 * side - 2 * pad - size::emoji_w - size::send_w, g.box_h};

  if (!cs.warning.empty()) {
    const ImU32 c = cs.can_send ? color::warn : color::error;
    const float w = text_size(f.fonts.small_bold, cs.warning).x;
    const screen_rect at{box.x + box.w - w, top + pad, w, 16};
    text(dl, f.fonts.small_bold, vmin(at), c, cs.warning);
    f.dom.rect("composer.warning", at);
  }

  // The text area: ImGui draws the box, a real <textarea> over it takes the typing.
  const bool focused = f.dom.focused(composer);
  dl->AddRectFilled(vmin(box), vmax(box), color::field, 6);
  dl->AddRect(vmin(box), vmax(box), focused ? color::field_focus : color::field_border, 6, 0, focused ? 1.5f : 1.0f);
  field_spec spec;
  spec.name = composer;
  spec.kind = field_kind::textarea;
  spec.rect = screen_rect{box.x + 1, box.y + 1, box.w - 2, box.h - 2};
  spec.label = "Message";
  spec.placeholder = "Enter message here";
  spec.font_px = size::body;
  spec.line_px = field_line;
  spec.pad_x = 11;
  spec.pad_y = field_pad_y - 1;
  spec.enter_submits = true;
  spec.autofocus = true;
  f.dom.field(std::move(spec));

  // The send button with the paper plane, bottom-aligned with the text area.
  const screen_rect send{cx + col - side - size::send_w, box.y + box.h - size::composer_min, size::send_w, size::composer_min};
  const press_result sp = button(f, "composer.send", send, "Send message", cs.can_send, button_look::grey, 6, /*keep_focus=*/true);
  icon_send(dl, center(send), 22, cs.can_send ? color::icon : color::icon_disabled);
  if (sp.hovered) tooltip(f.fonts, "Send (Enter)");

  // The emoji picker (a DOM dialog, js/platform.js) opens above its button.
  const screen_rect emoji{send.x - pad - size::emoji_w, send.y, size::emoji_w, size::composer_min};
  const press_result ep = button(f, "composer.emoji", emoji, "Insert emoji", true, button_look::grey, 6, /*keep_focus=*/true);
  icon_smile(dl, center(emoji), 22, ep.hovered ? color::icon : color::icon_disabled);
  if (ep.hovered) ImGui::SetTooltip("Emoji (or type :name)");
  if (ep.clicked) f.dom.open_emoji_picker(emoji);

  const bool submit = f.dom.take_submit(composer);
  if ((sp.clicked || submit) && cs.can_send) {
    f.intents.send = f.dom.value(composer);
    f.dom.set_value(composer, "");
    list_.scroll_to_bottom();
  }
}

namespace {

/** A borderless window over the list, so what it holds is drawn (and clicked) above the messages. */
void begin_overlay(const char* id, const screen_rect& r, bool inputs) {
  ImGui::SetNextWindowPos(vmin(r));
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
  ImGui::Begin(id, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav |
                   (inputs ? 0 : ImGuiWindowFlags_NoInputs));
}

}  // namespace

void chat_view::overlays(draw_context& f, const screen_rect& area) {
  float bottom = area.y + area.h - 12;

  // "N new messages": the list is not at the bottom and more arrived.
  const int fresh = f.client.new_below();
  if (fresh > 0 && !list_.at_bottom()) {
    const std::string label = fresh == 1 ? "1 new message" : std::to_string(fresh) + " new messages";
    const float w = text_size(f.fonts.small_bold, label).x + 46;
    const screen_rect pill{area.x + (area.w - w) * 0.5f, bottom - 32, w, 32};
    begin_overlay("##new_messages", screen_rect{pill.x, pill.y, pill.w, pill.h + 4}, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(pill.x, pill.y + 2), ImVec2(pill.x + w, pill.y + 34), color::rgb(0x000000, 30), 16);
    const press_result p = button(f, "list.new_messages", pill, "Show " + label, true, button_look::flat, 16);
    dl->AddRectFilled(vmin(pill), vmax(pill), p.hovered ? color::rgb(0x2462CC) : color::pill, 16);
    icon_arrow_down(dl, ImVec2(pill.x + 18, pill.y + 16), 14, IM_COL32_WHITE);
    text(dl, f.fonts.small_bold, ImVec2(pill.x + 32, pill.y + (32 - px(f.fonts.small_bold)) * 0.5f - 1), IM_COL32_WHITE, label);
    ImGui::End();
    if (p.clicked) list_.scroll_to_bottom();
    bottom = pill.y - 8;
  }

  // A toast: the client's notice, or a confirmation from this page.
  if (!f.toast.empty()) show_toast(f.toast);
  if (!toast_.empty() && ImGui::GetTime() > toast_until_) toast_.clear();
  const std::string shown = !f.client.notice().empty() ? f.client.notice() : toast_;
  if (!shown.empty()) {
    const float maxw = std::min(area.w - 32, 420.0f);
    const ImVec2 ts = text_size(f.fonts.small, shown, maxw - 28);
    const screen_rect t{area.x + (area.w - ts.x - 28) * 0.5f, bottom - ts.y - 16, ts.x + 28, ts.y + 16};
    begin_overlay("##toast", t, false);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(vmin(t), vmax(t), color::toast_bg, 10);
    text(dl, f.fonts.small, ImVec2(t.x + 14, t.y + 8), IM_COL32_WHITE, shown, maxw - 28);
    ImGui::End();
    f.dom.rect("toast", t);
    if (!toast_.empty()) f.redraw_within(250);
  }
}

void chat_view::online_popup(draw_context& f, const screen_rect& area) {
  if (open_online_) {
    ImGui::OpenPopup("##online");
    open_online_ = false;
  }
  online_open_ = false;
  const auto& online = f.client.online();
  const float w = std::min(300.0f, area.w - 16);
  const float row = 48, head = 44;
  const float h = std::min(head + row * static_cast<float>(std::max<std::size_t>(online.size(), 1)) + 8, area.h - 8);
  ImGui::SetNextWindowPos(ImVec2(area.x + area.w - 8 - w, area.y + 6));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  if (ImGui::BeginPopup("##online", ImGuiWindowFlags_NoMove)) {
    online_open_ = true;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetWindowPos();
    const screen_rect popup{p.x, p.y, w, h};
    f.dom.rect("online.popup", popup);
    f.dom.occlude(popup);
    const std::string title = "Online now · " + std::to_string(online.size());
    text(dl, f.fonts.body_bold, ImVec2(p.x + 16, p.y + 13), color::text, title);
    dl->AddLine(ImVec2(p.x, p.y + head - 0.5f), ImVec2(p.x + w, p.y + head - 0.5f), color::separator);
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + head));
    ImGui::BeginChild("##online_list", ImVec2(w, h - head), false, ImGuiWindowFlags_NoScrollWithMouse);
    if (f.platform_scroll != 0 && ImGui::IsWindowHovered()) {
      ImGui::SetScrollY(ImGui::GetScrollY() + f.platform_scroll);
      f.platform_scroll = 0;
    }
    ImDrawList* ldl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    for (std::size_t i = 0; i < online.size(); ++i) {
      const std::string& u = online[i];
      const float y = o.y + 4 + row * static_cast<float>(i);
      avatar(f, ldl, ImVec2(o.x + 14, y + 8), 32, u, true);
      ldl->AddCircleFilled(ImVec2(o.x + 14 + 29, y + 8 + 29), 5, IM_COL32_WHITE, 12);
      ldl->AddCircleFilled(ImVec2(o.x + 14 + 29, y + 8 + 29), 3.5f, color::rgb(0x2DBE6C), 12);
      std::string name = f.client.display_name(u);
      if (u == f.client.me().username) name += " (you)";
      text(ldl, f.fonts.body_bold, ImVec2(o.x + 58, y + 7), color::text, fit(f.fonts.body_bold, name, w - 72));
      text(ldl, f.fonts.small, ImVec2(o.x + 58, y + 26), color::muted, fit(f.fonts.small, "@" + u, w - 72));
      f.dom.rect("online." + u, screen_rect{o.x, y, w, row});
    }
    ImGui::Dummy(ImVec2(w, row * static_cast<float>(online.size()) + 8));
    ImGui::EndChild();
    if (ImGui::IsKeyPressed(27)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::PopStyleVar();
}

void chat_view::show_toast(std::string text) {
  toast_ = std::move(text);
  toast_until_ = ImGui::GetTime() + 2.5;
}

}  // namespace chat::web::ui
