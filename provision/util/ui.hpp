#pragma once
// User-facing output. Info/progress go to stdout like docker-machine (quiet with -q); errors and
// debug to stderr. Thread-safe: parallel work on several machines prefixes lines with "(name) ".
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <mutex>
#include <string>

namespace sc {

class Ui {
public:
  Ui(std::FILE *out = stdout, std::FILE *err = stderr);
  bool quiet = false;
  bool debug_enabled = false;
  bool tty = false; // progress shows durations only on a TTY

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

  std::FILE *out() const { return m_out; }
  std::FILE *err() const { return m_err; }
  std::mutex &mutex() { return m_mu; }

private:
  std::FILE *m_out;
  std::FILE *m_err;
  std::mutex m_mu;
};

} // namespace sc
