// Fonts and ImGui style (see theme.hpp).
#include "ui/theme.hpp"

#include <algorithm>
#include <cmath>

namespace chat::web::ui {
namespace {

// Message text: Latin (with Vietnamese), combining accents, Greek, Cyrillic,
// punctuation, currency, arrows, maths, shapes, symbols, dingbats and the
// emoticons DejaVu draws (monochrome).
const ImWchar body_ranges[] = {
    0x0020, 0x024F, 0x0259, 0x0259, 0x02B0, 0x02FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x0400, 0x052F,
    0x1E00, 0x1EFF, 0x1F00, 0x1FFF, 0x2000, 0x206F, 0x20A0, 0x20CF, 0x2100, 0x214F, 0x2190, 0x21FF,
    0x2200, 0x22FF, 0x2300, 0x23FF, 0x25A0, 0x25FF, 0x2600, 0x26FF, 0x2700, 0x27BF, 0xFB00, 0xFB06,
    0xFFFD, 0xFFFD, 0x1F300, 0x1F5FF, 0x1F600, 0x1F64F, 0,
};
// Names and labels: Latin, Greek, Cyrillic and punctuation.
const ImWchar label_ranges[] = {
    0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x2000, 0x206F, 0x2190, 0x2193, 0xFFFD, 0xFFFD, 0,
};
// Titles: fixed English strings.
const ImWchar title_ranges[] = {0x0020, 0x007E, 0x00B7, 0x00B7, 0x2026, 0x2026, 0};

ImFont* add(std::vector<unsigned char>& ttf, float px, float scale, const ImWchar* ranges) {
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;  // the bytes stay with the caller for rebuilds
  cfg.OversampleH = 1;               // rasterized at device pixels already
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  return ImGui::GetIO().Fonts->AddFontFromMemoryTTF(ttf.data(), static_cast<int>(ttf.size()),
                                                   std::round(px * scale), &cfg, ranges);
}

}  // namespace

float font_scale_for(float dpr) { return std::clamp(std::round(dpr * 4.0f) / 4.0f, 1.0f, 3.0f); }

font_set build_fonts(std::vector<unsigned char>& regular, std::vector<unsigned char>& bold, float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  io.Fonts->TexGlyphPadding = 1;
  font_set f;
  f.body = add(regular, size::body, scale, body_ranges);
  f.body_bold = add(bold, size::body, scale, label_ranges);
  f.small = add(regular, size::small, scale, label_ranges);
  f.small_bold = add(bold, size::small, scale, label_ranges);
  f.title = add(bold, size::title, scale, title_ranges);
  f.heading = add(bold, size::heading, scale, title_ranges);
  io.Fonts->Build();
  io.FontGlobalScale = 1.0f / scale;
  io.FontDefault = f.body;
  return f;
}

void apply_style() {
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowPadding = ImVec2(0, 0);
  s.WindowRounding = 0;
  s.WindowBorderSize = 0;
  s.ChildBorderSize = 0;
  s.PopupRounding = 10;
  s.PopupBorderSize = 1;
  s.FramePadding = ImVec2(10, 6);
  s.FrameRounding = 6;
  s.ItemSpacing = ImVec2(8, 6);
  s.ScrollbarSize = 8;
  s.ScrollbarRounding = 4;
  s.GrabMinSize = 24;
  s.AntiAliasedLines = true;
  s.AntiAliasedFill = true;
  ImVec4* c = s.Colors;
  c[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(color::text);
  c[ImGuiCol_TextDisabled] = ImGui::ColorConvertU32ToFloat4(color::faint);
  c[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(color::page);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 1);
  c[ImGuiCol_Border] = ImGui::ColorConvertU32ToFloat4(color::card_border);
  c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_ScrollbarGrab] = ImVec4(0, 0, 0, 0.18f);
  c[ImGuiCol_ScrollbarGrabHovered] = ImVec4(0, 0, 0, 0.30f);
  c[ImGuiCol_ScrollbarGrabActive] = ImVec4(0, 0, 0, 0.40f);
  c[ImGuiCol_Header] = ImVec4(0, 0, 0, 0.04f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0, 0, 0, 0.06f);
  c[ImGuiCol_HeaderActive] = ImVec4(0, 0, 0, 0.10f);
  c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.25f);
}

}  // namespace chat::web::ui
