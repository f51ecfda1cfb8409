// Shared drawing pieces (see widgets.hpp).
#include "ui/widgets.hpp"

#include "platform/assets.hpp"
#include "platform/browser_platform.hpp"
#include "text/text_engine.hpp"

#include <cmath>

namespace chat::web::ui {
namespace {
constexpr float pi = 3.14159265f;
}  // namespace

float px(const text_style& st) { return text::line_height(st); }

ImVec2 text_size(const text_style& st, std::string_view s, float wrap_width) {
  const text::text_extent e = text::engine().measure(s, st, wrap_width);
  return ImVec2(e.w, e.h);
}

namespace {
/** Draws a text texture with its top-left at `pos` (see text()). */
screen_rect place(ImDrawList* dl, const text::text_texture& t, ImVec2 pos, ImU32 col, float box_w, float dpr) {
  float x = pos.x;
  if (t.texture == 0) return screen_rect{x, pos.y, t.extent.w, t.extent.h};  // drawn by the next draw
  if (t.extent.rtl && box_w > 0) x += std::max(0.0f, box_w - t.extent.w);
  // On whole device pixels, so the texture's pixels meet the screen's one to one.
  x = std::round(x * dpr) / dpr;
  const float y = std::round(pos.y * dpr) / dpr;
  const ImU32 tint = (col & IM_COL32_A_MASK) | 0x00FFFFFFu;
  const float w = std::ceil(t.extent.w * dpr) / dpr, h = std::ceil(t.extent.h * dpr) / dpr;
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(t.texture)), ImVec2(x, y), ImVec2(x + w, y + h),
               ImVec2(0, 0), ImVec2(1, 1), tint);
  return screen_rect{x, y, t.extent.w, t.extent.h};
}
}  // namespace

screen_rect text(ImDrawList* dl, const text_style& st, ImVec2 pos, ImU32 col, std::string_view s, float wrap_width,
                 float box_w) {
  if (s.empty()) return screen_rect{pos.x, pos.y, 0, px(st)};
  const float dpr = ImGui::GetIO().DisplayFramebufferScale.x;
  return place(dl, text::engine().texture(s, st, wrap_width, col & 0xFFFFFFu, dpr), pos, col, box_w, dpr);
}

screen_rect formatted_text(ImDrawList* dl, const text_style& st, ImVec2 pos, ImU32 col, std::string_view body, float wrap_width,
                           float box_w, unsigned& texture) {
  texture = 0;
  if (body.empty()) return screen_rect{pos.x, pos.y, 0, px(st)};
  const float dpr = ImGui::GetIO().DisplayFramebufferScale.x;
  const text::text_texture t = text::engine().texture_formatted(body, st, wrap_width, col & 0xFFFFFFu, dpr);
  texture = t.texture;
  return place(dl, t, pos, col, box_w, dpr);
}

ImVec2 formatted_size(const text_style& st, std::string_view body, float wrap_width) {
  const text::text_extent e = text::engine().measure_formatted(body, st, wrap_width);
  return ImVec2(e.w, e.h);
}

std::string fit(const text_style& st, std::string_view s, float max_w) { return text::engine().fit(s, st, max_w); }

void tooltip(const font_set& fonts, const std::string& label) {
  ImGui::BeginTooltip();
  const ImVec2 size = text_size(fonts.small, label);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  text(ImGui::GetWindowDrawList(), fonts.small, at, color::text, label);
  ImGui::EndTooltip();
}

void focus_ring(ImDrawList* dl, const screen_rect& r, float rounding) {
  dl->AddRect(ImVec2(r.x - 2, r.y - 2), ImVec2(r.x + r.w + 2, r.y + r.h + 2), color::focus_ring, rounding + 2, 0, 2.0f);
}

press_result button(draw_context& f, const std::string& name, const screen_rect& r, const std::string& label, bool enabled, button_look look,
               float rounding, bool keep_focus) {
  field_spec proxy;
  proxy.name = name;
  proxy.kind = field_kind::button;
  proxy.rect = r;
  proxy.label = label;
  proxy.disabled = !enabled;
  f.dom.field(std::move(proxy));
  if (keep_focus) f.dom.keep_focus(r);

  ImGui::SetCursorScreenPos(vmin(r));
  ImGui::PushID(name.c_str());
  press_result p;
  p.clicked = ImGui::InvisibleButton("##b", ImVec2(std::max(1.0f, r.w), std::max(1.0f, r.h))) && enabled;
  p.hovered = ImGui::IsItemHovered() && enabled;
  p.held = ImGui::IsItemActive() && enabled;
  ImGui::PopID();
  if (f.dom.take_activate(name) && enabled) p.clicked = true;
  if (p.hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImU32 bg = 0;
  switch (look) {
    case button_look::brand: bg = !enabled ? color::rgb(0xEF6262, 120) : p.held ? color::brand_active : p.hovered ? color::brand_hover : color::brand; break;
    case button_look::grey: bg = p.held ? color::send_active : p.hovered ? color::send_hover : color::send_bg; break;
    case button_look::on_brand: bg = p.held ? color::rgb(0xFFFFFF, 70) : p.hovered ? color::rgb(0xFFFFFF, 45) : color::rgb(0xFFFFFF, 28); break;
    case button_look::flat: bg = p.held ? color::rgb(0x000000, 26) : p.hovered ? color::rgb(0x000000, 14) : 0; break;
    case button_look::link: bg = p.hovered ? color::rgb(0x000000, 10) : 0; break;
  }
  if (bg != 0) dl->AddRectFilled(vmin(r), vmax(r), bg, rounding);
  if (f.dom.focused(name)) focus_ring(dl, r, rounding);
  return p;
}

// ---------------------------------------------------------------- icons

void icon_send(ImDrawList* dl, ImVec2 c, float s, ImU32 col) {
  // An outlined paper plane flying to the upper right, with its fold.
  const auto p = [&](float x, float y) { return ImVec2(c.x + x * s, c.y + y * s); };
  const ImVec2 outline[] = {p(0.46f, -0.44f), p(-0.46f, -0.04f), p(-0.10f, 0.10f), p(0.04f, 0.46f)};
  dl->AddPolyline(outline, 4, col, ImDrawFlags_Closed, std::max(1.4f, s * 0.07f));
  dl->AddLine(p(-0.10f, 0.10f), p(0.46f, -0.44f), col, std::max(1.2f, s * 0.06f));
}

void icon_smile(ImDrawList* dl, ImVec2 c, float s, ImU32 col) {
  const float t = std::max(1.4f, s * 0.07f);
  dl->AddCircle(c, s * 0.46f, col, 24, t);
  dl->AddCircleFilled(ImVec2(c.x - s * 0.16f, c.y - s * 0.12f), s * 0.06f, col, 8);
  dl->AddCircleFilled(ImVec2(c.x + s * 0.16f, c.y - s * 0.12f), s * 0.06f, col, 8);
  dl->PathArcTo(ImVec2(c.x, c.y + s * 0.02f), s * 0.24f, pi * 0.15f, pi * 0.85f, 10);
  dl->PathStroke(col, 0, t);
}

void icon_logout(ImDrawList* dl, ImVec2 c, float s, ImU32 col) {
  const auto p = [&](float x, float y) { return ImVec2(c.x + x * s, c.y + y * s); };
  const float t = std::max(1.6f, s * 0.09f);
  const ImVec2 door[] = {p(0.10f, -0.22f), p(0.10f, -0.44f), p(-0.42f, -0.44f), p(-0.42f, 0.44f), p(0.10f, 0.44f), p(0.10f, 0.22f)};
  dl->AddPolyline(door, 6, col, 0, t);
  dl->AddLine(p(-0.14f, 0.0f), p(0.46f, 0.0f), col, t);
  const ImVec2 head[] = {p(0.26f, -0.20f), p(0.46f, 0.0f), p(0.26f, 0.20f)};
  dl->AddPolyline(head, 3, col, 0, t);
}

void icon_people(ImDrawList* dl, ImVec2 c, float s, ImU32 col) {
  const auto p = [&](float x, float y) { return ImVec2(c.x + x * s, c.y + y * s); };
  dl->AddCircleFilled(p(0.18f, -0.20f), s * 0.15f, col & 0x99FFFFFF, 20);
  dl->PathArcTo(p(0.18f, 0.34f), s * 0.27f, pi, 2 * pi, 16);
  dl->PathFillConvex(col & 0x99FFFFFF);
  dl->AddCircleFilled(p(-0.10f, -0.16f), s * 0.18f, col, 20);
  dl->PathArcTo(p(-0.10f, 0.44f), s * 0.33f, pi, 2 * pi, 16);
  dl->PathFillConvex(col);
}

void icon_clock(ImDrawList* dl, ImVec2 c, float s, ImU32 col) {
  const float r = s * 0.45f;
  dl->AddCircle(c, r, col, 20, 1.2f);
  dl->AddLine(c, ImVec2(c.x, c.y - r * 0.6f), col, 1.2f);
  dl->AddLine(c, ImVec2(c.x + r * 0.45f, c.y), col, 1.2f);
}

void icon_alert(ImDrawList* dl, ImVec2 c, float s, ImU32 col) {
  const float r = s * 0.5f;
  dl->AddCircleFilled(c, r, col, 20);
  dl->AddLine(ImVec2(c.x, c.y - r * 0.5f), ImVec2(c.x, c.y + r * 0.1f), IM_COL32_WHITE, std::max(1.4f, r * 0.2f));
  dl->AddCircleFilled(ImVec2(c.x, c.y + r * 0.45f), std::max(1.0f, r * 0.12f), IM_COL32_WHITE, 8);
}

void icon_arrow_down(ImDrawList* dl, ImVec2 c, float s, ImU32 col) {
  const auto p = [&](float x, float y) { return ImVec2(c.x + x * s, c.y + y * s); };
  dl->AddLine(p(0, -0.4f), p(0, 0.38f), col, 1.8f);
  const ImVec2 head[] = {p(-0.32f, 0.08f), p(0, 0.4f), p(0.32f, 0.08f)};
  dl->AddPolyline(head, 3, col, 0, 1.8f);
}

void spinner(ImDrawList* dl, ImVec2 c, float r, ImU32 col, double now_ms) {
  const float a0 = static_cast<float>(std::fmod(now_ms / 1000.0 * 2.0 * pi, 2.0 * pi));
  dl->PathArcTo(c, r, a0, a0 + pi * 1.4f, 24);
  dl->PathStroke(col, 0, std::max(1.5f, r * 0.22f));
}

// ---------------------------------------------------------------- avatars

ImTextureID avatar_cache::texture(const std::string& url) {
  if (url.empty()) return nullptr;
  auto [it, inserted] = slots_.try_emplace(url);
  if (inserted) {
    load_texture(url, 128, [this, url](unsigned tex) {
      slots_[url].texture = tex;
      loaded_ = true;
    });
  }
  const texture_slot& s = it->second;
  return s.texture != 0 ? reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(s.texture)) : nullptr;
}

bool avatar_cache::take_loaded() {
  const bool l = loaded_;
  loaded_ = false;
  return l;
}

std::string initials(std::string_view name) {
  std::string out;
  bool at_word = true;
  std::string last;
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    n = std::min(n, name.size() - i);
    const bool space = c == ' ' || c == '.' || c == '_' || c == '-';
    if (!space && at_word) {
      std::string letter(name.substr(i, n));
      if (n == 1) letter[0] = static_cast<char>(std::toupper(c));
      if (out.empty()) out = letter; else last = letter;
    }
    at_word = space;
    i += n;
  }
  return out + last;
}

void avatar(draw_context& f, ImDrawList* dl, ImVec2 min, float s, std::string_view username, bool round) {
  const ImVec2 max(min.x + s, min.y + s);
  const float rounding = round ? s * 0.5f : s * 0.18f;
  if (ImTextureID tex = f.avatars.texture(f.client.picture_url(username))) {
    dl->AddImageRounded(tex, min, max, ImVec2(0, 0), ImVec2(1, 1), IM_COL32_WHITE, rounding);
    return;
  }
  static constexpr unsigned palette[] = {0x5C6BC0, 0x26A69A, 0xEF6C00, 0x8E24AA, 0x43A047,
                                         0x1E88E5, 0xD81B60, 0x6D4C41, 0x00897B, 0x7CB342};
  std::uint32_t h = 2166136261u;
  for (char ch : username) h = (h ^ static_cast<unsigned char>(ch)) * 16777619u;
  dl->AddRectFilled(min, max, color::rgb(palette[h % 10]), rounding);
  const std::string letters = initials(f.client.display_name(username));
  const text_style& font = s >= 30 ? f.fonts.body_bold : f.fonts.small_bold;
  const ImVec2 ts = text_size(font, letters);
  text(dl, font, ImVec2(min.x + (s - ts.x) * 0.5f, min.y + (s - ts.y) * 0.5f), IM_COL32_WHITE, letters);
}

}  // namespace chat::web::ui
