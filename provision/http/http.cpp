#include <algorithm>
#include <fmt/format.h>
#include <memory>
#include <provision/http/http.hpp>
#include <provision/http/session.hpp>
#include <provision/util/number.hpp>

namespace sc {
namespace {

class CurlClient : public HttpClient {
public:
  Result<HttpResponse> send(const HttpRequest &req) override {
    HttpSession session;
    auto r = session.perform(req);
    if (r) return std::move(*r);
    const HttpFailure &f = r.error();
    if (f.fault == HttpFault::setup) return fail(f.error); // "cannot load libcurl.so.4..."
    // The URL has no credentials in it (AWS puts them in headers), so it can be shown.
    Errc code = f.fault == HttpFault::timeout ? Errc::timeout : Errc::unreachable;
    return fail(code, fmt::format("{} {}: {}", req.method, req.url, f.error.message));
  }
};

} // namespace

std::unique_ptr<HttpClient> make_curl_client() {
  return std::make_unique<CurlClient>();
}

std::string uri_encode(std::string_view s, bool encode_slash) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string form_component_encode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ') {
      out += uri_encode(s.substr(start, i - start), true);
      if (i < s.size()) out += '+';
      start = i + 1;
    }
  }
  return out;
}

std::string UrlParts::host_header() const {
  bool def = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return def ? host : fmt::format("{}:{}", host, port);
}

Result<UrlParts> parse_url(std::string_view url) {
  UrlParts u;
  auto p = url.find("://");
  if (p == std::string_view::npos)
    return fail(Errc::usage, fmt::format("'{}' is not a URL (no scheme)", url));
  u.scheme = std::string(url.substr(0, p));
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (u.scheme != "http" && u.scheme != "https")
    return fail(Errc::usage, fmt::format("'{}': only http and https URLs are supported", url));
  auto rest = url.substr(p + 3);
  auto slash = rest.find_first_of("/?");
  auto authority = rest.substr(0, slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos)
    return fail(Errc::usage, fmt::format("'{}': bad host", url));
  u.port = u.scheme == "https" ? 443 : 80;
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    u.host = std::string(authority.substr(0, colon));
    auto port = parse_port(authority.substr(colon + 1));
    if (!port) return fail(Errc::usage, fmt::format("'{}': bad port", url));
    u.port = *port;
  } else {
    u.host = std::string(authority);
  }
  if (slash != std::string_view::npos) {
    auto pq = rest.substr(slash);
    auto q = pq.find('?');
    u.path = std::string(pq.substr(0, q));
    if (u.path.empty()) u.path = "/";
    if (q != std::string_view::npos) u.query = std::string(pq.substr(q + 1));
  }
  return u;
}

} // namespace sc
