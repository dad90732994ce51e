#pragma once
// The Docker Engine API client (create/ls/version/up): HTTPS with mutual TLS through the
// program's one HTTP client (provision/http: libcurl, loaded by the first request), its errors
// worded as docker-machine's (and as util's tcp_connect, which `env`'s TLS check uses).
#include <chrono>
#include <cstddef>
#include <provision/dockerapi/tls_client.hpp>
#include <provision/http/session.hpp>
#include <provision/util/result.hpp>
#include <string>

namespace sc {

// The most the client reads from an engine for one request. /_ping, /version and /info answer a
// few kilobytes at most; anything beyond this is refused instead of filling memory.
inline constexpr std::size_t k_max_engine_reply = 1 << 20;

// One engine: its requests share one connection while the engine keeps it open (a caller that
// polls pays for one TLS handshake, not one per request). Not thread-safe.
//
// Errors are docker-machine-like: Errc::unreachable "dial tcp IP:PORT: connect: connection
// refused", Errc::auth "x509: certificate is valid for A, B, not C" or "x509: <why the chain is
// not trusted>", Errc::timeout "... i/o timeout"; Errc::parse for a malformed reply or one larger
// than k_max_engine_reply.
class DockerClient {
public:
  DockerClient(std::string host, int port, TlsFiles tls);
  // METHOD path (with a JSON body when not empty) within `timeout`; a reply with any status.
  Result<HttpResponse> request(const std::string &method, const std::string &path,
                               const std::string &body, std::chrono::milliseconds timeout);

private:
  Error engine_error(const HttpFailure &f, const std::string &method,
                     const std::string &path) const;

  std::string m_host;
  int m_port;
  TlsFiles m_tls;
  HttpSession m_session;
};

// One request on a connection of its own (DockerClient's errors).
Result<HttpResponse> docker_request(const std::string &host, int port, const TlsFiles &tls,
                                    const std::string &method, const std::string &path,
                                    const std::string &body, std::chrono::milliseconds timeout);
// Server version from GET /version ("20.10.24+dfsg1"), sanitized for printing.
Result<std::string> docker_version(const std::string &host, int port, const TlsFiles &tls,
                                   std::chrono::milliseconds timeout);
// GET /_ping must answer 200 "OK".
Status docker_ping(const std::string &host, int port, const TlsFiles &tls,
                   std::chrono::milliseconds timeout);

// The engine's version from its reply to GET /version: the "Version" member of the JSON body,
// made printable (printable_word: a hostile engine cannot put escape sequences or newlines on
// the user's terminal). Errc::remote_failed for a status other than 200, Errc::parse for a body
// that is not a version object (the body itself is never quoted).
Result<std::string> version_from_reply(const HttpResponse &reply);

} // namespace sc
