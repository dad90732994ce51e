#pragma once
// libssh, loaded when first needed (like libcurl, provision/http/curl_api.hpp). Linked at start-up,
// libssh and what it pulls in (libcrypto, GSSAPI/Kerberos: six libraries) cost every command —
// `swarmctl url`, `env`, `ls -q` — most of its start-up time, though only commands that open an
// SSH session or make a key use it. The code calls libssh's functions as usual: this component
// defines each function swarmctl uses (provision/ssh/libssh_api.cpp) and forwards it to the
// library's, resolved with dlopen/dlsym from its SONAME.
#include <provision/util/result.hpp>

namespace sc::libssh {

// The library's SONAME; SWARMCTL_LIBSSH overrides it (tests use that to check the error path).
inline constexpr const char *k_soname = "libssh.so.4";

// Loads libssh and runs ssh_init once per process (thread-safe). Call before any ssh_* function;
// the error names the library and the Debian package that provides it.
Status load();

} // namespace sc::libssh
