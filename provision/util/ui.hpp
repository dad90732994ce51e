#pragma once
// User-facing output. Info/progress go to stdout like docker-machine (quiet with -q); errors and
// debug to stderr. Thread-safe: parallel work on several machines prefixes lines with "(name) ".
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <provision/util/live_board.hpp>
#include <string>
#include <vector>

namespace sc {

class Ui {
public:
  Ui(std::FILE *out = stdout, std::FILE *err = stderr);
  bool quiet = false;
  bool debug_enabled = false;
  bool tty = false; // progress shows durations only on a TTY
  // While set (by `up`, on a TTY), steps and transfers with a prefix that names one of its rows
  // update that row instead of printing lines, and other output is printed above it.
  LiveBoard *board = nullptr;

  void info(std::string_view msg);  // stdout unless quiet
  void warn(std::string_view msg);  // stderr, always
  void error(std::string_view msg); // stderr, always
  void debug(std::string_view msg); // stderr with --debug
  void raw_out(std::string_view s); // stdout verbatim (command results; never silenced)

  // A timed step: prints "<label>..." and, on a TTY, " 12.3s" when done; with a prefix such as
  // "(node1) " when several machines are worked on at once.
  class Step {
  public:
    Step(Ui &ui, std::string label, std::string prefix);
    Step(Step &&) = delete;
    ~Step();
    void done();
    double seconds() const;

  private:
    Ui &m_ui;
    std::string m_label, m_prefix;
    std::chrono::steady_clock::time_point m_start;
    bool m_done = false;
  };
  Step step(std::string label, std::string prefix = "") {
    return Step(*this, std::move(label), std::move(prefix));
  }

  // A byte transfer (image load, ISO download). On a TTY (and not quiet) one line rewritten in
  // place, "<prefix><label>: 12.0 MiB / 40.0 MiB, 8.1 MiB/s", ended by a newline when the
  // transfer object is destroyed; or the detail of the board's row for `prefix`. Off a TTY it
  // prints nothing (scripts' output stays as it was).
  class Transfer {
  public:
    Transfer(Ui &ui, std::string label, std::string prefix, std::uint64_t total);
    Transfer(Transfer &&) = delete;
    ~Transfer();
    // Throttled: redraws at most every 100 ms (and at 100%). total 0 keeps the known total.
    void update(std::uint64_t done, std::uint64_t total = 0);
    // "12.0 MiB / 40.0 MiB, 8.1 MiB/s" (for tests).
    static std::string text(std::uint64_t done, std::uint64_t total, double seconds);

  private:
    Ui &m_ui;
    std::string m_label, m_prefix;
    std::uint64_t m_total, m_done = 0;
    std::chrono::steady_clock::time_point m_start, m_last{};
    bool m_drawn = false;
  };

  // While it lives (and stdout is a TTY, without -q or --debug): one live line per key, see
  // LiveBoard. end() stops it early; the lines stay on screen.
  class BoardScope {
  public:
    BoardScope(Ui &ui, std::vector<std::string> keys, bool enabled);
    BoardScope(BoardScope &&) = delete;
    ~BoardScope() { end(); }
    void end();

  private:
    Ui &m_ui;
    std::unique_ptr<LiveBoard> m_board;
  };

  std::FILE *out() const { return m_out; }
  std::FILE *err() const { return m_err; }
  std::mutex &mutex() { return m_mu; }

private:
  // `msg` and a newline on `to`, or above the live board while there is one.
  void write_line(std::FILE *to, std::string_view msg);
  std::FILE *m_out;
  std::FILE *m_err;
  std::mutex m_mu;
};

} // namespace sc
