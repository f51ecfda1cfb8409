// Selecting text in the message list (see message_select.hpp).
#include "ui/message_select.hpp"

#include "client/text_selection.hpp"
#include "text/text_engine.hpp"

#include <cmath>

namespace chat::web::ui {
namespace {

constexpr float drag_threshold = 3.0f;  // px the pointer moves before a press becomes a drag

/** The byte of `body` under the pointer; above the text its start, below it its end. */
std::size_t offset_at(const std::string& body, const screen_rect& r, unsigned texture, ImVec2 mp) {
  if (mp.y < r.y) return 0;
  if (mp.y >= r.y + r.h) return body.size();
  const auto hit = text::engine().hit(texture, mp.x - r.x, mp.y - r.y);
  return hit ? hit->offset : 0;
}

}  // namespace

const log_entry* find_entry(const message_log& log, std::int64_t key) {
  for (const auto& c : log.outbox()) {
    if (c.key() == key) return &c;
  }
  for (const auto& c : log.confirmed()) {
    if (c.key() == key) return &c;
  }
  return nullptr;
}

void message_selection::begin_draw(bool pressed) {
  if (pressed) clear();
}

void message_selection::track(std::int64_t key, const std::string& body, const screen_rect& r, unsigned texture, bool pressed) {
  const ImVec2 mp = ImGui::GetMousePos();
  if (pressed) {
    selected_ = key;
    if (texture == 0 || !r.contains(mp.x, mp.y)) return;  // on the card, off its text: the message alone
    ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);
    const auto hit = text::engine().hit(texture, mp.x - r.x, mp.y - r.y);
    if (!hit) return;
    key_ = key;
    moved_ = false;
    const int clicks = ImGui::GetMouseClickedCount(ImGuiMouseButton_Left);
    if (clicks >= 3) {  // the whole message
      anchor_ = 0;
      focus_ = body.size();
      pressing_ = false;
    } else if (clicks == 2) {
      const markup::byte_range w = markup::word_at(body, hit->under);
      anchor_ = w.begin;
      focus_ = w.end;
      pressing_ = false;
    } else {
      anchor_ = focus_ = hit->offset;
      pressing_ = true;
      press_at_ = mp;
    }
    return;
  }
  if (texture != 0 && r.contains(mp.x, mp.y) && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);
  }
  if (!pressing_ || key != key_ || texture == 0) return;
  if (!moved_ && std::hypot(mp.x - press_at_.x, mp.y - press_at_.y) >= drag_threshold) moved_ = true;
  if (moved_) {
    focus_ = offset_at(body, r, texture, mp);
    ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);
  }
}

void message_selection::draw_highlight(ImDrawList* dl, std::int64_t key, const screen_rect& r, unsigned texture) const {
  if (key != key_ || texture == 0 || begin() >= end()) return;
  for (const text::text_rect& q : text::engine().rects(texture, begin(), end())) {
    dl->AddRectFilled(ImVec2(r.x + q.x, r.y + q.y), ImVec2(r.x + q.x + q.w, r.y + q.y + q.h), color::selection);
  }
}

void message_selection::end_draw() {
  if (pressing_ && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) pressing_ = false;
}

void message_selection::select_message(std::int64_t key) {
  clear();
  selected_ = key;
}

void message_selection::clear() {
  key_ = 0;
  anchor_ = focus_ = 0;
  pressing_ = moved_ = false;
  selected_ = 0;
}

std::string message_selection::copy_text(const message_log& log) const {
  if (const log_entry* e = text_key() != 0 ? find_entry(log, key_) : nullptr) {
    return markup::copy_text(e->text, markup::parse(e->text), begin(), end());
  }
  if (const log_entry* e = selected_ != 0 ? find_entry(log, selected_) : nullptr) return e->text;
  return {};
}

}  // namespace chat::web::ui
