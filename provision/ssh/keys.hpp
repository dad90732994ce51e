#pragma once
// Per-machine SSH key pairs.
#include <filesystem>
#include <provision/util/result.hpp>
#include <string>

namespace sc {
namespace fs = std::filesystem;

enum class KeyType { Ed25519, Rsa };

// Writes the private key (OpenSSH format, 0600) and private_path + ".pub" (authorized_keys line,
// 0644). RSA keys are 3072 bits (for old hosts).
Status generate_ssh_key(const fs::path &private_path, KeyType type = KeyType::Ed25519);
// The "ssh-ed25519 AAAA... swarmctl" line of private_path + ".pub".
Result<std::string> read_public_key(const fs::path &private_path);
// "ed25519" | "rsa"
Result<KeyType> parse_key_type(std::string_view s);

} // namespace sc
