#pragma once
// Error handling for product code: no exceptions, every fallible call returns Result<T>.
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace sc {

enum class Errc {
  generic = 1,
  usage,     // bad command line or input (exit 1, like any error: docker-machine's codes)
  precreate, // a pre-create check failed (exit 3)
  not_found, // machine, file, remote object missing
  already_exists,
  timeout,
  unreachable, // network: connection refused, no route, DNS
  auth,        // SSH/AWS authentication failed
  host_key_changed,
  remote_failed, // a remote command exited non-zero
  parse,
  unsupported,
  io,
};

struct Error {
  Errc code = Errc::generic;
  std::string message;

  // Prefixes context: Error{..., "apt-get exited 100"}.context("install docker") gives
  // "install docker: apt-get exited 100".
  [[nodiscard]] Error context(std::string_view ctx) const {
    return Error{code, std::string(ctx) + ": " + message};
  }
};

template <class T> using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}
inline tl::unexpected<Error> fail(Error e) {
  return tl::unexpected<Error>(std::move(e));
}

inline Status ok() {
  return {};
}

// Exit code for the CLI, docker-machine's: 3 when a pre-create check failed, 1 for any other
// error (usage errors included; scripts test `$? -eq 1`).
inline int exit_code_for(const Error &e) {
  return e.code == Errc::precreate ? 3 : 1;
}

} // namespace sc

// Propagates an error from an expression returning Result/Status, adding no context.
#define SC_TRY(expr)                                                                               \
  do {                                                                                             \
    auto &&sc_try_r_ = (expr);                                                                     \
    if (!sc_try_r_) return ::sc::fail(std::move(sc_try_r_).error());                               \
  } while (0)

// Same, with a context prefix.
#define SC_TRY_CTX(expr, ctx)                                                                      \
  do {                                                                                             \
    auto &&sc_try_r_ = (expr);                                                                     \
    if (!sc_try_r_) return ::sc::fail(std::move(sc_try_r_).error().context(ctx));                  \
  } while (0)
