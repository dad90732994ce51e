#pragma once
// What `PROGRAM -v` and `PROGRAM version` print. The first line keeps docker-machine's format
// (`docker-machine version 0.16.2, build bd45ab13`), which scripts parse.
#include <string>

namespace sc {

// Written at build time (build/generated/build_info.cpp, cmake/build_info.cmake).
namespace build {
extern const char *const version;     // the project's version: "0.1.0"
extern const char *const commit;      // `git describe --always --dirty`, 8 hex digits
extern const char *const commit_full; // the full commit hash ("unknown" outside a checkout)
extern const char *const build_type;  // CMAKE_BUILD_TYPE
extern const char *const yaml_cpp;    // yaml-cpp's version (it has no run-time query)
} // namespace build

// "0.1.0, build 0123abcd" (docker-machine's FullVersion).
std::string version_string();
// "PROGRAM version 0.1.0, build 0123abcd\n".
std::string version_line(const std::string &program);
// version_line, then the commit, the compiler and each library's version, one per line.
std::string version_report(const std::string &program);

} // namespace sc
