#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <provision/util/fd.hpp>

namespace sc {

void Fd::reset(int fd) noexcept {
  int old = std::exchange(m_fd, fd);
  // EINTR: Linux has released the descriptor already; closing again could hit a reused number.
  if (old >= 0 && old != fd) ::close(old);
}

int Fd::close() noexcept {
  int fd = release();
  return fd >= 0 ? ::close(fd) : 0;
}

Result<FdPair> make_pipe(int flags) {
  int p[2] = {-1, -1};
  if (::pipe2(p, flags < 0 ? O_CLOEXEC : flags) != 0)
    return fail(Errc::io, fmt::format("pipe: {}", std::strerror(errno)));
  return FdPair{Fd(p[0]), Fd(p[1])};
}

} // namespace sc
