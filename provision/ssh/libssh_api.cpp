#include <libssh/libssh.h>

#include <fmt/format.h>
#include <provision/ssh/libssh_api.hpp>
#include <provision/util/dynlib.hpp>

namespace sc::libssh {
namespace {

struct Loaded {
  dynlib::Library lib;
  std::string error; // empty when loaded and initialised
};

Loaded open_library() {
  Loaded l{dynlib::open(k_soname, "SWARMCTL_LIBSSH", "libssh-4"), ""};
  l.error = l.lib.error;
  if (!l.error.empty()) return l;
  using InitFn = int (*)();
  auto init = reinterpret_cast<InitFn>(dynlib::require(l.lib, k_soname, "ssh_init"));
  if (init() != 0) l.error = fmt::format("{}: ssh_init failed", k_soname);
  return l;
}

const Loaded &loaded() {
  static const Loaded l = open_library(); // thread-safe initialisation, once per process
  return l;
}

// The library's function `name` (every entry point calls load() first and stops on its error).
template <class F> F resolve(const char *name) {
  return reinterpret_cast<F>(dynlib::require(loaded().lib, k_soname, name));
}

} // namespace

Status load() {
  const Loaded &l = loaded();
  if (!l.error.empty()) return fail(Errc::generic, l.error);
  return ok();
}

} // namespace sc::libssh

// Forwarders with libssh's own names and signatures (checked against <libssh/libssh.h>), each
// resolving its target once.
#define FWD(ret, name, params, args) SC_DYNLIB_FORWARD(sc::libssh::resolve, ret, name, params, args)

extern "C" {
int ssh_init(void) {
  return sc::libssh::load() ? 0 : -1;
}
FWD(ssh_session, ssh_new, (void), ())
FWD(void, ssh_free, (ssh_session session), (session))
FWD(int, ssh_options_set, (ssh_session session, enum ssh_options_e type, const void *value),
    (session, type, value))
FWD(int, ssh_connect, (ssh_session session), (session))
FWD(void, ssh_disconnect, (ssh_session session), (session))
FWD(const char *, ssh_get_error, (void *error), (error))
FWD(int, ssh_get_server_publickey, (ssh_session session, ssh_key *key), (session, key))
FWD(int, ssh_get_publickey_hash,
    (const ssh_key key, enum ssh_publickey_hash_type type, unsigned char **hash, size_t *hlen),
    (key, type, hash, hlen))
FWD(char *, ssh_get_fingerprint_hash,
    (enum ssh_publickey_hash_type type, unsigned char *hash, size_t len), (type, hash, len))
FWD(void, ssh_clean_pubkey_hash, (unsigned char **hash), (hash))
FWD(void, ssh_string_free_char, (char *s), (s))
FWD(int, ssh_userauth_publickey, (ssh_session session, const char *username, const ssh_key privkey),
    (session, username, privkey))
FWD(int, ssh_pki_import_privkey_file,
    (const char *filename, const char *passphrase, ssh_auth_callback auth_fn, void *auth_data,
     ssh_key *pkey),
    (filename, passphrase, auth_fn, auth_data, pkey))
FWD(int, ssh_pki_generate, (enum ssh_keytypes_e type, int parameter, ssh_key *pkey),
    (type, parameter, pkey))
FWD(int, ssh_pki_export_privkey_base64,
    (const ssh_key privkey, const char *passphrase, ssh_auth_callback auth_fn, void *auth_data,
     char **b64_key),
    (privkey, passphrase, auth_fn, auth_data, b64_key))
FWD(int, ssh_pki_export_pubkey_base64, (const ssh_key key, char **b64_key), (key, b64_key))
FWD(void, ssh_key_free, (ssh_key key), (key))
FWD(enum ssh_keytypes_e, ssh_key_type, (const ssh_key key), (key))
FWD(const char *, ssh_key_type_to_char, (enum ssh_keytypes_e type), (type))
FWD(ssh_channel, ssh_channel_new, (ssh_session session), (session))
FWD(void, ssh_channel_free, (ssh_channel channel), (channel))
FWD(int, ssh_channel_open_session, (ssh_channel channel), (channel))
FWD(int, ssh_channel_close, (ssh_channel channel), (channel))
FWD(int, ssh_channel_request_exec, (ssh_channel channel, const char *cmd), (channel, cmd))
FWD(int, ssh_channel_request_shell, (ssh_channel channel), (channel))
FWD(int, ssh_channel_request_pty_size, (ssh_channel channel, const char *term, int cols, int rows),
    (channel, term, cols, rows))
FWD(int, ssh_channel_write, (ssh_channel channel, const void *data, uint32_t len),
    (channel, data, len))
FWD(int, ssh_channel_send_eof, (ssh_channel channel), (channel))
FWD(int, ssh_channel_read_nonblocking,
    (ssh_channel channel, void *dest, uint32_t count, int is_stderr),
    (channel, dest, count, is_stderr))
FWD(int, ssh_channel_poll_timeout, (ssh_channel channel, int timeout, int is_stderr),
    (channel, timeout, is_stderr))
FWD(int, ssh_channel_is_eof, (ssh_channel channel), (channel))
FWD(int, ssh_channel_get_exit_status, (ssh_channel channel), (channel))
} // extern "C"
