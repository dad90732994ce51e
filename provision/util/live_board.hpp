#pragma once
// One live line per machine on a terminal: "(node1) Installing Docker... 12.3s", rewritten in
// place while the machines are worked on at once (`up`). Used only when stdout is a TTY; other
// output printed meanwhile (Ui::info, warn...) appears above the lines.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sc {

class LiveBoard {
public:
  // `keys` are the rows' prefixes ("(node1) "), in display order. `mu` is the mutex that guards
  // every write to `out` (Ui's). A refresh thread redraws elapsed times while the board lives.
  LiveBoard(std::FILE *out, std::mutex &mu, std::vector<std::string> keys);
  ~LiveBoard(); // last redraw; the cursor is left below the lines
  LiveBoard(const LiveBoard &) = delete;
  LiveBoard &operator=(const LiveBoard &) = delete;

  bool has(const std::string &key) const;
  // The row's current step (its detail is cleared). Starts the row's clock on first use.
  void step(const std::string &key, std::string text);
  // Extra text after the step, e.g. "12.0 MiB / 40.0 MiB, 8.1 MiB/s".
  void detail(const std::string &key, std::string text);
  // The row's final text; its clock stops.
  void finish(const std::string &key, std::string text);
  // Prints `text` (complete lines) above the board, on `stream` (default: the board's own). The
  // caller holds the mutex.
  void print_above_locked(std::string_view text, std::FILE *stream = nullptr);

  // "(node1) Installing Docker... 12.3s", cut to `width` columns. For tests.
  struct Row {
    std::string key, step, detail, final_text;
    std::chrono::steady_clock::time_point start{};
    bool started = false;
    double frozen = 0; // elapsed seconds when finished
  };
  static std::string render(const Row &r, std::chrono::steady_clock::time_point now, size_t width);

private:
  Row *find(const std::string &key);
  void redraw_locked(); // moves up over the board, rewrites every row
  void refresh_loop();

  std::FILE *m_out;
  std::mutex &m_mu;
  std::vector<Row> m_rows;
  size_t m_drawn = 0; // lines currently on screen
  size_t m_width = 80;
  bool m_stop = false;
  std::condition_variable m_cv;
  std::thread m_thread;
};

} // namespace sc
