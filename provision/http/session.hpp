#pragma once
// One libcurl easy handle driven by HttpRequests: the engine of the program's HTTP client
// (CurlClient in http.cpp) and of the Docker engine API client. Failures come back described
// (what failed, and what libcurl saw), for callers that word them their own way.
#include <provision/http/http.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <utility>

namespace sc {

// What made a request fail.
enum class HttpFault {
  setup,       // libcurl could not be loaded or set up: `error` says why (nothing was sent)
  resolve,     // the host name has no address
  connect,     // the TCP connection failed: `os_errno` says why (ECONNREFUSED...)
  ca_file,     // client_tls.ca cannot be read
  client_cert, // client_tls.cert or .key cannot be read
  untrusted,   // the server's certificate does not chain to the CA: `verify_result` says why
  wrong_name,  // the certificate chains to the CA but does not match the host: `peer_cert`
  tls,         // any other TLS failure (handshake, alert)
  timeout,     // the request's timeout passed, at `stage`
  too_large,   // the body went over the request's max_body
  malformed,   // the reply is not HTTP/1.x, or it broke off after its status line
  transport,   // anything else (sending, receiving)
};

// How far a request got.
enum class HttpStage { connecting, handshaking, exchanging };

struct HttpFailure {
  HttpFault fault = HttpFault::transport;
  // libcurl's words made printable, with a code that follows the fault: timeout → Errc::timeout,
  // ca_file/client_cert → Errc::io, untrusted/wrong_name → Errc::auth, too_large/malformed →
  // Errc::parse, others → Errc::unreachable. Never headers nor the body.
  Error error;
  HttpStage stage = HttpStage::connecting;
  int os_errno = 0;       // connect: the connect(2) error
  long verify_result = 0; // untrusted: OpenSSL's X509_V_ERR_* code
  std::string peer_cert;  // wrong_name: the server's certificate (PEM)
};

template <class T> using HttpResult = tl::expected<T, HttpFailure>;

// Requests sent through one session reuse its connection while the server keeps it open (and its
// TLS session when it does not). libcurl is loaded by the first request. Not thread-safe: one
// session per thread.
class HttpSession {
public:
  HttpSession() = default;
  ~HttpSession();
  HttpSession(HttpSession &&o) noexcept : m_easy(std::exchange(o.m_easy, nullptr)) {}
  HttpSession &operator=(HttpSession &&) = delete;
  HttpSession(const HttpSession &) = delete;
  HttpSession &operator=(const HttpSession &) = delete;

  // A response with any status is success. The body stops at req.max_body (HttpFault::too_large:
  // the transfer is aborted there, the connection dropped).
  HttpResult<HttpResponse> perform(const HttpRequest &req);

private:
  void *m_easy = nullptr; // CURL *, created by the first request (libcurl is not loaded before)
};

} // namespace sc
