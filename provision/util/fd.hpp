#pragma once
// A file descriptor with one owner: closed when the owner goes (error paths included), moved,
// never copied. Raw descriptors stay only where ownership cannot be held: between fork and exec
// (async-signal-safe code, see run_process) and across C callbacks.
#include <provision/util/result.hpp>
#include <utility>

namespace sc {

class Fd {
public:
  Fd() noexcept = default;
  explicit Fd(int fd) noexcept : m_fd(fd) {}
  Fd(Fd &&o) noexcept : m_fd(o.release()) {}
  Fd &operator=(Fd &&o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd() { reset(); }

  int get() const noexcept { return m_fd; }
  bool valid() const noexcept { return m_fd >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  // Gives the descriptor up without closing it: the caller owns it.
  [[nodiscard]] int release() noexcept { return std::exchange(m_fd, -1); }
  // Closes the current descriptor (if any) and owns `fd` instead.
  void reset(int fd = -1) noexcept;
  // Closes now and returns close(2)'s result (0, or -1 with errno): for files whose last write
  // error only close reports. Invalid afterwards either way.
  int close() noexcept;

private:
  int m_fd = -1;
};

// Both ends of a pipe, each owned.
struct FdPair {
  Fd read;
  Fd write;
};

// pipe2(2) with `flags` (O_CLOEXEC by default: a child started meanwhile by another thread does
// not inherit the ends). Errc::io on failure, nothing left open.
Result<FdPair> make_pipe(int flags = -1);

} // namespace sc
