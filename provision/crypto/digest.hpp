#pragma once
// Message digests (OpenSSL).
#include <string>
#include <string_view>

namespace sc::crypto {
// SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);
} // namespace sc::crypto
