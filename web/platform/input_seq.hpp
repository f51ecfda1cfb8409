// Every input event the page hands the app (mouse, wheel, touch, keys, and in
// the DOM layer typing, Enter, button activation, focus) takes the next number
// of one counter. The draw loop records up to which number a draw has
// consumed them; the test hook reports both (state().input_seq / input_done),
// so a test can wait until what it typed or clicked has been handled.
#pragma once

#include <cstdint>

namespace chat::web {

inline std::uint64_t& input_counter() {
  static std::uint64_t n = 0;
  return n;
}

/** Counts one input event; returns its number. */
inline std::uint64_t note_input() { return ++input_counter(); }

/** The number of the newest input event. */
inline std::uint64_t input_seq() { return input_counter(); }

}  // namespace chat::web
