#pragma once
// A tiny HTTPS client for the Docker engine API with mutual TLS (OpenSSL, no curl): enough for
// /_ping and /version, used by create/env/ls/version.
#include <chrono>
#include <filesystem>
#include <provision/dockerapi/http_reply.hpp>
#include <provision/util/result.hpp>
#include <string>

namespace sc {
namespace fs = std::filesystem;

struct TlsFiles {
  fs::path ca, cert, key;
};

// Errors are docker-machine-like: Errc::unreachable "dial tcp IP:PORT: connect: connection
// refused", Errc::auth "x509: certificate is valid for A, B, not C", Errc::timeout; Errc::parse
// for a malformed reply or one larger than k_max_engine_reply.
Result<HttpReply> docker_request(const std::string &host, int port, const TlsFiles &tls,
                                 const std::string &method, const std::string &path,
                                 const std::string &body, std::chrono::milliseconds timeout);
// Server version from GET /version ("20.10.24+dfsg1"), sanitized for printing.
Result<std::string> docker_version(const std::string &host, int port, const TlsFiles &tls,
                                   std::chrono::milliseconds timeout);
// docker-machine's certificate check (libmachine/cert ValidateCertificate): a TLS handshake with
// the machine's files, nothing more — no request, so no round trip beyond the handshake. The
// engine's certificate must chain to the CA and match `host`. Under TLS 1.3 the engine's verdict
// on the client certificate comes after the handshake, so (as with docker-machine) an engine that
// refuses it is seen by the first request, not here.
Status docker_tls_check(const std::string &host, int port, const TlsFiles &tls,
                        std::chrono::milliseconds timeout);
// GET /_ping must answer 200 "OK".
Status docker_ping(const std::string &host, int port, const TlsFiles &tls,
                   std::chrono::milliseconds timeout);

} // namespace sc
