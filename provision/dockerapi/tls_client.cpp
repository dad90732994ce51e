#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <map>
#include <memory>
#include <mutex>
#include <provision/crypto/openssl_text.hpp>
#include <provision/dockerapi/tls_client.hpp>
#include <provision/util/net.hpp>

namespace sc {

using Clock = TlsClock;

int ms_left(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

namespace {

std::string cert_names(X509 *cert) {
  std::string names;
  auto *sans =
      static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!sans) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
    std::string n;
    if (g->type == GEN_DNS)
      n.assign(reinterpret_cast<const char *>(ASN1_STRING_get0_data(g->d.dNSName)),
               ASN1_STRING_length(g->d.dNSName));
    if (g->type == GEN_IPADD) {
      char ip[INET6_ADDRSTRLEN] = {};
      int len = ASN1_STRING_length(g->d.iPAddress);
      inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(g->d.iPAddress), ip,
                sizeof ip);
      n = ip;
    }
    if (!n.empty()) names += (names.empty() ? "" : ", ") + n;
  }
  GENERAL_NAMES_free(sans);
  return names;
}

// One SSL_CTX per set of client files (machines of a store share the user's certificate):
// `ls` over many machines reads and parses the PEM files once. Keyed by path, size and mtime.
Result<std::shared_ptr<SSL_CTX>> client_context(const TlsFiles &tls) {
  std::string key;
  for (const auto *p : {&tls.ca, &tls.cert, &tls.key}) {
    struct stat st {};
    if (::stat(p->c_str(), &st) != 0)
      key += p->string() + "|missing|";
    else
      key += fmt::format("{}|{}|{}.{}|", p->string(), st.st_size, st.st_mtim.tv_sec,
                         st.st_mtim.tv_nsec);
  }
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<SSL_CTX>> cache;
  std::lock_guard lk(mu);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  static std::once_flag init;
  std::call_once(init, [] { crypto::openssl_init(); });
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) return fail(Errc::io, "cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_load_verify_locations(ctx.get(), tls.ca.c_str(), nullptr) != 1)
    return fail(Errc::io, fmt::format("cannot read CA certificate {}", tls.ca.string()));
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx.get(), tls.key.c_str(), SSL_FILETYPE_PEM) != 1)
    return fail(Errc::io,
                fmt::format("cannot read client certificate {} / key", tls.cert.string()));
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  cache.emplace(key, ctx);
  return ctx;
}

} // namespace

Result<int> tls_io(SSL *ssl, int fd, Clock::time_point deadline, const std::function<int()> &f,
                   const std::string &what) {
  for (;;) {
    int r = f();
    if (r > 0) return r;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (!ev) {
      if (e == SSL_ERROR_SYSCALL && r == 0) return 0;
      unsigned long le = ERR_get_error();
      return fail(Errc::unreachable, fmt::format("{}: {}", what,
                                                 le ? crypto::openssl_error_text(le)
                                                    : std::string("connection closed")));
    }
    pollfd p{fd, ev, 0};
    if (poll(&p, 1, ms_left(deadline)) <= 0) return fail(Errc::timeout, what + ": i/o timeout");
  }
}

Status tls_handshake(const std::string &host, int port, SSL_CTX *ctx, SSL_SESSION *offer,
                     Clock::time_point deadline, Fd &sock, SslH &ssl) {
  ssl.reset(SSL_new(ctx));
  if (!ssl) return fail(Errc::io, "cannot create a TLS session");
  SSL_set_fd(ssl.get(), sock.get());
  if (offer) SSL_set_session(ssl.get(), offer);
  if (!is_ip_address(host)) SSL_set_tlsext_host_name(ssl.get(), host.c_str());
  auto hs = tls_io(
      ssl.get(), sock.get(), deadline, [&] { return SSL_connect(ssl.get()); },
      fmt::format("tls handshake with {}:{}", host, port));
  if (!hs || *hs == 0) {
    long v = SSL_get_verify_result(ssl.get());
    if (v != X509_V_OK)
      return fail(Errc::auth, fmt::format("x509: {}", X509_verify_cert_error_string(v)));
    return fail(hs ? Error{Errc::unreachable, "tls handshake failed"} : hs.error());
  }
  // A resumed session was checked, host name included, on the handshake that made it.
  if (SSL_session_reused(ssl.get())) return ok();
  X509 *peer = SSL_get0_peer_certificate(ssl.get());
  if (!peer) return fail(Errc::auth, "x509: the server sent no certificate");
  int match = is_ip_address(host) ? X509_check_ip_asc(peer, host.c_str(), 0)
                                  : X509_check_host(peer, host.c_str(), host.size(), 0, nullptr);
  if (match != 1)
    return fail(Errc::auth,
                fmt::format("x509: certificate is valid for {}, not {}", cert_names(peer), host));
  return ok();
}

Status tls_connect(const std::string &host, int port, const TlsFiles &tls,
                   Clock::time_point deadline, Fd &sock, SslH &ssl) {
  // Connect first: an engine that is down is reported without reading any certificate.
  auto dialed = tcp_connect(host, port, std::chrono::milliseconds(ms_left(deadline)));
  if (!dialed) return fail(dialed.error());
  sock = std::move(*dialed);
  auto ctx = client_context(tls);
  if (!ctx) return fail(ctx.error());
  return tls_handshake(host, port, ctx->get(), nullptr, deadline, sock, ssl);
}

} // namespace sc
