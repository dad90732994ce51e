#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <memory>
#include <provision/http/curl_api.hpp>
#include <provision/http/curl_ossl.hpp>
#include <provision/http/session.hpp>
#include <provision/util/printable.hpp>

namespace sc {
namespace {

using CurlSlist = std::unique_ptr<curl_slist, curl::SlistDeleter>;

// What the callbacks of one transfer write to.
struct Transfer {
  const HttpRequest *req = nullptr;
  HttpResponse resp;
  bool too_large = false;
};

size_t on_body(char *p, size_t size, size_t n, void *user) {
  auto *t = static_cast<Transfer *>(user);
  size_t len = size * n;
  if (t->req->max_body && t->resp.body.size() + len > t->req->max_body) {
    t->too_large = true;
    return 0; // libcurl stops the transfer (CURLE_WRITE_ERROR)
  }
  t->resp.body.append(p, len);
  return len;
}

size_t on_header(char *p, size_t size, size_t n, void *user) {
  auto &headers = static_cast<Transfer *>(user)->resp.headers;
  std::string line(p, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    auto b = value.find_first_not_of(" \t");
    auto e = value.find_last_not_of(" \t\r\n");
    headers[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  }
  return size * n;
}

Status set_headers(const curl::Api *api, const HttpRequest &req, CurlSlist &list) {
  auto add = [&](const std::string &line) -> Status {
    curl_slist *n = api->slist_append(list.get(), line.c_str());
    if (!n) return fail(Errc::io, "curl_slist_append failed");
    (void)list.release();
    list.reset(n);
    return ok();
  };
  for (const auto &[k, v] : req.headers)
    SC_TRY(add(k + ": " + v));
  // Keep curl from adding "Expect: 100-continue" (a round trip) and its own Accept.
  SC_TRY(add("Expect:"));
  return add("Accept:");
}

void set_method(const curl::Api *api, CURL *c, const HttpRequest &req) {
  if (req.method == "POST") {
    api->easy_setopt(c, CURLOPT_POST, 1L);
  } else if (req.method != "GET") {
    api->easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (req.body.empty()) return;
  } else {
    return;
  }
  api->easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
  api->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
}

void set_tls(const curl::Api *api, CURL *c, const HttpRequest &req) {
  if (!req.verify_tls) {
    api->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    api->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!req.client_tls) return;
  const HttpClientTls &tls = *req.client_tls;
  api->easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  // Parsed once per process and shared by every connection (with OpenSSL 3, as Debian's libcurl4).
  if (curl::use_client_files(c, tls, api->easy_setopt)) return;
  api->easy_setopt(c, CURLOPT_CAINFO, tls.ca.c_str());
  // Only that CA: the system's directory of CAs (Debian's libcurl default) is not trusted.
  api->easy_setopt(c, CURLOPT_CAPATH, nullptr);
  api->easy_setopt(c, CURLOPT_SSLCERT, tls.cert.c_str());
  api->easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
  api->easy_setopt(c, CURLOPT_SSLKEY, tls.key.c_str());
  api->easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
}

Status set_options(const curl::Api *api, CURL *c, const HttpRequest &req, Transfer &t,
                   CurlSlist &headers, char *errbuf) {
  SC_TRY(set_headers(api, req, headers));
  api->easy_setopt(c, CURLOPT_URL, req.url.c_str());
  api->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  api->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  api->easy_setopt(c, CURLOPT_WRITEDATA, &t);
  api->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  api->easy_setopt(c, CURLOPT_HEADERDATA, &t);
  api->easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  api->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
  api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  api->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  // One request, one answer: HTTP/1.1 (no HTTP/2 negotiation).
  api->easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  if (req.direct) api->easy_setopt(c, CURLOPT_PROXY, "");
  set_tls(api, c, req);
  set_method(api, c, req);
  return ok();
}

// The first certificate of the chain libcurl gathered (CURLOPT_CERTINFO), as PEM.
std::string peer_certificate(const curl::Api *api, CURL *c) {
  curl_certinfo *info = nullptr;
  if (api->easy_getinfo(c, CURLINFO_CERTINFO, &info) != CURLE_OK || !info || info->num_of_certs < 1)
    return "";
  for (curl_slist *s = info->certinfo[0]; s; s = s->next)
    if (std::string_view(s->data).substr(0, 5) == "Cert:") return s->data + 5;
  return "";
}

HttpFault fault_of(CURLcode rc, const Transfer &t, bool has_status, bool has_peer) {
  if (t.too_large) return HttpFault::too_large;
  switch (rc) {
  case CURLE_OPERATION_TIMEDOUT:
    return HttpFault::timeout;
  case CURLE_COULDNT_RESOLVE_HOST:
    return HttpFault::resolve;
  case CURLE_COULDNT_CONNECT:
    return HttpFault::connect;
  case CURLE_SSL_CACERT_BADFILE:
    return HttpFault::ca_file;
  case CURLE_SSL_CERTPROBLEM:
    return HttpFault::client_cert;
  case CURLE_PEER_FAILED_VERIFICATION:
    // A certificate gathered means the chain was verified: the name is what failed.
    return has_peer ? HttpFault::wrong_name : HttpFault::untrusted;
  case CURLE_SSL_CONNECT_ERROR:
    return HttpFault::tls;
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_UNSUPPORTED_PROTOCOL: // "Received HTTP/0.9", "Unsupported HTTP version"
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_BAD_CONTENT_ENCODING:
    return HttpFault::malformed;
  default:
    return has_status ? HttpFault::malformed : HttpFault::transport;
  }
}

Errc code_of(HttpFault f) {
  switch (f) {
  case HttpFault::timeout:
    return Errc::timeout;
  case HttpFault::ca_file:
  case HttpFault::client_cert:
    return Errc::io;
  case HttpFault::untrusted:
  case HttpFault::wrong_name:
    return Errc::auth;
  case HttpFault::too_large:
  case HttpFault::malformed:
    return Errc::parse;
  default:
    return Errc::unreachable;
  }
}

// How far the transfer got, from libcurl's timers (0 when a stage was not reached; a reused
// connection has no connect time but a pre-transfer one).
HttpStage stage_of(const curl::Api *api, CURL *c) {
  curl_off_t connect = 0, app = 0, pre = 0;
  api->easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect);
  api->easy_getinfo(c, CURLINFO_APPCONNECT_TIME_T, &app);
  api->easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pre);
  if (pre > 0 || app > 0) return HttpStage::exchanging;
  // libcurl 7.88 times the connect when TLS is done too; the local port says TCP got through.
  long local_port = 0;
  api->easy_getinfo(c, CURLINFO_LOCAL_PORT, &local_port);
  return connect > 0 || local_port > 0 ? HttpStage::handshaking : HttpStage::connecting;
}

// libcurl's words for the failure. Its error buffer keeps the first message written, and libcurl
// 7.88 writes one when getpeername() fails after the peer reset the connection (an engine that
// refuses the client certificate under TLS 1.3 does) though the transfer goes on to fail
// elsewhere: then the failure code's words are the truth.
std::string failure_words(const curl::Api *api, CURLcode rc, const char *errbuf) {
  std::string_view words = errbuf[0] ? errbuf : api->easy_strerror(rc);
  if (words.starts_with("getpeername() failed") || words.starts_with("getsockname() failed"))
    words = api->easy_strerror(rc);
  return printable_line(words, CURL_ERROR_SIZE);
}

HttpFailure describe(const curl::Api *api, CURL *c, CURLcode rc, const Transfer &t,
                     const char *errbuf) {
  HttpFailure f;
  long status = 0;
  api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  f.stage = stage_of(api, c);
  if (rc == CURLE_COULDNT_CONNECT) {
    long os_errno = 0;
    api->easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    f.os_errno = static_cast<int>(os_errno);
  }
  if (rc == CURLE_PEER_FAILED_VERIFICATION) {
    f.peer_cert = peer_certificate(api, c);
    api->easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &f.verify_result);
  }
  f.fault = fault_of(rc, t, status != 0, !f.peer_cert.empty());
  f.error = Error{code_of(f.fault), failure_words(api, rc, errbuf)};
  return f;
}

CURLcode run(const curl::Api *api, CURL *c, const HttpRequest &req) {
  if (!req.client_tls) return api->easy_perform(c);
  curl::LeanScope lean; // the engine's TLS: a client that needs only what a short handshake uses
  return api->easy_perform(c);
}

} // namespace

HttpSession::~HttpSession() {
  if (m_easy) curl::EasyDeleter{}(static_cast<CURL *>(m_easy));
}

HttpResult<HttpResponse> HttpSession::perform(const HttpRequest &req) {
  auto failure = [](Error e) {
    HttpFailure f;
    f.fault = HttpFault::setup;
    f.error = std::move(e);
    return tl::unexpected<HttpFailure>(std::move(f));
  };
  // libcurl is loaded (and globally initialised, once) on the first request.
  auto loaded = curl::api();
  if (!loaded) return failure(loaded.error());
  const curl::Api *api = *loaded;
  if (m_easy)
    api->easy_reset(static_cast<CURL *>(m_easy)); // options cleared, connections kept
  else
    m_easy = api->easy_init();
  if (!m_easy) return failure(Error{Errc::io, "curl_easy_init failed"});
  CURL *c = static_cast<CURL *>(m_easy);
  Transfer t;
  t.req = &req;
  CurlSlist headers;
  char errbuf[CURL_ERROR_SIZE] = {0};
  if (auto st = set_options(api, c, req, t, headers, errbuf); !st) return failure(st.error());
  CURLcode rc = run(api, c, req);
  if (rc == CURLE_PEER_FAILED_VERIFICATION && req.client_tls) {
    // Once more, gathering the server's certificate (CURLOPT_CERTINFO) for the error that names
    // what it is valid for: text made of every certificate, too dear for each good handshake.
    api->easy_setopt(c, CURLOPT_CERTINFO, 1L);
    errbuf[0] = '\0';
    rc = run(api, c, req);
  }
  // The handle outlives this call: it must not point at this frame's buffer.
  api->easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) return tl::unexpected<HttpFailure>(describe(api, c, rc, t, errbuf));
  api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.resp.status);
  return std::move(t.resp);
}

} // namespace sc
