#include <dlfcn.h>

#include <cstring>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <provision/http/curl_ossl.hpp>
#include <provision/http/lean_libctx.hpp>
#include <provision/util/dynlib.hpp>
#include <provision/util/fs.hpp>

namespace sc::curl {
namespace {

// libcurl's copy of OpenSSL: what makes its lean context, and what builds and shares the client's
// TLS files.
struct Ssl {
  decltype(&::OSSL_LIB_CTX_set0_default) set0_default;
  decltype(&::SSL_CTX_up_ref) ctx_up_ref;
  decltype(&::SSL_CTX_load_verify_locations) load_verify_locations;
  decltype(&::SSL_CTX_use_certificate_chain_file) use_chain_file;
  decltype(&::SSL_CTX_use_PrivateKey_file) use_key_file;
  decltype(&::SSL_CTX_get_cert_store) get_cert_store;
  decltype(&::SSL_CTX_set_cert_store) set_cert_store;
  decltype(&::X509_STORE_up_ref) store_up_ref;
  decltype(&::SSL_CTX_get0_certificate) get0_certificate;
  decltype(&::SSL_CTX_get0_privatekey) get0_privatekey;
  decltype(&::SSL_CTX_use_certificate) use_certificate;
  decltype(&::SSL_CTX_use_PrivateKey) use_key;
  decltype(&::SSL_CTX_ctrl) ctrl;
};

struct Shared {
  OsslApi api{};
  Ssl ssl{};
  bool ready = false;           // every function found
  OSSL_LIB_CTX *lean = nullptr; // null: OpenSSL's default context
  std::mutex mu;
  std::map<std::string, SSL_CTX *> parsed; // by the files' bytes; kept to the end
};
Shared g;

template <class F> bool resolve(void *lib, const char *name, F &out) {
  out = reinterpret_cast<F>(::dlsym(lib, name));
  return out != nullptr;
}

bool resolve_all(void *lib) {
  OsslApi &a = g.api;
  Ssl &s = g.ssl;
  return resolve(lib, "OPENSSL_init_ssl", a.init_ssl) &&
         resolve(lib, "EVP_add_digest", a.add_digest) && resolve(lib, "EVP_sha1", a.sha1) &&
         resolve(lib, "EVP_sha224", a.sha224) && resolve(lib, "EVP_sha256", a.sha256) &&
         resolve(lib, "EVP_sha384", a.sha384) && resolve(lib, "EVP_sha512", a.sha512) &&
         resolve(lib, "RAND_set_DRBG_type", a.set_drbg_type) &&
         resolve(lib, "OSSL_PROVIDER_load", a.provider_load) &&
         resolve(lib, "OSSL_PROVIDER_query_operation", a.provider_query_operation) &&
         resolve(lib, "OSSL_PROVIDER_get_capabilities", a.provider_get_capabilities) &&
         resolve(lib, "OSSL_PROVIDER_get0_provider_ctx", a.provider_get0_provider_ctx) &&
         resolve(lib, "OSSL_PROVIDER_add_builtin", a.provider_add_builtin) &&
         resolve(lib, "OSSL_LIB_CTX_new", a.libctx_new) &&
         resolve(lib, "OSSL_LIB_CTX_free", a.libctx_free) &&
         resolve(lib, "OSSL_LIB_CTX_set0_default", s.set0_default) &&
         resolve(lib, "SSL_CTX_up_ref", s.ctx_up_ref) &&
         resolve(lib, "SSL_CTX_load_verify_locations", s.load_verify_locations) &&
         resolve(lib, "SSL_CTX_use_certificate_chain_file", s.use_chain_file) &&
         resolve(lib, "SSL_CTX_use_PrivateKey_file", s.use_key_file) &&
         resolve(lib, "SSL_CTX_get_cert_store", s.get_cert_store) &&
         resolve(lib, "SSL_CTX_set_cert_store", s.set_cert_store) &&
         resolve(lib, "X509_STORE_up_ref", s.store_up_ref) &&
         resolve(lib, "SSL_CTX_get0_certificate", s.get0_certificate) &&
         resolve(lib, "SSL_CTX_get0_privatekey", s.get0_privatekey) &&
         resolve(lib, "SSL_CTX_use_certificate", s.use_certificate) &&
         resolve(lib, "SSL_CTX_use_PrivateKey", s.use_key) && resolve(lib, "SSL_CTX_ctrl", s.ctrl);
}

// The three files' bytes: machines of a store hold copies of the same files, which are then
// parsed once for all. Empty when one cannot be read (the load below says which).
std::string contents(const HttpClientTls &tls) {
  std::string all;
  for (const auto *p : {&tls.ca, &tls.cert, &tls.key}) {
    auto text = read_file(*p, 1 << 20);
    if (!text) return {};
    all += fmt::format("{}:{}", text->size(), *text);
  }
  return all;
}

// The SSL_CTX holding the parsed files: an earlier connection's (kept), or `ctx` itself, loaded
// now. Else the failure's libcurl code.
CURLcode parsed(const HttpClientTls &tls, SSL_CTX *ctx, SSL_CTX *&out) {
  const Ssl &s = g.ssl;
  std::string key = contents(tls);
  std::lock_guard lk(g.mu);
  if (auto it = g.parsed.find(key); !key.empty() && it != g.parsed.end()) {
    out = it->second;
    return CURLE_OK;
  }
  if (s.load_verify_locations(ctx, tls.ca.c_str(), nullptr) != 1) return CURLE_SSL_CACERT_BADFILE;
  if (s.use_chain_file(ctx, tls.cert.c_str()) != 1 ||
      s.use_key_file(ctx, tls.key.c_str(), SSL_FILETYPE_PEM) != 1)
    return CURLE_SSL_CERTPROBLEM;
  out = ctx;
  if (!key.empty() && s.ctx_up_ref(ctx) == 1) g.parsed.emplace(key, ctx);
  return CURLE_OK;
}

// CURLOPT_SSL_CTX_FUNCTION: the CA store, certificate, chain and key of the parsed files, shared
// (reference-counted) with the SSL_CTX libcurl made for this connection.
CURLcode share_files(CURL *, void *sslctx, void *user) {
  const Ssl &s = g.ssl;
  auto *ctx = static_cast<SSL_CTX *>(sslctx);
  SSL_CTX *from = nullptr;
  if (CURLcode rc = parsed(*static_cast<const HttpClientTls *>(user), ctx, from); rc != CURLE_OK)
    return rc;
  if (from == ctx) return CURLE_OK;
  X509_STORE *store = s.get_cert_store(from);
  if (s.store_up_ref(store) != 1) return CURLE_OUT_OF_MEMORY;
  s.set_cert_store(ctx, store); // ours now; libcurl's empty one is freed
  STACK_OF(X509) *chain = nullptr;
  s.ctrl(from, SSL_CTRL_GET_CHAIN_CERTS, 0, &chain);
  if (s.use_certificate(ctx, s.get0_certificate(from)) != 1 ||
      s.use_key(ctx, s.get0_privatekey(from)) != 1 ||
      (chain && s.ctrl(ctx, SSL_CTRL_CHAIN, 1, chain) != 1))
    return CURLE_SSL_CERTPROBLEM;
  return CURLE_OK;
}

} // namespace

void prepare_openssl(const curl_version_info_data *info) {
  // Only OpenSSL 3's libssl.so.3, which libcurl then has loaded as a dependency.
  if (!info || !info->ssl_version || std::strncmp(info->ssl_version, "OpenSSL/3.", 10) != 0) return;
  void *lib = dynlib::find_loaded("libssl.so.3");
  if (!lib || !resolve_all(lib)) return;
  g.ready = true;
  g.lean = make_lean_libctx(g.api);
}

bool use_client_files(CURL *c, const HttpClientTls &tls, decltype(&::curl_easy_setopt) setopt) {
  if (!g.ready) return false;
  // No file for libcurl to read: the system's CA file and directory (its defaults) stay unused.
  setopt(c, CURLOPT_CAINFO, nullptr);
  setopt(c, CURLOPT_CAPATH, nullptr);
  setopt(c, CURLOPT_SSL_CTX_FUNCTION, share_files);
  setopt(c, CURLOPT_SSL_CTX_DATA, &tls);
  return true;
}

LeanScope::LeanScope() {
  if (!g.lean) return;
  m_previous = g.ssl.set0_default(g.lean);
  m_set = true;
}

LeanScope::~LeanScope() {
  if (m_set) g.ssl.set0_default(static_cast<OSSL_LIB_CTX *>(m_previous));
}

} // namespace sc::curl
