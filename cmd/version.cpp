#include <CLI/Version.hpp>
#include <archive.h>
#include <cmd/version.hpp>
#include <curl/curlver.h>
#include <fmt/format.h>
#include <libssh/libssh.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

namespace sc {

std::string version_string() {
  return fmt::format("{}, build {}", build::version, build::commit);
}

std::string version_line(const std::string &program) {
  return fmt::format("{} version {}\n", program, version_string());
}

std::string version_report(const std::string &program) {
  std::string compiler;
#if defined(__clang__)
  compiler = fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  compiler = fmt::format("GCC {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#endif
  // Libraries linked into the binary report their run-time version; header-only ones and
  // yaml-cpp the version built against. libssh, libarchive and libcurl are loaded on first use
  // (loading them here cost `version` ~5 ms): the headers' versions, said so.
  const std::pair<const char *, std::string> rows[] = {
      {"Git commit", build::commit_full},
      {"Built", fmt::format("{}, {}, C++{}", build::build_type, compiler, __cplusplus / 100 % 100)},
      {"libssh", fmt::format("{}.{}.{} (headers; loaded when first needed)", LIBSSH_VERSION_MAJOR,
                             LIBSSH_VERSION_MINOR, LIBSSH_VERSION_MICRO)},
      {"libarchive",
       fmt::format("{} (headers; loaded when first needed)", ARCHIVE_VERSION_ONLY_STRING)},
      {"OpenSSL", OpenSSL_version(OPENSSL_VERSION)},
      {"yaml-cpp", build::yaml_cpp},
      {"CLI11", CLI11_VERSION},
      {"fmt",
       fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                    NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
      {"libcurl", fmt::format("{} (headers; loaded when first needed)", LIBCURL_VERSION)},
  };
  std::string out = version_line(program);
  for (const auto &[k, v] : rows)
    out += fmt::format("{:<15}{}\n", std::string(k) + ":", v);
  return out;
}

} // namespace sc
