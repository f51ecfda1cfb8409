// The message list (see message_list.hpp).
#include "ui/message_list.hpp"

#include "ui/message_links.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

namespace chat::web::ui {
namespace {

constexpr float pad = size::list_pad;
constexpr float av = size::avatar;
constexpr float gap = 8.0f;
constexpr float meta_gap = 4.0f;
constexpr float actions_h = 30.0f;
constexpr float day_h = 44.0f;
constexpr float group_space = 14.0f;
constexpr float inner_space = 4.0f;
constexpr float icon_w = 18.0f;
constexpr float max_column = 880.0f;  // wide screens get a centred column, not messages at both edges
constexpr const char* waiting_text = "Waiting for connection";
constexpr const char* sending_text = "Sending…";
constexpr const char* failed_text = "Not sent";

bool is_own(const draw_context& f, const log_entry& e) {
  return !f.client.me().username.empty() && e.username == f.client.me().username;
}

ImU32 fade(ImU32 c, float a) {
  const auto alpha = static_cast<unsigned>(((c >> IM_COL32_A_SHIFT) & 0xFF) * a);
  return (c & ~IM_COL32_A_MASK) | (alpha << IM_COL32_A_SHIFT);
}

std::string widget_name(const log_entry& e) {
  return e.id > 0 ? "message." + std::to_string(e.id) : "message." + e.client_id;
}

}  // namespace

std::string message_list::meta_text(draw_context& f, const log_entry& e, bool first) const {
  return first ? "by " + f.client.display_name(e.username) + " at " + e.time_label : e.time_label;
}

float message_list::row_height(draw_context& f, const log_row& r, float& card_w) const {
  card_w = 0;
  if (r.kind == log_row::row_type::day) return day_h;
  const log_entry& e = f.client.log().entry(r);
  measured_size& m = measures_[e.key()];
  if (m.wrap != geo_.wrap) {
    const ImVec2 s = formatted_size(f.fonts.body, e.text, geo_.wrap);
    m = measured_size{geo_.wrap, s.x, s.y};
  }
  float meta_w = 0;
  float extra = 0;
  const float line = px(f.fonts.small) + 2;
  switch (e.delivery) {
    case delivery_state::sent:
      meta_w = r.group_first ? text_size(f.fonts.small, "by  at ").x + text_size(f.fonts.small_bold, f.client.display_name(e.username)).x +
                                   text_size(f.fonts.small, e.time_label).x
                             : text_size(f.fonts.small, e.time_label).x;
      break;
    case delivery_state::pending: meta_w = icon_w + text_size(f.fonts.small, waiting_text).x; break;
    case delivery_state::failed: {
      meta_w = icon_w + text_size(f.fonts.small_bold, failed_text).x;
      const ImVec2 reason = text_size(f.fonts.small, e.error, geo_.wrap);
      meta_w = std::max(meta_w, reason.x);
      extra = 4 + reason.y + actions_h;
      break;
    }
  }
  card_w = std::clamp(std::max(m.w, meta_w) + 2 * size::card_pad_x, 72.0f, geo_.card_max);
  float h = size::card_pad_y + m.h + meta_gap + line + size::card_pad_y + extra;
  if (r.group_first) h = std::max(h, av);
  return h + (r.group_last ? group_space : inner_space);
}

void message_list::relayout(draw_context& f, float width) {
  geo_.width = width;
  geo_.column = std::min(width, max_column);
  geo_.card_max = std::min(560.0f, std::floor((geo_.column - 2 * pad - av - gap) * 0.86f));
  geo_.wrap = geo_.card_max - 2 * size::card_pad_x;
  const auto& rows = f.client.log().rows();
  tops_.assign(rows.size() + 1, 0.0f);
  card_w_.assign(rows.size(), 0.0f);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    tops_[i + 1] = tops_[i] + row_height(f, rows[i], card_w_[i]);
  }
  if (measures_.size() > rows.size() * 2 + 256) {  // forget messages that left (logout)
    measures_.clear();
  }
  layout_revision_ = f.client.log().revision();
  layout_names_ = f.client.employees_loaded();
  layout_live_ = f.client.connection() == connection_state::live;
}

void message_list::draw(draw_context& f, const screen_rect& area) {
  const auto& log = f.client.log();
  const auto& rows = log.rows();
  const float width = area.w - ImGui::GetStyle().ScrollbarSize;
  const bool live = f.client.connection() == connection_state::live;
  const bool changed = log.revision() != layout_revision_ || width != geo_.width ||
                       layout_names_ != f.client.employees_loaded() || layout_live_ != live;
  if (changed) relayout(f, width);
  const float total = header_h_ + tops_.back();

  // The scroll position for this draw is decided before the list begins, with
  // its content height known, so a jump to the bottom or a page arriving above
  // shows in the same draw: stick to the bottom when the user was there (or
  // asked to go there); otherwise keep the message at the top of the view in place.
  if (stick_ || (changed && at_bottom_)) {
    ImGui::SetNextWindowScroll(ImVec2(-1.0f, std::max(0.0f, total - area.h)));
    stick_ = false;
  } else if (changed && anchor_key_ != 0) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].kind == log_row::row_type::message && log.entry(rows[i]).key() == anchor_key_) {
        const float desired = header_h_ + tops_[i] - anchor_offset_;
        if (std::fabs(desired - scroll_y_) > 0.5f) ImGui::SetNextWindowScroll(ImVec2(-1.0f, desired));
        break;
      }
    }
  }
  ImGui::SetNextWindowContentSize(ImVec2(0.0f, total));

  ImDrawList* bg = ImGui::GetWindowDrawList();
  bg->AddRectFilled(vmin(area), vmax(area), color::list_bg);
  ImGui::SetCursorScreenPos(vmin(area));
  // The scrollbar keeps its room (a stable width) but shows only when there is something to scroll.
  const bool scrollable = total > area.h;
  if (!scrollable) ImGui::PushStyleColor(ImGuiCol_ScrollbarGrab, IM_COL32(0, 0, 0, 0));
  ImGui::BeginChild("##messages", ImVec2(area.w, area.h), false,
                    ImGuiWindowFlags_AlwaysVerticalScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (!scrollable) ImGui::PopStyleColor();
  scroll_y_ = ImGui::GetScrollY();
  scroll_max_ = ImGui::GetScrollMaxY();
  view_h_ = area.h;
  at_bottom_ = scroll_max_ <= 1.0f || scroll_y_ >= scroll_max_ - 2.0f;
  f.intents.at_bottom = at_bottom_;
  // A left press anywhere on the page but in a popup clears the selection; a press on a message's text starts a new one below.
  selection_.begin_draw(ImGui::IsMouseClicked(ImGuiMouseButton_Left) && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId));
  drawn_text_.clear();

  // Wheel, touch drags and their momentum scroll the list under the pointer.
  if (f.platform_scroll != 0 && ImGui::IsWindowHovered()) {
    ImGui::SetScrollY(scroll_y_ + f.platform_scroll);
    f.platform_scroll = 0;
  }
  if (f.dom.focused_name().empty() && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) {
    if (ImGui::IsKeyPressed(33)) ImGui::SetScrollY(scroll_y_ - area.h * 0.9f);  // Page Up
    if (ImGui::IsKeyPressed(34)) ImGui::SetScrollY(scroll_y_ + area.h * 0.9f);  // Page Down
    if (ImGui::IsKeyPressed(38)) ImGui::SetScrollY(scroll_y_ - 60.0f);           // Up
    if (ImGui::IsKeyPressed(40)) ImGui::SetScrollY(scroll_y_ + 60.0f);           // Down
    if (ImGui::IsKeyPressed(36)) ImGui::SetScrollY(0.0f);                        // Home
    if (ImGui::IsKeyPressed(35)) stick_ = true;                                  // End
    if (ImGui::IsKeyPressed(27)) selection_.clear();                             // Escape
  }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  visible_.clear();
  hover_link_.clear();
  if (rows.empty()) {
    const char* empty = live ? "No messages yet. Say hello!" : "";
    const ImVec2 ts = text_size(f.fonts.body, empty);
    text(dl, f.fonts.body, ImVec2(area.x + (width - ts.x) * 0.5f, area.y + area.h * 0.42f), color::muted, empty);
    if (!live) spinner(dl, ImVec2(area.x + width * 0.5f, area.y + area.h * 0.42f), 10, color::faint, ImGui::GetTime() * 1000);
    ImGui::Dummy(ImVec2(width, 1));
  } else {
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(std::ceil(total)), 1.0f);  // one item per pixel row of the list
    std::size_t next = 0;
    const float clip_top = ImGui::GetWindowPos().y, clip_bottom = clip_top + area.h;
    while (clipper.Step()) {
      const float y0 = static_cast<float>(clipper.DisplayStart), y1 = static_cast<float>(clipper.DisplayEnd);
      if (y0 < header_h_) draw_header(f, dl, origin, width);
      auto it = std::upper_bound(tops_.begin(), tops_.end(), y0 - header_h_);
      std::size_t i = it == tops_.begin() ? 0 : static_cast<std::size_t>(it - tops_.begin()) - 1;
      for (i = std::max(i, next); i < rows.size() && header_h_ + tops_[i] < y1; ++i) {
        draw_row(f, dl, i, origin);
        const float top = origin.y + header_h_ + tops_[i], bottom = origin.y + header_h_ + tops_[i + 1];
        if (rows[i].kind == log_row::row_type::message && bottom > clip_top && top < clip_bottom) {
          visible_.push_back(log.entry(rows[i]).key());
        }
      }
      next = std::max(next, i);
    }
  }
  draw_menu(f);
  selection_.end_draw();

  // Near the top, the page before the oldest message is fetched.
  if (!stick_ && live && f.client.has_older() && !f.client.loading_older() && scroll_y_ < 400.0f) {
    f.intents.load_older = true;
  }
  ImGui::EndChild();
  draw_link_status(f, area, hover_link_);

  // Remember which message is at the top of the view, and where.
  anchor_key_ = 0;
  auto it = std::upper_bound(tops_.begin(), tops_.end(), scroll_y_ - header_h_);
  for (std::size_t i = it == tops_.begin() ? 0 : static_cast<std::size_t>(it - tops_.begin()) - 1; i < rows.size(); ++i) {
    if (rows[i].kind == log_row::row_type::message) {
      anchor_key_ = log.entry(rows[i]).key();
      anchor_offset_ = header_h_ + tops_[i] - scroll_y_;
      break;
    }
  }
}

void message_list::draw_header(draw_context& f, ImDrawList* dl, ImVec2 origin, float width) {
  const float cy = origin.y + header_h_ * 0.5f;
  if (f.client.loading_older() || (f.client.has_older() && f.client.connection() == connection_state::live)) {
    const char* label = "Loading older messages…";
    const ImVec2 ts = text_size(f.fonts.small, label);
    const float x = origin.x + (width - ts.x + 22) * 0.5f;
    spinner(dl, ImVec2(x - 14, cy), 6, color::faint, ImGui::GetTime() * 1000);
    text(dl, f.fonts.small, ImVec2(x, cy - ts.y * 0.5f), color::muted, label);
    f.redraw_within(50);
  } else if (!f.client.has_older()) {
    const char* label = f.client.history_horizon() > 0 ? "History starts here: older messages were removed."
                                                       : "This is the beginning of the chat room.";
    const ImVec2 ts = text_size(f.fonts.small, label);
    text(dl, f.fonts.small, ImVec2(origin.x + (width - ts.x) * 0.5f, cy - ts.y * 0.5f), color::faint, label);
  }
}

void message_list::draw_row(draw_context& f, ImDrawList* dl, std::size_t index, ImVec2 origin) {
  const log_row& r = f.client.log().rows()[index];
  const float y = origin.y + header_h_ + tops_[index];
  const float width = geo_.column;
  origin.x += std::floor((geo_.width - geo_.column) * 0.5f);

  if (r.kind == log_row::row_type::day) {
    const std::string label = f.client.log().day_label(r.day_time, f.now);
    const ImVec2 ts = text_size(f.fonts.small_bold, label);
    const float cx = origin.x + width * 0.5f, cy = y + day_h * 0.5f;
    const screen_rect pill{cx - ts.x * 0.5f - 12, cy - ts.y * 0.5f - 4, ts.x + 24, ts.y + 8};
    dl->AddLine(ImVec2(origin.x + pad, cy), ImVec2(pill.x - 8, cy), color::separator);
    dl->AddLine(ImVec2(pill.x + pill.w + 8, cy), ImVec2(origin.x + width - pad, cy), color::separator);
    dl->AddRectFilled(vmin(pill), vmax(pill), color::rgb(0xF1F2F4), pill.h * 0.5f);
    text(dl, f.fonts.small_bold, ImVec2(pill.x + 12, pill.y + 4), color::muted, label);
    f.dom.rect("day." + label, pill);
    return;
  }

  const log_entry& e = f.client.log().entry(r);
  const bool own = is_own(f, e);
  const float cw = card_w_[index];
  const measured_size& m = measures_[e.key()];
  const float line = px(f.fonts.small) + 2;
  const float reason_h = e.delivery == delivery_state::failed ? text_size(f.fonts.small, e.error, geo_.wrap).y + 4 : 0;
  const float card_h = size::card_pad_y + m.h + meta_gap + line + size::card_pad_y + reason_h;
  const float card_x = own ? origin.x + width - pad - av - gap - cw : origin.x + pad + av + gap;
  const screen_rect card{card_x, y, cw, card_h};
  const float alpha = e.delivery == delivery_state::pending ? 0.62f : 1.0f;

  if (r.group_first) {
    avatar(f, dl, ImVec2(own ? origin.x + width - pad - av : origin.x + pad, y), av, e.username, true);
  }

  // The card: shadow, fill, border, as in the tutorial's list item.
  ImGui::SetCursorScreenPos(vmin(card));
  ImGui::PushID(static_cast<int>(e.key()));
  const bool pressed =
      ImGui::InvisibleButton("##card", ImVec2(cw, card_h), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool clicked = pressed && ImGui::IsMouseReleased(ImGuiMouseButton_Left);
  const bool hovered = ImGui::IsItemHovered();
  const bool menu = ImGui::IsItemClicked(ImGuiMouseButton_Right);
  const bool pressed_left = ImGui::IsItemActivated() && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
  ImGui::PopID();
  if (menu) {
    menu_key_ = e.key();
    ImGui::OpenPopup("##menu");
  }
  const ImU32 fill = own ? color::own_card : color::card;
  const ImU32 border = e.delivery == delivery_state::failed     ? color::error
                       : selection_.selected() == e.key()        ? color::selected_card
                       : own                                     ? color::own_border
                                                                 : color::card_border;
  dl->AddRectFilled(ImVec2(card.x, card.y + 1.5f), ImVec2(card.x + cw, card.y + card_h + 1.5f), fade(color::card_shadow, alpha),
                    size::card_rounding);
  dl->AddRectFilled(vmin(card), vmax(card), fade(fill, alpha), size::card_rounding);
  dl->AddRect(vmin(card), vmax(card), hovered ? color::rgb(0xC8CACE) : fade(border, alpha), size::card_rounding);
  f.dom.rect(widget_name(e), card);

  const float tx = card.x + size::card_pad_x;
  // The text over its selection: the glyphs on a layer above the highlight, drawn once the texture is known.
  unsigned body_texture = 0;
  ImDrawListSplitter layers;
  layers.Split(dl, 2);
  layers.SetCurrentChannel(dl, 1);
  const screen_rect body = formatted_text(dl, f.fonts.body, ImVec2(tx, card.y + size::card_pad_y), fade(color::text, alpha), e.text,
                                          geo_.wrap, cw - 2 * size::card_pad_x, body_texture);
  layers.SetCurrentChannel(dl, 0);
  selection_.track(e.key(), e.text, body, body_texture, pressed_left);
  selection_.draw_highlight(dl, e.key(), body, body_texture);
  layers.Merge(dl);
  f.dom.rect(widget_name(e) + ".text", body);
  drawn_text_[e.key()] = {body, body_texture};
  if (hovered && body_texture != 0) {
    const bool open = clicked && !selection_.dragged(e.key());  // a drag that starts on a link selects instead
    if (std::string href = link_under_pointer(f, e.text, body, body_texture, open); !href.empty()) hover_link_ = std::move(href);
  }

  // The meta line, right-aligned like the tutorial's "by Name at Time".
  const float my = card.y + size::card_pad_y + m.h + meta_gap;
  const float right = card.x + cw - size::card_pad_x;
  switch (e.delivery) {
    case delivery_state::sent: {
      if (r.group_first) {
        const std::string name = f.client.display_name(e.username);
        const std::string at = " at " + e.time_label;
        const float wa = text_size(f.fonts.small, at).x, wn = text_size(f.fonts.small_bold, name).x,
                    wb = text_size(f.fonts.small, "by ").x;
        float x = right - wa - wn - wb;
        text(dl, f.fonts.small, ImVec2(x, my), color::muted, "by ");
        text(dl, f.fonts.small_bold, ImVec2(x += wb, my), own ? color::brand_active : color::text, name);
        text(dl, f.fonts.small, ImVec2(x + wn, my), color::muted, at);
      } else {
        const float w = text_size(f.fonts.small, e.time_label).x;
        text(dl, f.fonts.small, ImVec2(right - w, my), color::faint, e.time_label);
      }
      break;
    }
    case delivery_state::pending: {
      const char* label = f.client.connection() == connection_state::live ? sending_text : waiting_text;
      const float w = text_size(f.fonts.small, label).x;
      icon_clock(dl, ImVec2(right - w - 9, my + line * 0.5f - 1), 11, color::muted);
      text(dl, f.fonts.small, ImVec2(right - w, my), color::muted, label);
      break;
    }
    case delivery_state::failed: {
      const float w = text_size(f.fonts.small_bold, failed_text).x;
      icon_alert(dl, ImVec2(right - w - 9, my + line * 0.5f - 1), 12, color::error);
      text(dl, f.fonts.small_bold, ImVec2(right - w, my), color::error, failed_text);
      text(dl, f.fonts.small, ImVec2(tx, my + line + 4), color::error, e.error, geo_.wrap);
      // Retry and Discard under the card, on its outer side.
      const float bw = 72, bh = 26, by = card.y + card_h + 3;
      const float bx = own ? card.x + cw - 2 * bw - 6 : card.x;
      const screen_rect retry{bx, by, bw, bh}, discard{bx + bw + 6, by, bw, bh};
      if (button(f, widget_name(e) + ".retry", retry, "Retry sending this message", true, button_look::link).clicked) {
        f.intents.retry.push_back(e.client_id);
      }
      const ImVec2 rs = text_size(f.fonts.small_bold, "Retry");
      text(dl, f.fonts.small_bold, ImVec2(retry.x + (bw - rs.x) * 0.5f, by + (bh - rs.y) * 0.5f), color::brand_active, "Retry");
      if (button(f, widget_name(e) + ".discard", discard, "Discard this message", true, button_look::link).clicked) {
        f.intents.discard.push_back(e.client_id);
      }
      const ImVec2 ds = text_size(f.fonts.small_bold, "Discard");
      text(dl, f.fonts.small_bold, ImVec2(discard.x + (bw - ds.x) * 0.5f, by + (bh - ds.y) * 0.5f), color::muted, "Discard");
      break;
    }
  }
}

std::pair<screen_rect, unsigned> message_list::drawn_text(std::int64_t key) const {
  const auto it = drawn_text_.find(key);
  return it == drawn_text_.end() ? std::pair<screen_rect, unsigned>{} : it->second;
}

}  // namespace chat::web::ui
