// JSON encoding and decoding of protocol frames (see chat/protocol.hpp).
// This is the one place at the protocol edge that touches nlohmann::json;
// decoding reports problems as values and never lets an exception out.
#include <chat/codes.hpp>
#include <chat/limits.hpp>
#include <chat/protocol.hpp>
#include <chat/validation.hpp>

#include <nlohmann/json.hpp>

#include <exception>
#include <limits>

namespace chat {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;  // keeps the documented field order on output

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

protocol_error bad_request(std::string why) { return {wire_error::bad_request, std::move(why)}; }

/** Parses `text` without throwing; values nested deeper than max_json_depth are
 *  dropped while parsing (the parser itself is iterative), so no deep tree is
 *  ever built. Returns a discarded value when `text` is not JSON. */
json parse(std::string_view text) {
  const json::parser_callback_t keep_shallow = [](int depth, json::parse_event_t, json&) {
    return depth <= limits::max_json_depth;
  };
  return json::parse(text.begin(), text.end(), keep_shallow, /*allow_exceptions=*/false);
}

/** The JSON value's int64, if it is an integer that fits. */
std::optional<std::int64_t> as_int64(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

/** Reads an optional string member: absent is fine, any other type is an error. */
bool optional_string(const json& obj, const char* key, std::string& out) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool required_string(const json& obj, const char* key, std::string& out) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool required_int(const json& obj, const char* key, std::int64_t& out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return false;
  const auto v = as_int64(*it);
  if (!v) return false;
  out = *v;
  return true;
}

ojson user_json(const user_profile& u) {
  ojson j;
  j["id"] = u.id;
  j["username"] = u.username;
  j["firstname"] = u.firstname;
  j["lastname"] = u.lastname;
  j["name"] = u.name;
  j["picurl"] = u.picurl;
  j["jobTitle"] = u.job_title;
  return j;
}

ojson message_json(const chat_message& m) {
  ojson j;
  j["type"] = "message";
  j["id"] = m.id;
  j["username"] = m.username;
  j["message"] = m.message;
  j["time"] = m.time;
  if (!m.client_id.empty()) j["client_id"] = m.client_id;
  return j;
}

decode_result<user_profile> user_from(const json& j) {
  if (!j.is_object()) return bad_request("a user must be an object");
  user_profile u;
  if (!required_int(j, "id", u.id)) return bad_request("user.id must be an integer");
  if (!required_string(j, "username", u.username)) return bad_request("user.username must be a string");
  if (!optional_string(j, "firstname", u.firstname) || !optional_string(j, "lastname", u.lastname) ||
      !optional_string(j, "name", u.name) || !optional_string(j, "picurl", u.picurl) ||
      !optional_string(j, "jobTitle", u.job_title)) {
    return bad_request("user fields must be strings");
  }
  return u;
}

decode_result<chat_message> message_from(const json& j) {
  if (!j.is_object()) return bad_request("a message must be an object");
  chat_message m;
  if (!required_string(j, "username", m.username)) return bad_request("message.username must be a string");
  if (!required_string(j, "message", m.message)) return bad_request("message.message must be a string");
  if (!required_int(j, "time", m.time)) return bad_request("message.time must be an integer");
  if (j.contains("id") && (!required_int(j, "id", m.id) || m.id < 0)) {
    return bad_request("message.id must be a non-negative integer");
  }
  if (!optional_string(j, "client_id", m.client_id)) return bad_request("message.client_id must be a string");
  return m;
}

bool string_list(const json& j, const char* key, std::vector<std::string>& out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return false;
  for (const auto& v : *it) {
    if (!v.is_string()) return false;
    out.push_back(v.get<std::string>());
  }
  return true;
}

decode_result<server_event> server_frame_from(const json& j) {
  if (!j.is_object()) return bad_request("a frame must be a JSON object");
  const auto type_it = j.find("type");
  if (type_it == j.end()) {
    // The seed server's flat message object.
    auto m = message_from(j);
    if (!m) return m.error();
    return server_event{std::move(m).value()};
  }
  if (!type_it->is_string()) return bad_request("type must be a string");
  const auto& type = type_it->get_ref<const std::string&>();

  if (type == "message") {
    auto m = message_from(j);
    if (!m) return m.error();
    return server_event{std::move(m).value()};
  }
  if (type == "welcome") {
    welcome_event f;
    const auto u = j.find("user");
    if (u == j.end()) return bad_request("welcome.user is missing");
    auto user = user_from(*u);
    if (!user) return user.error();
    f.user = std::move(user).value();
    if (!string_list(j, "online", f.online)) return bad_request("welcome.online must be a list of names");
    if (!required_int(j, "last_id", f.last_id) || f.last_id < 0) return bad_request("welcome.last_id must be an integer");
    return server_event{std::move(f)};
  }
  if (type == "history") {
    history_event f;
    const auto ms = j.find("messages");
    if (ms == j.end() || !ms->is_array()) return bad_request("history.messages must be a list");
    f.messages.reserve(ms->size());
    for (const auto& mj : *ms) {
      auto m = message_from(mj);
      if (!m) return m.error();
      f.messages.push_back(std::move(m).value());
    }
    if (const auto l = j.find("limited"); l != j.end()) {
      if (!l->is_boolean()) return bad_request("history.limited must be a boolean");
      f.limited = l->get<bool>();
    }
    if (const auto b = j.find("before"); b != j.end()) {
      const auto v = as_int64(*b);
      if (!v) return bad_request("history.before must be an integer");
      f.before = *v;
    }
    if (const auto h = j.find("horizon"); h != j.end()) {
      const auto v = as_int64(*h);
      if (!v || *v < 1) return bad_request("history.horizon must be a positive integer");
      f.horizon = *v;
    }
    return server_event{std::move(f)};
  }
  if (type == "presence") {
    presence_event f;
    std::string event;
    if (!required_string(j, "event", event) || (event != "join" && event != "leave")) {
      return bad_request("presence.event must be join or leave");
    }
    f.event = event == "join" ? presence_change::join : presence_change::leave;
    if (!required_string(j, "username", f.username)) return bad_request("presence.username must be a string");
    if (!string_list(j, "online", f.online)) return bad_request("presence.online must be a list of names");
    return server_event{std::move(f)};
  }
  if (type == "error") {
    error_event f;
    if (!required_string(j, "code", f.code)) return bad_request("error.code must be a string");
    if (!optional_string(j, "message", f.message) || !optional_string(j, "client_id", f.client_id)) {
      return bad_request("error fields must be strings");
    }
    return server_event{std::move(f)};
  }
  return bad_request("unknown frame type");
}

}  // namespace

// ---------------------------------------------------------------- encode

std::string encode(const chat_message& m) { return dump(message_json(m)); }

std::string encode(const welcome_event& f) {
  ojson j;
  j["type"] = "welcome";
  j["user"] = user_json(f.user);
  j["online"] = f.online;
  j["last_id"] = f.last_id;
  return dump(j);
}

std::string encode(const history_event& f) {
  ojson j;
  j["type"] = "history";
  ojson list = ojson::array();
  for (const auto& m : f.messages) list.push_back(message_json(m));
  j["messages"] = std::move(list);
  j["limited"] = f.limited;
  if (f.before) j["before"] = *f.before;
  if (f.horizon) j["horizon"] = *f.horizon;
  return dump(j);
}

std::string encode(const presence_event& f) {
  ojson j;
  j["type"] = "presence";
  j["event"] = f.event == presence_change::join ? "join" : "leave";
  j["username"] = f.username;
  j["online"] = f.online;
  return dump(j);
}

std::string encode(const error_event& f) {
  ojson j;
  j["type"] = "error";
  j["code"] = f.code;
  j["message"] = f.message;
  if (!f.client_id.empty()) j["client_id"] = f.client_id;
  return dump(j);
}

std::string encode(const server_event& f) {
  return std::visit([](const auto& x) { return encode(x); }, f);
}

std::string encode(const send_request& f) {
  if (f.plain) return f.message;
  ojson j;
  j["type"] = "send";
  j["message"] = f.message;
  if (!f.client_id.empty()) j["client_id"] = f.client_id;
  return dump(j);
}

std::string encode(const history_request& f) {
  ojson j;
  j["type"] = "history";
  if (f.before) j["before"] = *f.before;
  j["limit"] = f.limit;
  return dump(j);
}

std::string encode(const client_request& f) {
  return std::visit([](const auto& x) { return encode(x); }, f);
}

std::string encode_user(const user_profile& u) { return dump(user_json(u)); }

std::string encode_users(const std::vector<user_profile>& users) {
  ojson list = ojson::array();
  for (const auto& u : users) list.push_back(user_json(u));
  return dump(list);
}

// ---------------------------------------------------------------- decode

namespace {

/** Runs a decoder and turns anything thrown (allocation failure, a missed type
 *  check) into bad_request, so no exception ever leaves the protocol edge. */
template <class F>
auto guarded(F&& decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const std::exception& e) {
    return bad_request(std::string("the frame could not be decoded: ") + e.what());
  } catch (...) {
    return bad_request("the frame could not be decoded");
  }
}

decode_result<client_request> decode_client_unguarded(std::string_view text) {
  const json j = parse(text);
  // The seed's rule: anything that is not a JSON object with "type" is a message body.
  if (j.is_discarded() || !j.is_object() || !j.contains("type")) {
    return client_request{send_request{std::string(text), {}, true}};
  }
  const auto& type = j["type"];
  if (!type.is_string()) return bad_request("type must be a string");
  const auto& t = type.get_ref<const std::string&>();

  if (t == "send") {
    send_request f;
    if (!required_string(j, "message", f.message)) return bad_request("send.message must be a string");
    if (!optional_string(j, "client_id", f.client_id)) return bad_request("send.client_id must be a string");
    if (!f.client_id.empty() && !is_valid_client_id(f.client_id)) {
      return bad_request("send.client_id must be 1-64 of A-Z a-z 0-9 - _ . :");
    }
    return client_request{std::move(f)};
  }
  if (t == "history") {
    history_request f;
    f.limit = static_cast<std::int64_t>(limits::history_on_connect);
    if (const auto b = j.find("before"); b != j.end() && !b->is_null()) {
      const auto v = as_int64(*b);
      if (!v || *v < 1) return bad_request("history.before must be a positive integer");
      f.before = *v;
    }
    if (const auto l = j.find("limit"); l != j.end() && !l->is_null()) {
      const auto v = as_int64(*l);
      if (!v || *v < 1) return bad_request("history.limit must be a positive integer");
      f.limit = *v;
    }
    return client_request{f};
  }
  return bad_request("unknown frame type");
}

}  // namespace

decode_result<client_request> decode_client(std::string_view text) {
  const auto valid = validate_utf8(text);
  if (!valid) return protocol_error{wire_error::invalid_utf8, "the frame is not valid UTF-8"};
  return decode_client(*valid);
}

decode_result<client_request> decode_client(valid_utf8 text) {
  return guarded([&] { return decode_client_unguarded(text.text()); });
}

decode_result<server_event> decode_server(std::string_view text) {
  return guarded([&]() -> decode_result<server_event> {
    if (!is_valid_utf8(text)) return protocol_error{wire_error::invalid_utf8, "the frame is not valid UTF-8"};
    const json j = parse(text);
    if (j.is_discarded()) return bad_request("the frame is not JSON");
    return server_frame_from(j);
  });
}

decode_result<user_profile> decode_user(std::string_view text) {
  return guarded([&]() -> decode_result<user_profile> {
    if (!is_valid_utf8(text)) return protocol_error{wire_error::invalid_utf8, "not valid UTF-8"};
    const json j = parse(text);
    if (j.is_discarded()) return bad_request("not JSON");
    return user_from(j);
  });
}

decode_result<std::vector<user_profile>> decode_users(std::string_view text) {
  return guarded([&]() -> decode_result<std::vector<user_profile>> {
    if (!is_valid_utf8(text)) return protocol_error{wire_error::invalid_utf8, "not valid UTF-8"};
    const json j = parse(text);
    if (!j.is_array()) return bad_request("expected a JSON array of users");
    std::vector<user_profile> users;
    users.reserve(j.size());
    for (const auto& uj : j) {
      auto u = user_from(uj);
      if (!u) return u.error();
      users.push_back(std::move(u).value());
    }
    return users;
  });
}

bool is_valid_client_id(std::string_view id) {
  if (id.empty() || id.size() > limits::max_client_id_bytes) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace chat
