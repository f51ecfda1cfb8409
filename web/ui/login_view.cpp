// The login and starting pages (see login_view.hpp).
#include "ui/login_view.hpp"

#include <algorithm>

namespace chat::web::ui {
namespace {

constexpr const char* user_field = "login.username";
constexpr const char* password_field = "login.password";

/** A labelled text box: ImGui draws the label and the box, a DOM <input> takes the typing. */
screen_rect labelled_field(draw_context& f, ImDrawList* dl, float x, float& y, float w, const char* label, field_spec spec) {
  text(dl, f.fonts.small_bold, ImVec2(x, y), color::text, label);
  y += px(f.fonts.small_bold) + 7;
  const screen_rect box{x, y, w, 44};
  const bool focused = f.dom.focused(spec.name);
  dl->AddRectFilled(vmin(box), vmax(box), color::field, 6);
  dl->AddRect(vmin(box), vmax(box), focused ? color::field_focus : color::field_border, 6, 0, focused ? 1.5f : 1.0f);
  spec.rect = screen_rect{box.x + 1, box.y + 1, box.w - 2, box.h - 2};
  spec.font_px = size::body;
  spec.line_px = 20;
  spec.pad_x = 12;
  spec.pad_y = 0;
  spec.enter_submits = true;
  f.dom.field(std::move(spec));
  y += box.h + 16;
  return box;
}

}  // namespace

void brand_bar(draw_context& f, const screen_rect& bar) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(vmin(bar), vmax(bar), color::brand);
  text(dl, f.fonts.title, ImVec2(bar.x + 16, bar.y + (bar.h - px(f.fonts.title)) * 0.5f - 1), color::on_brand, "Chat Room");
}

void login_view::draw(draw_context& f, const screen_rect& screen) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(vmin(screen), vmax(screen), color::page);
  brand_bar(f, screen_rect{screen.x, screen.y, screen.w, size::top_bar});

  const std::string& error = f.client.login_error();
  const float w = std::min(380.0f, screen.w - 32);
  const float inner = w - 48;
  const float error_h = error.empty() ? 0 : text_size(f.fonts.small, error, inner - 34).y + 20 + 16;
  const float card_h = 24 + px(f.fonts.heading) + 8 + px(f.fonts.small) + 24 + 2 * (px(f.fonts.small_bold) + 7 + 44 + 16) +
                       error_h + 44 + 24;
  const float avail = screen.h - size::top_bar;
  const screen_rect card{screen.x + (screen.w - w) * 0.5f, screen.y + size::top_bar + std::max(20.0f, (avail - card_h) * 0.42f), w, card_h};
  dl->AddRectFilled(ImVec2(card.x, card.y + 2), ImVec2(card.x + w, card.y + card_h + 2), color::rgb(0x000000, 14), 12);
  dl->AddRectFilled(vmin(card), vmax(card), color::card, 12);
  dl->AddRect(vmin(card), vmax(card), color::card_border, 12);

  const float x = card.x + 24;
  float y = card.y + 24;
  text(dl, f.fonts.heading, ImVec2(x, y), color::text, "Log in");
  y += px(f.fonts.heading) + 8;
  text(dl, f.fonts.small, ImVec2(x, y), color::muted, fit(f.fonts.small, "Join the conversation with your account.", inner));
  y += px(f.fonts.small) + 24;

  const bool busy = f.client.login_busy();
  field_spec user;
  user.name = user_field;
  user.kind = field_kind::text;
  user.label = "Username";
  user.placeholder = "Username";
  user.autocomplete = "username";
  user.autofocus = true;
  user.max_length = 64;
  labelled_field(f, dl, x, y, inner, "Username", std::move(user));
  field_spec pass;
  pass.name = password_field;
  pass.kind = field_kind::password;
  pass.label = "Password";
  pass.placeholder = "Password";
  pass.autocomplete = "current-password";
  pass.max_length = 256;
  labelled_field(f, dl, x, y, inner, "Password", std::move(pass));

  if (!error.empty()) {
    const ImVec2 es = text_size(f.fonts.small, error, inner - 34);
    const screen_rect box{x, y, inner, es.y + 20};
    dl->AddRectFilled(vmin(box), vmax(box), color::error_bg, 6);
    icon_alert(dl, ImVec2(box.x + 16, box.y + 10 + px(f.fonts.small) * 0.55f), 14, color::error);
    text(dl, f.fonts.small, ImVec2(box.x + 30, box.y + 10), color::error, error, inner - 34);
    f.dom.rect("login.error", box);
    y += box.h + 16;
  }

  const int blocked = f.client.login_blocked_s(f.now);
  const screen_rect submit{x, y, inner, 44};
  const press_result p = button(f, "login.submit", submit, "Log in", !busy && blocked == 0, button_look::brand, 6);
  std::string label = busy ? "Logging in…" : blocked > 0 ? "Try again in " + std::to_string(blocked) + " s" : "Log in";
  const ImVec2 ls = text_size(f.fonts.body_bold, label);
  float lx = submit.x + (submit.w - ls.x) * 0.5f;
  if (busy) {
    spinner(dl, ImVec2(lx - 4, submit.y + 22), 7, color::on_brand, ImGui::GetTime() * 1000);
    lx += 10;
    f.redraw_within(50);
  }
  if (blocked > 0) f.redraw_within(250);
  text(dl, f.fonts.body_bold, ImVec2(lx, submit.y + (44 - ls.y) * 0.5f), color::on_brand, label);

  const bool user_enter = f.dom.take_submit(user_field);
  const bool password_enter = f.dom.take_submit(password_field);
  const bool submitted = user_enter || password_enter;
  if ((p.clicked || submitted) && !busy) {
    f.intents.login = std::make_pair(f.dom.value(user_field), f.dom.value(password_field));
  }
  // Wrong credentials: the password goes, the cursor waits in its field.
  if (was_busy_ && !busy && f.client.last_login_status() == 401) {
    f.dom.set_value(password_field, "");
    f.dom.focus(password_field);
  }
  was_busy_ = busy;
}

namespace {

/** The coral bar, a spinner and one line of text in the middle of the page. */
void draw_waiting(draw_context& f, const screen_rect& screen, const std::string& label) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(vmin(screen), vmax(screen), color::page);
  brand_bar(f, screen_rect{screen.x, screen.y, screen.w, size::top_bar});
  const float wrap = std::min(360.0f, screen.w - 32);
  const ImVec2 ts = text_size(f.fonts.body, label, wrap);
  const float cy = screen.y + screen.h * 0.45f;
  spinner(dl, ImVec2(screen.x + screen.w * 0.5f, cy - 28), 12, color::brand, ImGui::GetTime() * 1000);
  text(dl, f.fonts.body, ImVec2(screen.x + (screen.w - ts.x) * 0.5f, cy), color::muted, label, wrap);
  f.redraw_within(50);
}

}  // namespace

void draw_starting(draw_context& f, const screen_rect& screen) {
  const auto retry = f.client.starting_retry_at();
  draw_waiting(f, screen, retry ? "The server cannot be reached. Retrying in " +
                                      std::to_string(std::max<std::int64_t>(0, (*retry - f.now + 999) / 1000)) + " s."
                                : "Connecting to the chat room…");
}

void draw_logging_out(draw_context& f, const screen_rect& screen) { draw_waiting(f, screen, "Logging out…"); }

}  // namespace chat::web::ui
