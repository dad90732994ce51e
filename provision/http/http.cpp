#include <algorithm>
#include <fmt/format.h>
#include <memory>
#include <provision/http/curl_api.hpp>
#include <provision/http/http.hpp>
#include <provision/util/number.hpp>

namespace sc {
namespace {

using CurlEasy = std::unique_ptr<CURL, curl::EasyDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, curl::SlistDeleter>;

size_t on_body(char *p, size_t size, size_t n, void *user) {
  static_cast<std::string *>(user)->append(p, size * n);
  return size * n;
}

size_t on_header(char *p, size_t size, size_t n, void *user) {
  auto *h = static_cast<std::map<std::string, std::string> *>(user);
  std::string line(p, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    auto b = value.find_first_not_of(" \t");
    auto e = value.find_last_not_of(" \t\r\n");
    (*h)[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  }
  return size * n;
}

class CurlClient : public HttpClient {
public:
  Result<HttpResponse> send(const HttpRequest &req) override {
    // libcurl is loaded (and globally initialised, once) on the first request.
    auto loaded = curl::api();
    if (!loaded) return fail(loaded.error());
    const curl::Api *api = *loaded;
    CurlEasy h(api->easy_init());
    if (!h) return fail(Errc::io, "curl_easy_init failed");
    HttpResponse resp;
    CurlSlist headers;
    for (const auto &[k, v] : req.headers) {
      auto line = k + ": " + v;
      curl_slist *n = api->slist_append(headers.get(), line.c_str());
      if (!n) return fail(Errc::io, "curl_slist_append failed");
      (void)headers.release();
      headers.reset(n);
    }
    // Keep curl from adding "Expect: 100-continue" (a round trip) and its own Accept.
    for (const char *extra : {"Expect:", "Accept:"}) {
      curl_slist *n = api->slist_append(headers.get(), extra);
      if (n) {
        (void)headers.release();
        headers.reset(n);
      }
    }
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL *c = h.get();
    api->easy_setopt(c, CURLOPT_URL, req.url.c_str());
    api->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    api->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    api->easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
    api->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    api->easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
    api->easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    api->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
    api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (!req.verify_tls) {
      api->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      api->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (req.method == "POST") {
      api->easy_setopt(c, CURLOPT_POST, 1L);
      api->easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
      api->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    } else if (req.method != "GET") {
      api->easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      if (!req.body.empty()) {
        api->easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
        api->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      }
    }
    CURLcode rc = api->easy_perform(c);
    if (rc != CURLE_OK) {
      // The URL has no credentials in it (AWS puts them in headers), so it can be shown.
      std::string detail = errbuf[0] ? errbuf : api->easy_strerror(rc);
      Errc code = rc == CURLE_OPERATION_TIMEDOUT ? Errc::timeout : Errc::unreachable;
      return fail(code, fmt::format("{} {}: {}", req.method, req.url, detail));
    }
    api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
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
