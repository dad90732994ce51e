// StdinFeed: a command's stdin in chunks, from RunOptions::stdin_data or a reader (an image
// archive streamed from its file). Partial sends keep the rest pending; progress counts what was
// sent; a reader's error is the command's; a reader's input is never held whole.
#include <sys/resource.h>

#include <algorithm>
#include <cstring>
#include <doctest/doctest.h>
#include <provision/ssh/runner.hpp>
#include <string>
#include <vector>

using namespace sc;

namespace {
// Sends everything pending, `step` bytes at a time at most (a channel taking part of a chunk).
std::string send_all(StdinFeed &f, std::size_t step) {
  std::string out;
  for (;;) {
    auto p = f.pending();
    REQUIRE(p);
    if (p->empty()) return out;
    auto n = std::min(step, p->size());
    out.append(p->data(), n);
    f.sent(n);
  }
}
} // namespace

TEST_CASE("StdinFeed: stdin_data in chunks of at most 64 KiB, partial sends resumed") {
  RunOptions o;
  o.stdin_data = std::string(200000, 'a') + "end";
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  o.stdin_progress = [&](std::size_t sent, std::size_t total) {
    progress.emplace_back(sent, total);
  };
  StdinFeed f(o);
  auto first = f.pending();
  REQUIRE(first);
  CHECK(first->size() == 65536);
  CHECK(send_all(f, 50000) == o.stdin_data);
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back() == std::make_pair(o.stdin_data.size(), o.stdin_data.size()));
}

TEST_CASE("StdinFeed: a reader's bytes in order, its size for progress, its error") {
  std::string src;
  for (int i = 0; i < 100000; ++i)
    src += static_cast<char>('a' + i % 26);
  std::size_t off = 0;
  RunOptions o;
  o.stdin_reader = [&](char *buf, std::size_t cap) -> Result<std::size_t> {
    std::size_t n = std::min<std::size_t>({cap, 7000, src.size() - off}); // short reads
    std::memcpy(buf, src.data() + off, n);
    off += n;
    return n;
  };
  o.stdin_size = src.size();
  std::size_t last_sent = 0, last_total = 0;
  o.stdin_progress = [&](std::size_t sent, std::size_t total) {
    last_sent = sent;
    last_total = total;
  };
  StdinFeed f(o);
  CHECK(send_all(f, 3000) == src);
  CHECK(last_sent == src.size());
  CHECK(last_total == src.size());

  RunOptions bad;
  bad.stdin_reader = [](char *, std::size_t) -> Result<std::size_t> {
    return fail(Errc::io, "read img.tar: Input/output error");
  };
  StdinFeed g(bad);
  auto p = g.pending();
  REQUIRE_FALSE(p);
  CHECK(p.error().message == "read img.tar: Input/output error");
}

TEST_CASE("StdinFeed: 1 GiB from a reader in bounded memory (max RSS bound)") {
  const std::size_t total = std::size_t(1) << 30;
  std::size_t given = 0;
  RunOptions o;
  o.stdin_reader = [&](char *buf, std::size_t cap) -> Result<std::size_t> {
    std::size_t n = std::min(cap, total - given);
    std::memset(buf, 'z', n);
    given += n;
    return n;
  };
  o.stdin_size = total;
  rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  StdinFeed f(o);
  std::size_t sent = 0;
  for (;;) {
    auto p = f.pending();
    REQUIRE(p);
    if (p->empty()) break;
    sent += p->size();
    f.sent(p->size());
  }
  ::getrusage(RUSAGE_SELF, &after);
  CHECK(sent == total);
  CHECK(after.ru_maxrss - before.ru_maxrss < 16 * 1024); // KiB: far less than the 1 GiB sent
}
