// The app's UI and its test hook (see app.hpp).
#include "ui/app.hpp"

#include "text/text_engine.hpp"

#include "platform/browser_platform.hpp"
#include "platform/input_seq.hpp"

#include <emscripten/emscripten.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace chat::web::ui {
namespace {

app* g_app = nullptr;

const char* page_name(page_kind p) {
  switch (p) {
    case page_kind::starting: return "starting";
    case page_kind::login: return "login";
    case page_kind::chat: return "chat";
    case page_kind::logging_out: return "logging_out";
  }
  return "";
}

const char* connection_name(connection_state c) {
  switch (c) {
    case connection_state::offline: return "offline";
    case connection_state::connecting: return "connecting";
    case connection_state::live: return "live";
    case connection_state::waiting: return "reconnecting";
  }
  return "";
}

const char* delivery_name(delivery_state d) {
  switch (d) {
    case delivery_state::sent: return "sent";
    case delivery_state::pending: return "pending";
    case delivery_state::failed: return "failed";
  }
  return "";
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

app::app(chat_client& client, client_driver& driver, dom_layer& dom, browser_platform& platform)
    : client_(client), driver_(driver), dom_(dom), platform_(platform) {
  g_app = this;
}

app::~app() {
  if (g_app == this) g_app = nullptr;
}

double app::draw(std::int64_t now, float scroll_px) {
  last_now_ = now;
  const ImGuiIO& io = ImGui::GetIO();
  dom_.begin_draw();
  intent_set in;
  draw_context f{client_, dom_, platform_, avatars_, fonts_, now, in, scroll_px, {}, -1.0};
  const screen_rect screen{0, 0, io.DisplaySize.x, io.DisplaySize.y};

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("##root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  switch (client_.page()) {
    case page_kind::starting: draw_starting(f, screen); break;
    case page_kind::login: login_.draw(f, screen); break;
    case page_kind::chat: chat_.draw(f, screen); break;
    case page_kind::logging_out: draw_logging_out(f, screen); break;
  }
  ImGui::End();
  dom_.end_draw();
  mirror_.update(client_, a11y_mirror::view{chat_.list().visible_keys(), chat_.online_open()}, now);
  apply(in);
  return f.redraw_in_ms;
}

void app::apply(intent_set& in) {
  if (in.login) {
    driver_.apply([&](chat_client& c, std::int64_t now) { c.submit_login(in.login->first, in.login->second, now); });
    std::fill(in.login->second.begin(), in.login->second.end(), '\0');  // the password is not kept
  }
  if (in.at_bottom) client_.set_at_bottom(*in.at_bottom);  // no commands follow, and no redraw
  if (in.send) driver_.apply([&](chat_client& c, std::int64_t now) { c.send_message(*in.send, now); });
  for (const auto& id : in.retry) driver_.apply([&](chat_client& c, std::int64_t now) { c.retry(id, now); });
  for (const auto& id : in.discard) driver_.apply([&](chat_client& c, std::int64_t) { c.discard(id); });
  if (in.load_older) driver_.apply([](chat_client& c, std::int64_t now) { c.load_older(now); });
  if (in.reconnect) driver_.apply([](chat_client& c, std::int64_t now) { c.reconnect_now(now); });
  if (in.logout) driver_.apply([](chat_client& c, std::int64_t now) { c.logout(now); });
}

std::string app::state_json() const {
  using nlohmann::json;
  const std::int64_t now = last_now_;
  json j;
  j["page"] = page_name(client_.page());
  j["title"] = client_.title();
  j["login"] = {{"error", client_.login_error()},
                {"busy", client_.login_busy()},
                {"blocked_s", client_.login_blocked_s(now)},
                {"username", dom_.value("login.username")}};
  if (client_.page() == page_kind::chat) {
    const user_profile& me = client_.me();
    j["me"] = {{"username", me.username}, {"name", client_.display_name(me.username)}, {"picurl", me.picurl}};
  } else {
    j["me"] = nullptr;
  }
  j["connection"] = {{"state", connection_name(client_.connection())},
                     {"label", client_.connection_label(now)},
                     {"retry_in_s", client_.retry_in_s(now)}};
  j["online"] = client_.online();
  j["online_open"] = chat_.online_open();

  json messages = json::array();
  const message_log& log = client_.log();
  for (const log_row& r : log.rows()) {
    if (r.kind != log_row::row_type::message) continue;
    const log_entry& e = log.entry(r);
    messages.push_back({{"id", e.id},
                        {"client_id", e.client_id},
                        {"username", e.username},
                        {"name", client_.display_name(e.username)},
                        {"text", e.text},
                        {"time", e.time},
                        {"time_label", e.time_label},
                        {"day", log.day_label(e.time, now)},
                        {"state", delivery_name(e.delivery)},
                        {"error", e.error},
                        {"own", !client_.me().username.empty() && e.username == client_.me().username},
                        {"group_first", r.group_first}});
  }
  j["messages"] = std::move(messages);
  j["visible"] = chat_.list().visible_keys();
  const composer_info cs = composer_state(dom_.value("composer.text"));
  j["composer"] = {{"text", dom_.value("composer.text")},
                   {"chars", cs.chars},
                   {"can_send", cs.can_send},
                   {"warning", cs.warning},
                   {"focused", dom_.focused("composer.text")}};
  j["unread"] = client_.unread();
  j["new_below"] = client_.new_below();
  j["at_bottom"] = chat_.list().at_bottom();
  j["scroll"] = {{"y", chat_.list().scroll_y()}, {"max", chat_.list().scroll_max()}, {"moving", platform_.scrolling()}};
  j["has_older"] = client_.has_older();
  j["history_horizon"] = client_.history_horizon();
  j["loading_older"] = client_.loading_older();
  j["notice"] = client_.notice();
  j["toast"] = chat_.toast();
  j["link"] = chat_.list().hover_link();
  const message_selection& sel = chat_.list().selection();
  j["selection"] = {{"message", sel.text_key()}, {"begin", sel.begin()}, {"end", sel.end()}, {"selected", sel.selected()}};
  j["focused"] = dom_.focused_name();
  // Progress, for tests that must know their input was handled before asserting what did not happen.
  // "frame" is the test hook's field name (its contract with the tests): the draws made so far.
  j["frame"] = draws_;
  j["input_seq"] = input_seq();
  j["input_done"] = input_done_;
  // Texts the last draw left to the next one (its rasterising budget ran out): not yet on screen.
  j["text_pending"] = text::engine().deferred();
  return dump(j);
}

std::string app::rect_json(const std::string& name) const {
  const auto& rects = dom_.rects();
  if (name.empty()) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [n, r] : rects) names.push_back(n);
    return dump(names);
  }
  const auto it = rects.find(name);
  if (it == rects.end()) return "null";
  const screen_rect& r = it->second;
  return dump({{"x", r.x}, {"y", r.y}, {"width", r.w}, {"height", r.h}});
}

std::string app::text_rects_json(std::int64_t key, std::size_t begin, std::size_t end) const {
  const auto [r, texture] = chat_.list().drawn_text(key);
  nlohmann::json out = nlohmann::json::array();
  if (texture == 0) return dump(out);
  for (const text::text_rect& q : text::engine().rects(texture, begin, end)) {
    out.push_back({{"x", r.x + q.x}, {"y", r.y + q.y}, {"width", q.w}, {"height", q.h}});
  }
  return dump(out);
}

bool app::copy_selection() {
  if (client_.page() != page_kind::chat) return false;
  const std::string text = chat_.list().selection().copy_text(client_.log());
  if (text.empty()) return false;
  platform_.copy_text(text);
  chat_.show_toast("Copied to the clipboard");
  note_input();  // a draw shows the toast
  return true;
}

void app::mirror_action(const std::string& key, const std::string& action) {
  const message_log& log = client_.log();
  const log_entry* e = nullptr;
  for (const log_row& r : log.rows()) {
    if (r.kind != log_row::row_type::message) continue;
    const log_entry& c = log.entry(r);
    if (key == (!c.client_id.empty() ? "c" + c.client_id : "m" + std::to_string(c.id))) e = &c;
  }
  if (e == nullptr || client_.page() != page_kind::chat) return;
  chat_.list().selection().select_message(e->key());
  if (action == "copy") {
    platform_.copy_text(e->text);
    chat_.show_toast("Copied to the clipboard");
  } else if (action == "retry" && e->delivery == delivery_state::failed) {
    driver_.apply([id = e->client_id](chat_client& c, std::int64_t now) { c.retry(id, now); });
  } else if (action == "discard" && e->delivery == delivery_state::failed) {
    driver_.apply([id = e->client_id](chat_client& c, std::int64_t) { c.discard(id); });
  }
  note_input();
}

}  // namespace chat::web::ui

extern "C" {

/** window.chatroom.state(): what is on screen, as JSON text (valid until the next call). */
EMSCRIPTEN_KEEPALIVE const char* chatroom_state_json() {
  static std::string out;
  out = chat::web::ui::g_app ? chat::web::ui::g_app->state_json() : "null";
  return out.c_str();
}

/** window.chatroom.rect(name): a widget's rectangle as JSON text (valid until the next call). */
EMSCRIPTEN_KEEPALIVE const char* chatroom_rect_json(const char* name) {
  static std::string out;
  out = chat::web::ui::g_app ? chat::web::ui::g_app->rect_json(name) : "null";
  return out.c_str();
}
}

extern "C" {

/** window.chatroom.textRects(key, begin, end): where bytes of a message's text are drawn (valid until the next call). */
EMSCRIPTEN_KEEPALIVE const char* chatroom_text_rects_json(double key, double begin, double end) {
  static std::string out;
  out = chat::web::ui::g_app ? chat::web::ui::g_app->text_rects_json(static_cast<std::int64_t>(key), static_cast<std::size_t>(begin),
                                                                      static_cast<std::size_t>(end))
                             : "[]";
  return out.c_str();
}

/** Ctrl+C / Cmd+C with no text field focused (js/platform.js): 1 when the app copied something. */
EMSCRIPTEN_KEEPALIVE int chatroom_copy_selection() {
  return chat::web::ui::g_app != nullptr && chat::web::ui::g_app->copy_selection() ? 1 : 0;
}

/** A button of a message in the screen-reader mirror (js/a11y.js). */
EMSCRIPTEN_KEEPALIVE void chatroom_mirror_action(const char* key, const char* action) {
  if (chat::web::ui::g_app != nullptr) chat::web::ui::g_app->mirror_action(key, action);
}
}
