// a11y_mirror (see a11y_mirror.hpp): a description of the page as JSON, handed
// to js/platform.js only when it changed.
#include "ui/a11y_mirror.hpp"

#include "client/markup_layout.hpp"

#include <emscripten/emscripten.h>
#include <nlohmann/json.hpp>

#include <algorithm>

extern "C" void chatroom_a11y_sync(const char* json);

namespace chat::web::ui {
namespace {

std::string delivery_note(const log_entry& e, connection_state c) {
  switch (e.delivery) {
    case delivery_state::sent: return "";
    case delivery_state::pending: return c == connection_state::live ? "Sending…" : "Waiting for connection";
    case delivery_state::failed: return "Not sent: " + e.error;
  }
  return "";
}

/** The shown text (markers left out) as [text, href] pairs, href "" for text. */
nlohmann::json text_parts(const std::string& body) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& s : markup::link_spans(body, markup::parse(body))) parts.push_back(nlohmann::json::array({s.text, s.href}));
  return parts;
}

}  // namespace

std::string a11y_mirror::describe(const chat_client& client, const view& v, std::int64_t now) {
  using nlohmann::json;
  json j;
  const page_kind page = client.page();
  j["page"] = page == page_kind::login ? "login" : page == page_kind::chat ? "chat" : page == page_kind::logging_out ? "logging_out" : "starting";
  j["heading"] = "Chat Room";
  std::string status;
  if (page == page_kind::chat) {
    // The state, not the label: a countdown would be announced every second.
    switch (client.connection()) {
      case connection_state::live: status = "Connected"; break;
      case connection_state::connecting: status = "Connecting…"; break;
      case connection_state::waiting: status = "Connection lost, reconnecting"; break;
      case connection_state::offline: status = "Offline"; break;
    }
    if (!client.notice().empty()) status += ". " + client.notice();
  } else if (page == page_kind::login) {
    status = client.login_error();
  } else if (page == page_kind::logging_out) {
    status = "Logging out…";
  } else {
    status = "Loading…";
  }
  j["status"] = status;

  json messages = json::array();
  if (page == page_kind::chat) {
    j["me"] = client.display_name(client.me().username);
    const message_log& log = client.log();
    std::vector<const log_entry*> all;
    for (const log_row& r : log.rows()) {
      if (r.kind == log_row::row_type::message) all.push_back(&log.entry(r));
    }
    const std::size_t newest_from = all.size() > max_messages ? all.size() - max_messages : 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const log_entry& e = *all[i];
      const bool on_screen = std::find(v.visible.begin(), v.visible.end(), e.key()) != v.visible.end();
      if (i < newest_from && !on_screen) continue;
      // A message typed here keeps its key when the server confirms it (not announced twice).
      const std::string key = !e.client_id.empty() ? "c" + e.client_id : "m" + std::to_string(e.id);
      messages.push_back({{"key", key},
                          {"author", client.display_name(e.username)},
                          {"time", e.time_label},
                          {"day", log.day_label(e.time, now)},
                          {"text", e.text},
                          {"parts", text_parts(e.text)},
                          {"note", delivery_note(e, client.connection())},
                          {"actions", e.delivery == delivery_state::failed ? json::array({"copy", "retry", "discard"}) : json::array({"copy"})}});
    }
    if (v.online_open) {
      json names = json::array();
      for (const auto& u : client.online()) {
        names.push_back(client.display_name(u) + (u == client.me().username ? " (you)" : ""));
      }
      j["online"] = std::move(names);
    }
  }
  j["messages"] = std::move(messages);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void a11y_mirror::update(const chat_client& client, const view& v, std::int64_t now) {
  std::string d = describe(client, v, now);
  if (d == last_) return;
  last_ = std::move(d);
  chatroom_a11y_sync(last_.c_str());
}

}  // namespace chat::web::ui
