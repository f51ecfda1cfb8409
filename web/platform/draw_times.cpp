// Draw times for the test hook (see draw_times.hpp).
#include "platform/draw_times.hpp"

#include "text/text_engine.hpp"

#include <emscripten/emscripten.h>

#include <cstdio>
#include <deque>
#include <string>

namespace chat::web {
namespace {

std::deque<double>& times() {
  static std::deque<double> t;
  return t;
}

}  // namespace

void note_draw_time(double ms) {
  auto& t = times();
  t.push_back(ms);
  if (t.size() > 8192) t.pop_front();
}

}  // namespace chat::web

extern "C" {

/** window.chatroom.drawTimes(): {"draw_ms": [...], "text_textures": n, "text_bytes": b}; forgets the times. */
EMSCRIPTEN_KEEPALIVE const char* chatroom_draw_times_json() {
  static std::string out;
  out = "{\"draw_ms\":[";
  char buf[32];
  bool first = true;
  for (double ms : chat::web::times()) {
    std::snprintf(buf, sizeof buf, first ? "%.3f" : ",%.3f", ms);
    out += buf;
    first = false;
  }
  chat::web::times().clear();
  auto& e = chat::web::text::engine();
  out += "],\"text_textures\":" + std::to_string(e.texture_count()) + ",\"text_bytes\":" + std::to_string(e.texture_bytes()) + "}";
  return out.c_str();
}
}
