// The message list's action menu (see message_list.hpp): right-click or long-press
// on a message → Copy text, and Retry / Discard for one not sent. The
// screen-reader mirror offers the same actions as buttons (ui/a11y_mirror.hpp).
#include "ui/message_list.hpp"

#include "platform/browser_platform.hpp"

namespace chat::web::ui {

void message_list::draw_menu(draw_context& f) {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6, 6));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 2));
  ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.0f, 0.5f));
  if (ImGui::BeginPopup("##menu")) {
    const log_entry* e = find_entry(f.client.log(), menu_key_);
    if (e == nullptr) {
      ImGui::CloseCurrentPopup();
    } else {
      const auto item = [&](const char* label, const char* name) {
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        ImGui::PushID(name);
        const bool hit = ImGui::Selectable("##item", false, 0, ImVec2(180, 36));
        ImGui::PopID();
        if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        text(ImGui::GetWindowDrawList(), f.fonts.body, ImVec2(pos.x + 14, pos.y + (36 - px(f.fonts.body)) * 0.5f), color::text, label);
        f.dom.rect(name, screen_rect{pos.x, pos.y, 180, 36});
        return hit;
      };
      if (item("Copy text", "menu.copy")) {
        f.platform.copy_text(e->text);
        f.toast = "Copied to the clipboard";
      }
      if (e->delivery == delivery_state::failed) {
        if (item("Retry", "menu.retry")) f.intents.retry.push_back(e->client_id);
        if (item("Discard", "menu.discard")) f.intents.discard.push_back(e->client_id);
      }
      if (ImGui::IsKeyPressed(27)) ImGui::CloseCurrentPopup();
    }
    const ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
    f.dom.occlude(screen_rect{p.x, p.y, s.x, s.y});
    ImGui::EndPopup();
  }
  ImGui::PopStyleVar(3);
}

}  // namespace chat::web::ui
