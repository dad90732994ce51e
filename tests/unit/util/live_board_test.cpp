// The TTY renderers: the live board of `up` and the byte-transfer line, written to a real
// pseudo-terminal and read back from its master side.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <provision/util/live_board.hpp>
#include <provision/util/ui.hpp>
#include <string>

using namespace sc;

namespace {
struct Pty {
  int master = -1, slave = -1;
  std::FILE *out = nullptr;
  Pty() {
    winsize ws{};
    ws.ws_col = 60;
    ws.ws_row = 24;
    REQUIRE(openpty(&master, &slave, nullptr, nullptr, &ws) == 0);
    out = fdopen(slave, "w");
  }
  ~Pty() {
    if (out) std::fclose(out);
    ::close(master);
  }
  // Everything written so far (the terminal echoes nothing: output only).
  std::string drain() {
    std::string s;
    char buf[4096];
    pollfd p{master, POLLIN, 0};
    while (::poll(&p, 1, 50) > 0) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      s.append(buf, static_cast<size_t>(n));
    }
    return s;
  }
};
} // namespace

TEST_CASE("live board: a row shows its step and elapsed time, then its final text") {
  using namespace std::chrono;
  LiveBoard::Row r{"(node1) ", "Installing Docker", "", "", steady_clock::now(), true, 0};
  auto line = LiveBoard::render(r, r.start + milliseconds(12345), 80);
  CHECK(line == "(node1) Installing Docker... 12.3s");
  r.detail = "1.0 MiB / 2.0 MiB, 1.0 MiB/s";
  CHECK(LiveBoard::render(r, r.start, 80) ==
        "(node1) Installing Docker... 0.0s  1.0 MiB / 2.0 MiB, 1.0 MiB/s");
  CHECK(LiveBoard::render(r, r.start, 20).size() == 19); // never wraps
  r.final_text = "created and provisioned in 4.2s";
  CHECK(LiveBoard::render(r, r.start, 80) == "(node1) created and provisioned in 4.2s");
}

TEST_CASE("live board: rows rewritten in place on a pseudo-terminal, other output above") {
  Pty t;
  std::mutex mu;
  {
    LiveBoard b(t.out, mu, {"(a) ", "(b) "});
    b.step("(a) ", "Creating machine");
    b.step("(b) ", "Waiting for SSH to be available");
    {
      std::lock_guard lk(mu);
      b.print_above_locked("a message\n");
    }
    b.finish("(a) ", "created and provisioned in 1.0s");
  }
  std::string s = t.drain();
  CHECK(s.find("\r\033[2K(a) waiting\r\n") != std::string::npos); // first draw, both rows
  CHECK(s.find("\033[2A") != std::string::npos);                  // back up over 2 rows
  CHECK(s.find("(a) Creating machine... 0.") != std::string::npos);
  CHECK(s.find("(b) Waiting for SSH to be available... ") != std::string::npos);
  CHECK(s.find("\033[Ja message\r\n") != std::string::npos); // cleared, printed, redrawn below
  auto last_a = s.rfind("(a) ");
  CHECK(s.compare(last_a, 35, "(a) created and provisioned in 1.0s") == 0);
}

TEST_CASE("transfer: bytes and rate on a TTY, one line rewritten; nothing off a TTY") {
  CHECK(Ui::Transfer::text(3 * 1024 * 1024, 12 * 1024 * 1024, 2.0) ==
        "3.0 MiB / 12.0 MiB, 1.5 MiB/s");
  CHECK(Ui::Transfer::text(1024 * 1024, 0, 0.5) == "1.0 MiB, 2.0 MiB/s");
  Pty t;
  Ui ui(t.out, t.out);
  CHECK(ui.tty);
  {
    Ui::Transfer x(ui, "Loading busybox.tar", "(n1) ", 4 * 1024 * 1024);
    x.update(1024 * 1024);
    x.update(4 * 1024 * 1024); // 100% is always drawn
  }
  std::string s = t.drain();
  CHECK(s.find("\r\033[2K(n1) Loading busybox.tar: 1.0 MiB / 4.0 MiB, ") != std::string::npos);
  CHECK(s.find("\r\033[2K(n1) Loading busybox.tar: 4.0 MiB / 4.0 MiB, ") != std::string::npos);
  CHECK(s.back() == '\n');

  std::FILE *file = std::tmpfile();
  Ui plain(file, file);
  CHECK_FALSE(plain.tty);
  {
    Ui::Transfer x(plain, "Loading busybox.tar", "", 100);
    x.update(50);
    x.update(100);
  }
  CHECK(std::ftell(file) == 0);
  std::fclose(file);
}

TEST_CASE("transfer: on the live board, a stream of updates redraws its row a few times only") {
  Pty t;
  Ui ui(t.out, t.out);
  {
    LiveBoard b(t.out, ui.mutex(), {"(n1) "});
    ui.board = &b;
    Ui::Transfer x(ui, "Loading busybox.tar", "(n1) ", 100 * 1024 * 1024);
    for (int i = 1; i <= 500; ++i) // 64 KiB chunks, as the SSH channel writes them
      x.update(static_cast<std::uint64_t>(i) * 65536);
    ui.board = nullptr;
  }
  std::string s = t.drain();
  size_t rows = 0;
  for (size_t pos = 0; (pos = s.find("MiB/s", pos)) != std::string::npos; ++pos)
    ++rows;
  CHECK(rows >= 1);
  CHECK(rows <= 6); // throttled to one redraw per 100 ms (plus the board's own 250 ms ticks)
}
