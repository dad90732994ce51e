#include <signal.h>

#include <cerrno>
#include <provision/util/sigpipe.hpp>

namespace sc {

void ignore_sigpipe() noexcept {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, nullptr);
}

void exit_if_broken_pipe(int err) noexcept {
  if (err != EPIPE) return;
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, nullptr);
  // A thread-directed signal: this thread dies with the process, whatever other threads block.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_UNBLOCK, &pipe_only, nullptr);
  raise(SIGPIPE);
}

void write_stream(std::FILE *f, std::string_view s) noexcept {
  errno = 0;
  bool ok = std::fwrite(s.data(), 1, s.size(), f) == s.size();
  ok = std::fflush(f) == 0 && ok;
  if (!ok) {
    exit_if_broken_pipe(errno);
    std::clearerr(f); // a later write may succeed (a full disk freed)
  }
}

} // namespace sc
