// How long each draw took (the client's work: ImGui, text path, GL calls), kept
// for the test hook: window.chatroom.drawTimes() returns and forgets them, so a
// benchmark can take the frame times of a scroll (bench/browser.mjs --fling).
#pragma once

namespace chat::web {

/** Records one draw of `ms` milliseconds (the oldest are dropped past 8 192 unread). */
void note_draw_time(double ms);

}  // namespace chat::web
