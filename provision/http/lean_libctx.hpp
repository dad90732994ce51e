#pragma once
// A lean OpenSSL library context for short TLS clients. OpenSSL 3.0 builds every algorithm of an
// operation on the first fetch of any of them (all ~130 ciphers to use AES-GCM, every key decoder
// to read one PEM key) and copies its whole legacy name table into each library context: about
// 1 ms of a 3 ms handshake. A lean context sees the default provider through a filter that lists
// only what a TLS 1.2/1.3 client with EC or RSA certificates uses.
//
// The process may hold two copies of OpenSSL: the one linked into the binary (env's check,
// provision/dockerapi/tls_libctx.cpp) and the shared one libcurl loads (the engine API client,
// curl_ossl.hpp). Both filter with the lists below; the context here is made through a table of
// one copy's functions, for libcurl's.
#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <array>
#include <functional>
#include <string_view>
#include <vector>

namespace sc {

// Whether a lean context keeps the algorithm `names` ("NAME:ALIAS:OID...") of operation `op`:
// random generators, encoders and stores whole; AEAD record ciphers, handshake hashes and KDFs,
// (EC)DHE, ECDSA/RSA(-PSS) signatures, and the decoders of those keys (and the DER ones).
bool lean_algorithm(int op, std::string_view names);

// Whether a lean context offers the TLS group a TLS-GROUP capability describes: the elliptic
// curves of the key managers kept. libssl checks each group a provider announces by fetching its
// key manager, and a failed fetch formats an error: the finite-field groups alone cost ~0.25 M
// instructions a handshake. Reads the parameters as plain data (no OpenSSL call).
bool lean_group(const OSSL_PARAM params[]);

// An OSSL_CALLBACK for a provider's TLS-GROUP capabilities that passes only the lean groups on to
// `cb`: `sink` points to a LeanGroupSink.
struct LeanGroupSink {
  OSSL_CALLBACK *cb;
  void *arg;
};
int pass_lean_group(const OSSL_PARAM params[], void *sink);

// For a lean provider's get_capabilities: when `capability` is TLS-GROUP, `cb` and `arg` become
// pass_lean_group and `sink`, which holds the caller's.
void lean_capability(const char *capability, OSSL_CALLBACK *&cb, void *&arg, LeanGroupSink &sink);

// What a lean provider answers, per operation: the kept part of another provider's algorithms.
class LeanOps {
public:
  // Keeps, for every operation, what lean_algorithm keeps of `query(op)` (a provider's list).
  template <class Query> void fill(Query &&query) {
    for (int op = 1; op < static_cast<int>(m_ops.size()); ++op) {
      for (const OSSL_ALGORITHM *a = query(op); a && a->algorithm_names; ++a)
        if (lean_algorithm(op, a->algorithm_names)) m_ops[op].push_back(*a);
      m_ops[op].push_back(OSSL_ALGORITHM{nullptr, nullptr, nullptr, nullptr});
    }
  }
  // The provider's query_operation: null for an operation with nothing kept.
  const OSSL_ALGORITHM *answer(int op, int *no_cache) const;

private:
  std::array<std::vector<OSSL_ALGORITHM>, 64> m_ops;
};

// A lean provider's state: what it keeps of the inner provider, and the inner provider's
// capabilities and teardown (empty: nothing to tear down).
struct LeanFilter {
  LeanOps ops;
  std::function<int(const char *capability, OSSL_CALLBACK *cb, void *arg)> capabilities;
  std::function<void()> teardown;
};

// The dispatch table of the lean provider whose state is `F`: query_operation answers from
// F.ops, get_capabilities passes on the lean groups only (lean_capability), teardown tears the
// inner provider down. A global, because OpenSSL hands these functions the inner provider's
// context (the one the kept algorithms run with), not the filter's.
template <LeanFilter &F> const OSSL_DISPATCH *lean_dispatch() {
  using Fn = void (*)(void);
  static const OSSL_DISPATCH table[] = {
      {OSSL_FUNC_PROVIDER_QUERY_OPERATION,
       reinterpret_cast<Fn>(+[](void *, int op, int *no_cache) -> const OSSL_ALGORITHM * {
         return F.ops.answer(op, no_cache);
       })},
      {OSSL_FUNC_PROVIDER_GET_CAPABILITIES,
       reinterpret_cast<Fn>(+[](void *, const char *capability, OSSL_CALLBACK *cb, void *arg) {
         LeanGroupSink sink{};
         lean_capability(capability, cb, arg, sink);
         return F.capabilities(capability, cb, arg);
       })},
      {OSSL_FUNC_PROVIDER_TEARDOWN, reinterpret_cast<Fn>(+[](void *) {
         if (F.teardown) F.teardown();
       })},
      {0, nullptr}};
  return table;
}

// The functions a lean context is made with, from one copy of OpenSSL.
struct OsslApi {
  decltype(&::OPENSSL_init_ssl) init_ssl;
  decltype(&::EVP_add_digest) add_digest;
  decltype(&::EVP_sha1) sha1;
  decltype(&::EVP_sha224) sha224;
  decltype(&::EVP_sha256) sha256;
  decltype(&::EVP_sha384) sha384;
  decltype(&::EVP_sha512) sha512;
  decltype(&::RAND_set_DRBG_type) set_drbg_type;
  decltype(&::OSSL_PROVIDER_load) provider_load;
  decltype(&::OSSL_PROVIDER_query_operation) provider_query_operation;
  decltype(&::OSSL_PROVIDER_get_capabilities) provider_get_capabilities;
  decltype(&::OSSL_PROVIDER_get0_provider_ctx) provider_get0_provider_ctx;
  decltype(&::OSSL_PROVIDER_add_builtin) provider_add_builtin;
  decltype(&::OSSL_LIB_CTX_new) libctx_new;
  decltype(&::OSSL_LIB_CTX_free) libctx_free;
};

// Initialises that copy of OpenSSL for the process without the system openssl.cnf, the exit-time
// cleanup or the legacy cipher/digest name table (the SHA-1/SHA-2 digests certificate checks look
// up by id are registered), and makes its random generators HASH-DRBG (SHA-256) instead of
// CTR-DRBG, whose AES cipher would again build every cipher. Must come before anything else
// initialises that copy.
void lean_openssl_init(const OsslApi &api);

// A lean library context of that copy, over the default provider of its default context
// (lean_openssl_init is called first); null when OpenSSL refused a step (the caller then uses the
// default context). Once per process: the filter is one.
OSSL_LIB_CTX *make_lean_libctx(const OsslApi &api);

} // namespace sc
