// Passwords and session tokens, through libsodium: argon2id password hashes,
// random tokens and the digest under which a token is stored.
#pragma once

#include <string>
#include <string_view>

namespace chat::server::crypto {

/** Initialises libsodium; false if it cannot be used. Safe to call repeatedly. */
bool init();

/** An argon2id hash string (crypto_pwhash_str, interactive limits, random salt).
 *  Throws std::runtime_error if memory for hashing cannot be had. */
std::string hash_password(std::string_view password);

/** True if `password` matches `hash`. */
bool verify_password(const std::string& hash, std::string_view password);

/** Spends the time of one verification against a dummy hash (for unknown users). */
void spend_verification_time(std::string_view password);

/** A new session token: 256 random bits, base64url without padding (43 characters). */
std::string new_token();

/** The stored form of a token: hex BLAKE2b-256 (crypto_generichash) of it. */
std::string token_digest(std::string_view token);

/** SHA-256 of `data` in standard base64 with padding (a CSP hash source). */
std::string sha256_base64(std::string_view data);

}  // namespace chat::server::crypto
