// docker_tls_check: `env`/`config`'s certificate check, made cheap when repeated — the session
// the engine handed out last time is offered again, and the CA, client certificate and key are
// read only when the engine asks for the full handshake.
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <fmt/format.h>
#include <provision/dockerapi/tls_client.hpp>
#include <provision/dockerapi/tls_libctx.hpp>
#include <provision/dockerapi/tls_session.hpp>
#include <provision/util/net.hpp>

namespace sc {
namespace {

using Clock = TlsClock;

// What the callbacks of one check share: the files, the first failure reading them, and the
// first session the engine hands out.
struct CheckState {
  const TlsFiles *tls = nullptr;
  OSSL_LIB_CTX *libctx = nullptr;
  std::string error;
  SessionPtr fresh;
};

CheckState &state_of(SSL *ssl) {
  return *static_cast<CheckState *>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
}

// The engine's chain is checked against the CA read now, at the first full handshake.
int verify_with_ca(X509_STORE_CTX *x, void *arg) {
  auto &st = *static_cast<CheckState *>(arg);
  tls_check_add_digests();
  if (X509_STORE_load_file_ex(X509_STORE_CTX_get0_store(x), st.tls->ca.c_str(), st.libctx,
                              nullptr) != 1) {
    st.error = fmt::format("cannot read CA certificate {}", st.tls->ca.string());
    return 0;
  }
  return X509_verify_cert(x);
}

// The client certificate, read when the engine asks for it (never on a resumed session).
int use_client_cert(SSL *ssl, void *) {
  auto &st = state_of(ssl);
  if (SSL_use_certificate_chain_file(ssl, st.tls->cert.c_str()) == 1 &&
      SSL_use_PrivateKey_file(ssl, st.tls->key.c_str(), SSL_FILETYPE_PEM) == 1)
    return 1;
  st.error = fmt::format("cannot read client certificate {} / key", st.tls->cert.string());
  return 0;
}

int keep_session(SSL *ssl, SSL_SESSION *s) {
  auto &st = state_of(ssl);
  if (st.fresh) return 0;
  st.fresh.reset(s);
  return 1; // ours now
}

struct CtxFree {
  void operator()(SSL_CTX *c) const { SSL_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;

CtxPtr check_context(CheckState &st) {
  CtxPtr ctx(SSL_CTX_new_ex(st.libctx, nullptr, TLS_client_method()));
  if (!ctx) return nullptr;
  // TLS 1.2, as docker-machine 0.16.2 (Go 1.12) spoke with every engine, and every Docker engine
  // accepts (its minimum): a TLS 1.2 session resumes without a new key exchange, where TLS 1.3
  // makes both sides do X25519 again — a third of a resumed check's work on this side. The check
  // carries no data, so the forward secrecy that exchange buys protects nothing here; and the
  // session arrives inside the handshake, where TLS 1.3 hands it out after it.
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx.get(), verify_with_ca, &st);
  SSL_CTX_set_cert_cb(ctx.get(), use_client_cert, nullptr);
  SSL_CTX_set_app_data(ctx.get(), &st);
  SSL_CTX_set_session_cache_mode(ctx.get(),
                                 SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx.get(), keep_session);
  return ctx;
}

std::time_t not_after(SSL *ssl) {
  X509 *peer = SSL_get0_peer_certificate(ssl);
  std::tm tm{};
  if (!peer || ASN1_TIME_to_tm(X509_get0_notAfter(peer), &tm) != 1) return 0;
  return timegm(&tm);
}

} // namespace

Status docker_tls_check(const std::string &host, int port, const TlsFiles &tls,
                        std::chrono::milliseconds timeout, const fs::path &session_file) {
  auto deadline = Clock::now() + timeout;
  // Connect first: an engine that is down is reported without reading any file.
  auto dialed = tcp_connect(host, port, timeout);
  if (!dialed) return fail(dialed.error());
  CheckState st{&tls, tls_check_libctx(), {}, nullptr};
  auto ctx = check_context(st);
  if (!ctx) return fail(Errc::io, "cannot create a TLS context");
  std::string binding;
  SessionPtr offer;
  if (!session_file.empty()) {
    binding = session_binding(host, port, {tls.ca, tls.cert, tls.key});
    offer = load_session(session_file, binding, std::time(nullptr));
  }
  SslH ssl;
  auto hs = tls_handshake(host, port, ctx.get(), offer.get(), deadline, *dialed, ssl);
  if (!hs) return st.error.empty() ? hs : fail(Errc::io, st.error);
  if (session_file.empty() || SSL_session_reused(ssl.get())) return ok();
  // Keeping the session is an optimisation: a store that cannot be written only loses it.
  if (st.fresh) (void)save_session(session_file, binding, st.fresh.get(), not_after(ssl.get()));
  return ok();
}

} // namespace sc
