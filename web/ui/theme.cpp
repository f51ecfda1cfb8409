// ImGui's style (see theme.hpp).
#include "ui/theme.hpp"

namespace chat::web::ui {

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
