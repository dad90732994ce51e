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
#define SC_FWD(name) static const auto fn = sc::libssh::resolve<decltype(&::name)>(#name)

extern "C" {
int ssh_init(void) {
  return sc::libssh::load() ? 0 : -1;
}
ssh_session ssh_new(void) {
  SC_FWD(ssh_new);
  return fn();
}
void ssh_free(ssh_session session) {
  SC_FWD(ssh_free);
  fn(session);
}
int ssh_options_set(ssh_session session, enum ssh_options_e type, const void *value) {
  SC_FWD(ssh_options_set);
  return fn(session, type, value);
}
int ssh_connect(ssh_session session) {
  SC_FWD(ssh_connect);
  return fn(session);
}
void ssh_disconnect(ssh_session session) {
  SC_FWD(ssh_disconnect);
  fn(session);
}
const char *ssh_get_error(void *error) {
  SC_FWD(ssh_get_error);
  return fn(error);
}
int ssh_get_server_publickey(ssh_session session, ssh_key *key) {
  SC_FWD(ssh_get_server_publickey);
  return fn(session, key);
}
int ssh_get_publickey_hash(const ssh_key key, enum ssh_publickey_hash_type type,
                           unsigned char **hash, size_t *hlen) {
  SC_FWD(ssh_get_publickey_hash);
  return fn(key, type, hash, hlen);
}
char *ssh_get_fingerprint_hash(enum ssh_publickey_hash_type type, unsigned char *hash, size_t len) {
  SC_FWD(ssh_get_fingerprint_hash);
  return fn(type, hash, len);
}
void ssh_clean_pubkey_hash(unsigned char **hash) {
  SC_FWD(ssh_clean_pubkey_hash);
  fn(hash);
}
void ssh_string_free_char(char *s) {
  SC_FWD(ssh_string_free_char);
  fn(s);
}
int ssh_userauth_publickey(ssh_session session, const char *username, const ssh_key privkey) {
  SC_FWD(ssh_userauth_publickey);
  return fn(session, username, privkey);
}
int ssh_pki_import_privkey_file(const char *filename, const char *passphrase,
                                ssh_auth_callback auth_fn, void *auth_data, ssh_key *pkey) {
  SC_FWD(ssh_pki_import_privkey_file);
  return fn(filename, passphrase, auth_fn, auth_data, pkey);
}
int ssh_pki_generate(enum ssh_keytypes_e type, int parameter, ssh_key *pkey) {
  SC_FWD(ssh_pki_generate);
  return fn(type, parameter, pkey);
}
int ssh_pki_export_privkey_base64(const ssh_key privkey, const char *passphrase,
                                  ssh_auth_callback auth_fn, void *auth_data, char **b64_key) {
  SC_FWD(ssh_pki_export_privkey_base64);
  return fn(privkey, passphrase, auth_fn, auth_data, b64_key);
}
int ssh_pki_export_pubkey_base64(const ssh_key key, char **b64_key) {
  SC_FWD(ssh_pki_export_pubkey_base64);
  return fn(key, b64_key);
}
void ssh_key_free(ssh_key key) {
  SC_FWD(ssh_key_free);
  fn(key);
}
enum ssh_keytypes_e ssh_key_type(const ssh_key key) {
  SC_FWD(ssh_key_type);
  return fn(key);
}
const char *ssh_key_type_to_char(enum ssh_keytypes_e type) {
  SC_FWD(ssh_key_type_to_char);
  return fn(type);
}
ssh_channel ssh_channel_new(ssh_session session) {
  SC_FWD(ssh_channel_new);
  return fn(session);
}
void ssh_channel_free(ssh_channel channel) {
  SC_FWD(ssh_channel_free);
  fn(channel);
}
int ssh_channel_open_session(ssh_channel channel) {
  SC_FWD(ssh_channel_open_session);
  return fn(channel);
}
int ssh_channel_close(ssh_channel channel) {
  SC_FWD(ssh_channel_close);
  return fn(channel);
}
int ssh_channel_request_exec(ssh_channel channel, const char *cmd) {
  SC_FWD(ssh_channel_request_exec);
  return fn(channel, cmd);
}
int ssh_channel_request_shell(ssh_channel channel) {
  SC_FWD(ssh_channel_request_shell);
  return fn(channel);
}
int ssh_channel_request_pty_size(ssh_channel channel, const char *term, int cols, int rows) {
  SC_FWD(ssh_channel_request_pty_size);
  return fn(channel, term, cols, rows);
}
int ssh_channel_write(ssh_channel channel, const void *data, uint32_t len) {
  SC_FWD(ssh_channel_write);
  return fn(channel, data, len);
}
int ssh_channel_send_eof(ssh_channel channel) {
  SC_FWD(ssh_channel_send_eof);
  return fn(channel);
}
int ssh_channel_read_nonblocking(ssh_channel channel, void *dest, uint32_t count, int is_stderr) {
  SC_FWD(ssh_channel_read_nonblocking);
  return fn(channel, dest, count, is_stderr);
}
int ssh_channel_poll_timeout(ssh_channel channel, int timeout, int is_stderr) {
  SC_FWD(ssh_channel_poll_timeout);
  return fn(channel, timeout, is_stderr);
}
int ssh_channel_is_eof(ssh_channel channel) {
  SC_FWD(ssh_channel_is_eof);
  return fn(channel);
}
int ssh_channel_get_exit_status(ssh_channel channel) {
  SC_FWD(ssh_channel_get_exit_status);
  return fn(channel);
}
} // extern "C"
