#include <fmt/format.h>
#include <mutex>
#include <provision/http/curl_api.hpp>
#include <provision/http/curl_ossl.hpp>
#include <provision/util/dynlib.hpp>

namespace sc::curl {
namespace {

struct Loaded {
  Api api{};
  std::string error; // empty when loaded
};

template <class F> void resolve(const dynlib::Library &lib, const char *name, F &out) {
  out = reinterpret_cast<F>(dynlib::require(lib, k_soname, name));
}

Loaded load() {
  Loaded l;
  auto lib = dynlib::open(k_soname, "SWARMCTL_LIBCURL", "libcurl4", dynlib::Bind::lazy);
  if (!lib.error.empty()) {
    l.error = lib.error;
    return l;
  }
  Api &a = l.api;
  resolve(lib, "curl_global_init", a.global_init);
  resolve(lib, "curl_easy_init", a.easy_init);
  resolve(lib, "curl_easy_setopt", a.easy_setopt);
  resolve(lib, "curl_easy_perform", a.easy_perform);
  resolve(lib, "curl_easy_getinfo", a.easy_getinfo);
  resolve(lib, "curl_easy_strerror", a.easy_strerror);
  resolve(lib, "curl_easy_cleanup", a.easy_cleanup);
  resolve(lib, "curl_easy_reset", a.easy_reset);
  resolve(lib, "curl_slist_append", a.slist_append);
  resolve(lib, "curl_slist_free_all", a.slist_free_all);
  resolve(lib, "curl_version_info", a.version_info);
  // Before curl_global_init initialises OpenSSL its own way (openssl.cnf included).
  prepare_openssl(a.version_info(CURLVERSION_NOW));
  if (CURLcode rc = a.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK)
    l.error = fmt::format("curl_global_init failed: {}", a.easy_strerror(rc));
  return l;
}

const Loaded &loaded() {
  static const Loaded l = load(); // thread-safe initialisation, once per process
  return l;
}

} // namespace

Result<const Api *> api() {
  const Loaded &l = loaded();
  if (!l.error.empty()) return fail(Errc::generic, l.error);
  return &l.api;
}

void EasyDeleter::operator()(CURL *h) const noexcept {
  if (h) loaded().api.easy_cleanup(h);
}

void SlistDeleter::operator()(curl_slist *l) const noexcept {
  if (l) loaded().api.slist_free_all(l);
}

} // namespace sc::curl
