// A value or a protocol error: what decoding returns instead of throwing.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace chat {

/** Why a frame was refused: `code` is the wire error code, `message` is for people. */
struct protocol_error {
  std::string code;     ///< "bad_request", "invalid_utf8", "too_long", …
  std::string message;  ///< a short human-readable reason
};

/** Either a T or the protocol_error that explains why there is none. */
template <class T>
class decode_result {
 public:
  decode_result(T value) : v_(std::move(value)) {}                 // NOLINT(google-explicit-constructor)
  decode_result(protocol_error error) : v_(std::move(error)) {}     // NOLINT(google-explicit-constructor)

  explicit operator bool() const noexcept { return v_.index() == 0; }
  bool ok() const noexcept { return v_.index() == 0; }

  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T* operator->() const { return &std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }

  const protocol_error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, protocol_error> v_;
};

}  // namespace chat
