#pragma once
// The program's one HTTP client, over libcurl (loaded by the first request: curl_api.hpp). The EC2
// API client uses it behind the HttpClient interface (tested with a fake transport); the Docker
// engine API client (provision/dockerapi) drives an HttpSession (session.hpp) with mutual TLS, no
// proxy and a bounded body.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <provision/util/result.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sc {

// Mutual TLS from PEM files: the server's certificate must chain to `ca` — that CA only, not the
// system's — and match the URL's host; `cert` and `key` are the client's.
struct HttpClientTls {
  std::string ca, cert, key;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers; // sent as given, in order
  std::string body;
  std::chrono::milliseconds timeout{30000}; // whole transfer
  std::chrono::milliseconds connect_timeout{10000};
  bool verify_tls = true;
  std::optional<HttpClientTls> client_tls;
  // The most of the body read; a larger one fails the request (HttpFault::too_large). 0: no bound.
  std::size_t max_body = 0;
  // Straight to the host, never through a proxy named by the environment (https_proxy, ALL_PROXY).
  bool direct = false;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers; // names lower-cased; last value wins
  std::string body;
};

class HttpClient {
public:
  virtual ~HttpClient() = default;
  // A response with any status is success; transport failures are errors: Errc::unreachable
  // (DNS, connection refused, TLS), Errc::timeout. The message names the URL, never headers or
  // the body (they may carry credentials).
  virtual Result<HttpResponse> send(const HttpRequest &req) = 0;
};

// libcurl implementation; one HttpSession per request, safe to use from several threads. Errors
// are "METHOD URL: libcurl's words", Errc::timeout or Errc::unreachable.
std::unique_ptr<HttpClient> make_curl_client();

// Percent-encoding of RFC 3986 (unreserved characters kept), as AWS SigV4 requires.
std::string uri_encode(std::string_view s, bool encode_slash = true);
// application/x-www-form-urlencoded as Python's urlencode (hence botocore) writes it: like
// uri_encode, but a space is '+'.
std::string form_component_encode(std::string_view s);

// Splits "scheme://host[:port]/path?query" into parts; Errc::usage when malformed.
struct UrlParts {
  std::string scheme, host; // host without port
  int port = 0;             // explicit or the scheme's default
  std::string path = "/", query;
  // "host" or "host:port" when the port is not the scheme's default (the Host header).
  std::string host_header() const;
};
Result<UrlParts> parse_url(std::string_view url);

} // namespace sc
