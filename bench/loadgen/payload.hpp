// The message body the generator sends: a stamp (sender, sequence, send time)
// padded to the requested size, readable back from whatever frame carries it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

/** Who sent a message, its place in that sender's sequence, and when it was sent. */
struct stamp {
  std::int32_t sender = 0;
  std::int32_t seq = 0;
  std::int64_t sent_ns = 0;  ///< steady-clock nanoseconds of this process
  friend bool operator==(const stamp&, const stamp&) = default;
};

/** "lg:<sender>:<seq>:<sent_ns>:" followed by 'x' up to `size` bytes (never shorter
 *  than the stamp itself). Plain ASCII: no trimming, escaping or UTF-8 issue. */
std::string make_body(const stamp& s, std::size_t size);

/** The stamp at the start of `body`, or nothing if `body` is not one of ours. */
std::optional<stamp> read_body(std::string_view body) noexcept;

/** A client_id for message `seq` of `sender` in run `run` (unique per run). */
std::string make_client_id(std::string_view run, std::int32_t sender, std::int32_t seq);

}  // namespace loadgen
