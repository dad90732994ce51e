#pragma once
// Polling with a deadline instead of fixed sleeps: retries quickly at first, then backs off.
#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <provision/util/result.hpp>
#include <thread>

namespace sc {

// Calls f() (returning Result<T> or Status) until it succeeds or `timeout` elapses. The wait
// between tries starts at `first` and doubles up to `max_interval`. On timeout the last error is
// returned with code Errc::timeout and the message "<what>: timed out after N s: <last error>".
template <class F>
auto poll_until(std::string_view what, std::chrono::milliseconds timeout, F &&f,
                std::chrono::milliseconds first = std::chrono::milliseconds(50),
                std::chrono::milliseconds max_interval = std::chrono::milliseconds(1000))
    -> decltype(f()) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto interval = first;
  for (;;) {
    auto r = f();
    if (r) return r;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return fail(Errc::timeout, fmt::format("{}: timed out after {:.0f} s: {}", what,
                                             timeout.count() / 1000.0, r.error().message));
    std::this_thread::sleep_for(
        std::min(interval, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)));
    interval = std::min(interval * 2, max_interval);
  }
}

} // namespace sc
