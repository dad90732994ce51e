#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <mutex>
#include <provision/crypto/openssl_text.hpp>
#include <provision/dockerapi/tls_libctx.hpp>
#include <provision/http/lean_libctx.hpp>

// OpenSSL's own default provider's entry point: present when OpenSSL is linked statically (the
// product build), absent (null) with the shared library, which does not export it.
extern "C" int ossl_default_provider_init(const OSSL_CORE_HANDLE *, const OSSL_DISPATCH *,
                                          const OSSL_DISPATCH **, void **) __attribute__((weak));

namespace sc {
namespace {

// The provider the filter keeps algorithms of: a default provider of the filter's own, or the
// default context's.
struct Inner {
  OSSL_PROVIDER *shared = nullptr; // the default context's default provider, without our own
  void *ctx = nullptr;             // the default provider's context
  OSSL_FUNC_provider_query_operation_fn *query = nullptr;
  OSSL_FUNC_provider_get_capabilities_fn *capabilities = nullptr;
  OSSL_FUNC_provider_teardown_fn *teardown = nullptr;
};
Inner g_inner;
LeanFilter g_filter;

// Starts a default provider of the filter's own, under the filter's core handle.
bool start_own_default(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in) {
  const OSSL_DISPATCH *inner = nullptr;
  if (ossl_default_provider_init(handle, in, &inner, &g_inner.ctx) != 1) return false;
  for (; inner->function_id != 0; ++inner) {
    if (inner->function_id == OSSL_FUNC_PROVIDER_QUERY_OPERATION)
      g_inner.query = OSSL_FUNC_provider_query_operation(inner);
    else if (inner->function_id == OSSL_FUNC_PROVIDER_GET_CAPABILITIES)
      g_inner.capabilities = OSSL_FUNC_provider_get_capabilities(inner);
    else if (inner->function_id == OSSL_FUNC_PROVIDER_TEARDOWN)
      g_inner.teardown = OSSL_FUNC_provider_teardown(inner);
  }
  return g_inner.query && g_inner.capabilities;
}

// Statically linked, the filter runs a default provider of its own: its algorithms then fetch
// what they use inside (a DRBG's or KDF's digest, a key generator's random bytes) from the check's
// context as well, and the process's default context — its name table, digests and random
// generators — is never built (~1.2 M instructions a check). Otherwise the filter shares the
// default context's default provider.
int filter_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in, const OSSL_DISPATCH **out,
                void **provctx) {
  if (ossl_default_provider_init) {
    if (!start_own_default(handle, in)) return 0;
  } else {
    RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
    if (!(g_inner.shared = OSSL_PROVIDER_load(nullptr, "default"))) return 0;
    g_inner.ctx = OSSL_PROVIDER_get0_provider_ctx(g_inner.shared);
  }
  g_filter.ops.fill([](int op) {
    int no_cache = 0;
    return g_inner.shared ? OSSL_PROVIDER_query_operation(g_inner.shared, op, &no_cache)
                          : g_inner.query(g_inner.ctx, op, &no_cache);
  });
  // The TLS groups and their parameters (TLS-GROUP) come from the default provider.
  g_filter.capabilities = [](const char *capability, OSSL_CALLBACK *cb, void *arg) {
    if (g_inner.shared) return OSSL_PROVIDER_get_capabilities(g_inner.shared, capability, cb, arg);
    return g_inner.capabilities(g_inner.ctx, capability, cb, arg);
  };
  if (g_inner.teardown) g_filter.teardown = [] { g_inner.teardown(g_inner.ctx); };
  *provctx = g_inner.ctx;
  *out = lean_dispatch<g_filter>();
  return 1;
}

OSSL_LIB_CTX *make_libctx() {
  crypto::openssl_init(OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS);
  OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
  if (!ctx) return nullptr;
  if (RAND_set_DRBG_type(ctx, "HASH-DRBG", nullptr, nullptr, "SHA256") != 1 ||
      OSSL_PROVIDER_add_builtin(ctx, "swarmctl-tls", filter_init) != 1 ||
      !OSSL_PROVIDER_load(ctx, "swarmctl-tls")) {
    OSSL_LIB_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

} // namespace

void tls_check_add_digests() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const EVP_MD *md : {EVP_sha1(), EVP_sha224(), EVP_sha256(), EVP_sha384(), EVP_sha512()})
      EVP_add_digest(md);
  });
}

OSSL_LIB_CTX *tls_check_libctx() {
  static std::once_flag once;
  static OSSL_LIB_CTX *ctx = nullptr;
  std::call_once(once, [] { ctx = make_libctx(); });
  return ctx;
}

} // namespace sc
