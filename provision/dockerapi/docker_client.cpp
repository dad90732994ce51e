#include <fmt/format.h>
#include <provision/dockerapi/docker_client.hpp>

namespace sc {

Result<HttpReply> docker_request(const std::string &host, int port, const TlsFiles &tls,
                                 const std::string &method, const std::string &path,
                                 const std::string &body, std::chrono::milliseconds timeout) {
  auto deadline = TlsClock::now() + timeout;
  Fd sock;
  SslH ssl;
  SC_TRY(tls_connect(host, port, tls, deadline, sock, ssl));
  std::string req =
      fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: swarmctl\r\nConnection: close\r\n",
                  method, path, host, port);
  if (!body.empty())
    req += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
  req += "\r\n" + body;
  size_t off = 0;
  while (off < req.size()) {
    auto w = tls_io(
        ssl.get(), sock.get(), deadline,
        [&] { return SSL_write(ssl.get(), req.data() + off, static_cast<int>(req.size() - off)); },
        "write");
    if (!w) return fail(w.error());
    if (*w == 0) return fail(Errc::unreachable, "connection closed while writing");
    off += static_cast<size_t>(*w);
  }
  std::string resp;
  char buf[16384];
  for (;;) {
    auto r = tls_io(
        ssl.get(), sock.get(), deadline, [&] { return SSL_read(ssl.get(), buf, sizeof buf); },
        "read");
    if (!r) {
      if (!resp.empty() && r.error().code != Errc::timeout) break;
      return fail(r.error());
    }
    if (*r == 0) break;
    if (resp.size() + static_cast<size_t>(*r) > k_max_engine_reply)
      return fail(Errc::parse, fmt::format("the Docker engine's reply to {} {} is larger than {} "
                                           "KiB",
                                           method, path, k_max_engine_reply / 1024));
    resp.append(buf, static_cast<size_t>(*r));
  }
  return parse_http_reply(resp);
}

Result<std::string> docker_version(const std::string &host, int port, const TlsFiles &tls,
                                   std::chrono::milliseconds timeout) {
  auto r = docker_request(host, port, tls, "GET", "/version", "", timeout);
  if (!r) return fail(r.error());
  return version_from_reply(*r);
}

Status docker_ping(const std::string &host, int port, const TlsFiles &tls,
                   std::chrono::milliseconds timeout) {
  auto r = docker_request(host, port, tls, "GET", "/_ping", "", timeout);
  if (!r) return fail(r.error());
  if (r->status != 200)
    return fail(Errc::remote_failed, fmt::format("GET /_ping: HTTP {}", r->status));
  return ok();
}

} // namespace sc
