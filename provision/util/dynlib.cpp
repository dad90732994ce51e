#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <provision/util/dynlib.hpp>

namespace sc::dynlib {

Library open(const char *soname, const char *env_override, const char *package, Bind bind) {
  Library l;
  const char *env = env_override ? std::getenv(env_override) : nullptr;
  const char *name = env && *env ? env : soname;
  // RTLD_LOCAL: the library's own dependencies stay out of the global namespace.
  l.handle = ::dlopen(name, (bind == Bind::lazy ? RTLD_LAZY : RTLD_NOW) | RTLD_LOCAL);
  if (!l.handle) {
    const char *why = ::dlerror();
    l.error = fmt::format("cannot load {} ({}); install it with: apt-get install {}", name,
                          why ? why : "unknown error", package);
  }
  return l;
}

void *find_loaded(const char *soname) {
  return ::dlopen(soname, RTLD_NOLOAD | RTLD_LAZY | RTLD_LOCAL);
}

void *require(const Library &lib, const char *soname, const char *name) {
  void *sym = lib.error.empty() && lib.handle ? ::dlsym(lib.handle, name) : nullptr;
  if (!sym) {
    std::fprintf(stderr, "swarmctl: %s function %s unavailable: %s\n", soname, name,
                 lib.error.empty() ? "missing symbol" : lib.error.c_str());
    std::abort();
  }
  return sym;
}

} // namespace sc::dynlib
