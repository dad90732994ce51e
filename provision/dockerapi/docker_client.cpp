#include <openssl/x509.h>

#include <cstring>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <provision/dockerapi/docker_client.hpp>
#include <provision/dockerapi/peer_names.hpp>
#include <provision/util/printable.hpp>

namespace sc {

DockerClient::DockerClient(std::string host, int port, TlsFiles tls)
    : m_host(std::move(host)), m_port(port), m_tls(std::move(tls)) {}

Result<HttpResponse> DockerClient::request(const std::string &method, const std::string &path,
                                           const std::string &body,
                                           std::chrono::milliseconds timeout) {
  HttpRequest req;
  req.method = method;
  bool v6 = m_host.find(':') != std::string::npos;
  req.url = fmt::format("https://{}{}{}:{}{}", v6 ? "[" : "", m_host, v6 ? "]" : "", m_port, path);
  req.headers = {{"User-Agent", "swarmctl"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = body;
  req.timeout = timeout;
  req.connect_timeout = timeout;
  req.client_tls = HttpClientTls{m_tls.ca.string(), m_tls.cert.string(), m_tls.key.string()};
  req.max_body = k_max_engine_reply;
  req.direct = true; // as docker-machine's engine client: no proxy
  auto r = m_session.perform(req);
  if (!r) return fail(engine_error(r.error(), method, path));
  return std::move(*r);
}

Error DockerClient::engine_error(const HttpFailure &f, const std::string &method,
                                 const std::string &path) const {
  // The connection's errors in the words of util's tcp_connect (Go's dialer), as `env` says them.
  std::string dial = fmt::format("dial tcp {}:{}", m_host, m_port);
  switch (f.fault) {
  case HttpFault::resolve:
    return {Errc::unreachable, fmt::format("{}: lookup {}: no such host", dial, m_host)};
  case HttpFault::connect:
    return {Errc::unreachable, fmt::format("{}: connect: {}", dial, std::strerror(f.os_errno))};
  case HttpFault::ca_file:
    return {Errc::io, fmt::format("cannot read CA certificate {}", m_tls.ca.string())};
  case HttpFault::client_cert:
    return {Errc::io, fmt::format("cannot read client certificate {} / key", m_tls.cert.string())};
  case HttpFault::untrusted:
    return {Errc::auth, fmt::format("x509: {}", X509_verify_cert_error_string(f.verify_result))};
  case HttpFault::wrong_name:
    return {Errc::auth, fmt::format("x509: certificate is valid for {}, not {}",
                                    pem_certificate_names(f.peer_cert), m_host)};
  case HttpFault::tls:
    return {Errc::unreachable,
            fmt::format("tls handshake with {}:{}: {}", m_host, m_port, f.error.message)};
  case HttpFault::timeout:
    if (f.stage == HttpStage::connecting) return {Errc::timeout, dial + ": i/o timeout"};
    if (f.stage == HttpStage::handshaking)
      return {Errc::timeout, fmt::format("tls handshake with {}:{}: i/o timeout", m_host, m_port)};
    return {Errc::timeout, "read: i/o timeout"};
  case HttpFault::too_large:
    return {Errc::parse, fmt::format("the Docker engine's reply to {} {} is larger than {} KiB",
                                     method, path, k_max_engine_reply / 1024)};
  case HttpFault::malformed:
    return {Errc::parse, "malformed HTTP response from the Docker engine: " + f.error.message};
  default: // libcurl's words (or why it could not be loaded)
    return f.error;
  }
}

Result<HttpResponse> docker_request(const std::string &host, int port, const TlsFiles &tls,
                                    const std::string &method, const std::string &path,
                                    const std::string &body, std::chrono::milliseconds timeout) {
  DockerClient client(host, port, tls);
  return client.request(method, path, body, timeout);
}

Result<std::string> version_from_reply(const HttpResponse &reply) {
  if (reply.status != 200)
    return fail(Errc::remote_failed, fmt::format("GET /version: HTTP {}", reply.status));
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Version") || !j["Version"].is_string())
    return fail(Errc::parse, "GET /version: the reply is not a version object");
  return printable_word(j["Version"].get_ref<const std::string &>());
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
