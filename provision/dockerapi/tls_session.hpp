#pragma once
// The TLS session an engine handed out on the last full handshake, kept beside the machine so
// that the next `env`/`config` check resumes it (no certificates sent or checked again, no
// signatures) instead of repeating the whole handshake. A kept session is only offered:
// - to the same host:port, with the same CA, client certificate and key files (device, inode,
//   size and modification time of each — changed files mean a full handshake);
// - before the engine certificate it was made with expires;
// and the engine decides: one restarted (new certificates mean a restart) no longer knows it and
// answers with a full handshake, checked as always. The file (mode 0600) holds the session's
// resumption secret, a lesser secret than key.pem beside it; the engine certificate is left out.
#include <openssl/ssl.h>

#include <ctime>
#include <filesystem>
#include <memory>
#include <provision/util/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sc {
namespace fs = std::filesystem;

struct SessionFree {
  void operator()(SSL_SESSION *s) const { SSL_SESSION_free(s); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

// What binds a kept session: "HOST:PORT" and the identity of each file (missing files included).
std::string session_binding(const std::string &host, int port, const std::vector<fs::path> &files);

// The kept session for `binding`, or null when there is none, it belongs to another binding, the
// engine certificate expired (`now` past it) or the file is damaged. Never fails: a session is
// an optimisation.
SessionPtr load_session(const fs::path &file, const std::string &binding, std::time_t now);

// Keeps `s` (made with an engine whose certificate expires at `not_after`) for `binding`: written
// atomically, mode 0600, without the engine certificate.
Status save_session(const fs::path &file, const std::string &binding, SSL_SESSION *s,
                    std::time_t not_after);

// The DER of an SSL_SESSION without its optional peer certificate ([3]): what is read back needs
// no certificate parsing. Empty when `der` is not a DER SEQUENCE as OpenSSL writes it.
std::string strip_session_peer(std::string_view der);

} // namespace sc
