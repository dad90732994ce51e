#pragma once
// A small HTTP client over libcurl, behind an interface so that API clients (EC2) can be tested
// with a fake transport.
#include <chrono>
#include <map>
#include <memory>
#include <provision/util/result.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sc {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers; // sent as given, in order
  std::string body;
  std::chrono::milliseconds timeout{30000}; // whole transfer
  std::chrono::milliseconds connect_timeout{10000};
  bool verify_tls = true;
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

// libcurl implementation; one easy handle per request, safe to use from several threads.
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
