#include <libssh/libssh.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <provision/ssh/keys.hpp>
#include <provision/ssh/libssh_api.hpp>
#include <provision/util/c_handle.hpp>
#include <provision/util/fs.hpp>

namespace sc {

Status generate_ssh_key(const fs::path &private_path, KeyType type) {
  SC_TRY(libssh::load());
  ssh_key raw = nullptr;
  int rc = type == KeyType::Ed25519 ? ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &raw)
                                    : ssh_pki_generate(SSH_KEYTYPE_RSA, 3072, &raw);
  CHandle<ssh_key, ssh_key_free> key(raw);
  if (rc != SSH_OK) return fail(Errc::generic, "generate SSH key failed");
  char *pem = nullptr;
  if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &pem) != SSH_OK)
    return fail(Errc::generic, "export SSH key failed");
  std::string priv(pem);
  ssh_string_free_char(pem);
  char *b64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key.get(), &b64) != SSH_OK)
    return fail(Errc::generic, "export SSH public key failed");
  std::string pub =
      fmt::format("{} {} swarmctl\n", ssh_key_type_to_char(ssh_key_type(key.get())), b64);
  ssh_string_free_char(b64);
  SC_TRY(atomic_write(private_path, priv, 0600));
  SC_TRY(atomic_write(private_path.string() + ".pub", pub, 0644));
  return ok();
}

Result<std::string> read_public_key(const fs::path &private_path) {
  auto pub = read_file(private_path.string() + ".pub");
  if (!pub) return fail(pub.error());
  std::string s = *pub;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

Result<KeyType> parse_key_type(std::string_view s) {
  if (s == "ed25519") return KeyType::Ed25519;
  if (s == "rsa") return KeyType::Rsa;
  return fail(Errc::usage, fmt::format("unknown SSH key type \"{}\" (ed25519 or rsa)", s));
}

} // namespace sc
