#pragma once
// libcurl, loaded when first needed: by the commands that speak HTTP (the EC2 driver, the
// VirtualBox ISO download, the Docker engine API client of `ls`, `version NAME`, create and up).
// Linking libcurl into the binary made every command — `swarmctl ip`, `ls -q`, `env` — map
// libcurl and its ~20 dependencies (GnuTLS, LDAP, Kerberos, nghttp2...) at start-up, about 60% of
// a short command's wall time. The header still comes from libcurl's -dev package (found by
// CMake), so types and constants are checked at compile time; the functions are resolved with
// dlopen/dlsym from the library's SONAME.
#include <curl/curl.h>

#include <provision/util/result.hpp>

namespace sc::curl {

struct Api {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_version_info) version_info;
};

// The library's SONAME; SWARMCTL_LIBCURL overrides it (tests use that to check the error path).
inline constexpr const char *k_soname = "libcurl.so.4";

// Loads libcurl and runs curl_global_init once per process (thread-safe). The error names the
// library and the Debian package that provides it.
Result<const Api *> api();

struct EasyDeleter {
  void operator()(CURL *h) const noexcept;
};
struct SlistDeleter {
  void operator()(curl_slist *l) const noexcept;
};

} // namespace sc::curl
