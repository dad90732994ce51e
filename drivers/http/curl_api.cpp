#include <dlfcn.h>

#include <cstdlib>
#include <drivers/http/curl_api.hpp>
#include <fmt/format.h>
#include <mutex>

namespace sc::curl {
namespace {

struct Loaded {
  Api api{};
  std::string error; // empty when loaded
};

template <class F> bool resolve(void *lib, const char *name, F &out, std::string &error) {
  void *sym = ::dlsym(lib, name);
  if (!sym) {
    if (error.empty()) error = fmt::format("{} has no symbol {}", k_soname, name);
    return false;
  }
  out = reinterpret_cast<F>(sym);
  return true;
}

Loaded load() {
  Loaded l;
  const char *env = std::getenv("SWARMCTL_LIBCURL");
  const char *soname = env && *env ? env : k_soname;
  // RTLD_LOCAL: libcurl's own dependencies stay out of the global namespace. Never unloaded.
  void *lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = ::dlerror();
    l.error = fmt::format("cannot load {} ({}); install it with: apt-get install libcurl4", soname,
                          why ? why : "unknown error");
    return l;
  }
  Api &a = l.api;
  bool ok = resolve(lib, "curl_global_init", a.global_init, l.error) &&
            resolve(lib, "curl_easy_init", a.easy_init, l.error) &&
            resolve(lib, "curl_easy_setopt", a.easy_setopt, l.error) &&
            resolve(lib, "curl_easy_perform", a.easy_perform, l.error) &&
            resolve(lib, "curl_easy_getinfo", a.easy_getinfo, l.error) &&
            resolve(lib, "curl_easy_strerror", a.easy_strerror, l.error) &&
            resolve(lib, "curl_easy_cleanup", a.easy_cleanup, l.error) &&
            resolve(lib, "curl_slist_append", a.slist_append, l.error) &&
            resolve(lib, "curl_slist_free_all", a.slist_free_all, l.error);
  if (!ok) return l;
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
