#pragma once
// Shared libraries loaded on first use. A library linked at start-up is mapped and relocated by
// every command, `swarmctl url` included; libssh, libcurl and libarchive, with their own
// dependency trees (Kerberos, GnuTLS, ICU...), are loaded only by the commands that use them.
// Their headers still come from the -dev packages, so types and signatures are checked at
// compile time; functions are resolved with dlsym from the library's SONAME.
#include <string>

namespace sc::dynlib {

struct Library {
  void *handle = nullptr;
  std::string error; // empty when loaded
};

// When a library's functions are bound: all at load (now), or each on its first call (lazy: a
// library with thousands of calls between its ~30 dependencies loads faster, libcurl's ~15%).
enum class Bind { now, lazy };

// dlopen(RTLD_LOCAL) of `soname`, or of $`env_override` when set (tests use it to check the error
// path). The error names the library and the Debian `package` to install. A loaded library is
// never unloaded.
Library open(const char *soname, const char *env_override, const char *package,
             Bind bind = Bind::now);

// The library `soname` if something already loaded it (a dependency of a loaded library), else
// a null handle; nothing is loaded.
void *find_loaded(const char *soname);

// The function `name` of `lib`. Entry points load their library (and stop on its error) before
// they call a function, so a missing one is a bug: it is reported and the process ends.
void *require(const Library &lib, const char *soname, const char *name);

} // namespace sc::dynlib

// Defines the C function `ret name params` as a forwarder to the loaded library's `name`,
// resolved once through `resolver<F>(const char *name)` and called with `args`. The signature is
// the library's own: one that differs from its header's declaration does not compile.
#define SC_DYNLIB_FORWARD(resolver, ret, name, params, args)                                       \
  ret name params {                                                                                \
    static const auto fn = resolver<decltype(&::name)>(#name);                                     \
    return fn args;                                                                                \
  }
