#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <provision/http/lean_libctx.hpp>
#include <strings.h>

namespace sc {

bool lean_algorithm(int op, std::string_view names) {
  if (op == OSSL_OP_RAND || op == OSSL_OP_ENCODER || op == OSSL_OP_STORE) return true;
  static constexpr std::array<std::string_view, 20> k_keep = {
      "AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305",
      "SHA1",        "SHA2-224",    "SHA2-256",
      "SHA2-384",    "SHA2-512",    "HMAC",
      "HKDF",        "TLS13-KDF",   "TLS1-PRF",
      "EC",          "X25519",      "RSA",
      "RSA-PSS",     "ECDH",        "ECDSA",
      "X448",        "DER"};
  while (!names.empty()) {
    auto colon = names.find(':');
    auto name = names.substr(0, colon);
    for (auto k : k_keep)
      if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0)
        return true;
    names = colon == std::string_view::npos ? std::string_view{} : names.substr(colon + 1);
  }
  return false;
}

bool lean_group(const OSSL_PARAM params[]) {
  for (const OSSL_PARAM *p = params; p && p->key; ++p) {
    if (std::string_view(p->key) != OSSL_CAPABILITY_TLS_GROUP_NAME) continue;
    if (p->data_type != OSSL_PARAM_UTF8_STRING || !p->data) return false;
    std::string_view name(static_cast<const char *>(p->data), p->data_size);
    if (auto nul = name.find('\0'); nul != std::string_view::npos) name = name.substr(0, nul);
    for (std::string_view k :
         {"x25519", "x448", "secp256r1", "P-256", "secp384r1", "P-384", "secp521r1", "P-521"})
      if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0)
        return true;
    return false;
  }
  return false;
}

int pass_lean_group(const OSSL_PARAM params[], void *sink) {
  auto *s = static_cast<LeanGroupSink *>(sink);
  return lean_group(params) ? s->cb(params, s->arg) : 1;
}

void lean_capability(const char *capability, OSSL_CALLBACK *&cb, void *&arg, LeanGroupSink &sink) {
  if (::strcasecmp(capability, "TLS-GROUP") != 0) return;
  sink = {cb, arg};
  cb = pass_lean_group;
  arg = &sink;
}

const OSSL_ALGORITHM *LeanOps::answer(int op, int *no_cache) const {
  *no_cache = 0;
  if (op <= 0 || op >= static_cast<int>(m_ops.size()) || m_ops[op].size() < 2) return nullptr;
  return m_ops[op].data();
}

namespace {

const OsslApi *g_api = nullptr;
OSSL_PROVIDER *g_inner = nullptr; // the default provider, in the default library context
LeanFilter g_filter;

// The filter shares the default provider's context: its algorithms run as the default
// provider's, fetching what they use inside (a DRBG's digest, a KDF's hash) from its context.
int filter_init(const OSSL_CORE_HANDLE *, const OSSL_DISPATCH *, const OSSL_DISPATCH **out,
                void **provctx) {
  *provctx = g_api->provider_get0_provider_ctx(g_inner);
  *out = lean_dispatch<g_filter>();
  return 1;
}

} // namespace

void lean_openssl_init(const OsslApi &a) {
  a.init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT |
                 OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
             nullptr);
  // Certificate signatures name their digest by a legacy id (X509_verify_cert looks it up).
  for (const EVP_MD *md : {a.sha1(), a.sha224(), a.sha256(), a.sha384(), a.sha512()})
    a.add_digest(md);
  a.set_drbg_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
}

OSSL_LIB_CTX *make_lean_libctx(const OsslApi &a) {
  lean_openssl_init(a);
  g_api = &a;
  g_inner = a.provider_load(nullptr, "default");
  if (!g_inner) return nullptr;
  g_filter.ops.fill([&](int op) {
    int no_cache = 0;
    return a.provider_query_operation(g_inner, op, &no_cache);
  });
  // The TLS groups and their parameters (TLS-GROUP) come from the default provider.
  g_filter.capabilities = [](const char *capability, OSSL_CALLBACK *cb, void *arg) {
    return g_api->provider_get_capabilities(g_inner, capability, cb, arg);
  };
  OSSL_LIB_CTX *ctx = a.libctx_new();
  if (!ctx) return nullptr;
  if (a.set_drbg_type(ctx, "HASH-DRBG", nullptr, nullptr, "SHA256") != 1 ||
      a.provider_add_builtin(ctx, "swarmctl-tls-curl", filter_init) != 1 ||
      !a.provider_load(ctx, "swarmctl-tls-curl")) {
    a.libctx_free(ctx);
    return nullptr;
  }
  return ctx;
}

} // namespace sc
