#pragma once
// The TLS transport to a Docker engine (OpenSSL, mutual TLS): a TCP connection and a verified
// handshake, and docker-machine's certificate check that is that handshake alone.
#include <openssl/ssl.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <provision/util/c_handle.hpp>
#include <provision/util/fd.hpp>
#include <provision/util/result.hpp>
#include <string>

namespace sc {
namespace fs = std::filesystem;

struct TlsFiles {
  fs::path ca, cert, key;
};

using SslH = CHandle<SSL *, SSL_free>;
using TlsClock = std::chrono::steady_clock;

// A TCP connection and a completed TLS handshake: the engine's certificate verified against the
// CA and matching `host`, the client certificate sent. Errors are docker-machine-like:
// Errc::unreachable "dial tcp IP:PORT: connect: connection refused", Errc::auth "x509:
// certificate is valid for A, B, not C", Errc::timeout.
Status tls_connect(const std::string &host, int port, const TlsFiles &tls,
                   TlsClock::time_point deadline, Fd &sock, SslH &ssl);

// The handshake on a connected `sock` with `ctx`, offering `offer` (a kept session, may be null):
// the engine's certificate verified against the CA and matching `host` unless the engine resumed
// the session. Errors as tls_connect's.
Status tls_handshake(const std::string &host, int port, SSL_CTX *ctx, SSL_SESSION *offer,
                     TlsClock::time_point deadline, Fd &sock, SslH &ssl);

// Milliseconds left until `deadline`, 0 when past.
int ms_left(TlsClock::time_point deadline);

// Drives a non-blocking SSL call `f` until it completes (> 0), the peer closes (0) or the
// deadline passes (Errc::timeout "WHAT: i/o timeout").
Result<int> tls_io(SSL *ssl, int fd, TlsClock::time_point deadline, const std::function<int()> &f,
                   const std::string &what);

// docker-machine's certificate check (libmachine/cert ValidateCertificate): a TLS handshake with
// the machine's files, nothing more — no request, so no round trip beyond the handshake. The
// engine's certificate must chain to the CA and match `host`, and the engine must take the client
// certificate. It speaks TLS 1.2, as docker-machine 0.16.2 did (see check_context). With
// `session_file`, the session the engine hands out is kept there and offered next time (see
// tls_session.hpp): the files are then read only if the engine asks for a full handshake.
Status docker_tls_check(const std::string &host, int port, const TlsFiles &tls,
                        std::chrono::milliseconds timeout, const fs::path &session_file = {});

} // namespace sc
