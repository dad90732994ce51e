#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <provision/util/failpoint.hpp>

namespace sc {

void failpoint(const char *point) {
  static std::atomic<bool> hit{false}; // once: the test decides what happens next
  const char *want = std::getenv("SWARMCTL_FAILPOINT");
  if (want && std::strcmp(want, point) == 0 && !hit.exchange(true)) ::raise(SIGSTOP);
}

} // namespace sc
