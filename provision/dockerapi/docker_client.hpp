#pragma once
// A tiny HTTPS client for the Docker engine API with mutual TLS (OpenSSL, no curl): enough for
// /_ping and /version, used by create/env/ls/version.
#include <chrono>
#include <provision/dockerapi/http_reply.hpp>
#include <provision/dockerapi/tls_client.hpp>
#include <provision/util/result.hpp>
#include <string>

namespace sc {

// Errors are docker-machine-like: Errc::unreachable "dial tcp IP:PORT: connect: connection
// refused", Errc::auth "x509: certificate is valid for A, B, not C", Errc::timeout; Errc::parse
// for a malformed reply or one larger than k_max_engine_reply.
Result<HttpReply> docker_request(const std::string &host, int port, const TlsFiles &tls,
                                 const std::string &method, const std::string &path,
                                 const std::string &body, std::chrono::milliseconds timeout);
// Server version from GET /version ("20.10.24+dfsg1"), sanitized for printing.
Result<std::string> docker_version(const std::string &host, int port, const TlsFiles &tls,
                                   std::chrono::milliseconds timeout);
// GET /_ping must answer 200 "OK".
Status docker_ping(const std::string &host, int port, const TlsFiles &tls,
                   std::chrono::milliseconds timeout);

} // namespace sc
