#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <provision/util/live_board.hpp>
#include <provision/util/sigpipe.hpp>

namespace sc {

LiveBoard::LiveBoard(std::FILE *out, std::mutex &mu, std::vector<std::string> keys)
    : m_out(out), m_mu(mu) {
  for (auto &k : keys)
    m_rows.push_back(Row{std::move(k), "waiting", "", "", {}, false, 0});
  winsize ws{};
  if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) m_width = ws.ws_col;
  {
    std::lock_guard lk(m_mu);
    redraw_locked();
  }
  m_thread = std::thread([this] { refresh_loop(); });
}

LiveBoard::~LiveBoard() {
  {
    std::lock_guard lk(m_mu);
    m_stop = true;
  }
  m_cv.notify_all();
  m_thread.join();
  std::lock_guard lk(m_mu);
  redraw_locked();
}

void LiveBoard::refresh_loop() {
  std::unique_lock lk(m_mu);
  // Elapsed times tick on screen; the wait ends at once when the board is destroyed.
  while (!m_cv.wait_for(lk, std::chrono::milliseconds(250), [this] { return m_stop; }))
    redraw_locked();
}

LiveBoard::Row *LiveBoard::find(const std::string &key) {
  for (auto &r : m_rows)
    if (r.key == key) return &r;
  return nullptr;
}

bool LiveBoard::has(const std::string &key) const {
  for (const auto &r : m_rows)
    if (r.key == key) return true;
  return false;
}

void LiveBoard::step(const std::string &key, std::string text) {
  std::lock_guard lk(m_mu);
  Row *r = find(key);
  if (!r) return;
  if (!r->started) {
    r->started = true;
    r->start = std::chrono::steady_clock::now();
  }
  r->step = std::move(text);
  r->detail.clear();
  redraw_locked();
}

void LiveBoard::detail(const std::string &key, std::string text) {
  std::lock_guard lk(m_mu);
  Row *r = find(key);
  if (!r) return;
  r->detail = std::move(text);
  redraw_locked();
}

void LiveBoard::finish(const std::string &key, std::string text) {
  std::lock_guard lk(m_mu);
  Row *r = find(key);
  if (!r) return;
  r->frozen =
      r->started
          ? std::chrono::duration<double>(std::chrono::steady_clock::now() - r->start).count()
          : 0;
  r->final_text = std::move(text);
  redraw_locked();
}

std::string LiveBoard::render(const Row &r, std::chrono::steady_clock::time_point now,
                              size_t width) {
  std::string line;
  if (!r.final_text.empty()) {
    line = r.key + r.final_text;
  } else {
    line = r.key + r.step;
    if (r.started) {
      double secs = std::chrono::duration<double>(now - r.start).count();
      line += fmt::format("... {:.1f}s", secs);
    }
    if (!r.detail.empty()) line += "  " + r.detail;
  }
  // A line wider than the terminal wraps, and the cursor moves over the board would miss.
  if (width > 1 && line.size() >= width) line.resize(width - 1);
  return line;
}

void LiveBoard::redraw_locked() {
  std::string buf;
  if (m_drawn > 0) buf += fmt::format("\033[{}A", m_drawn);
  auto now = std::chrono::steady_clock::now();
  for (const auto &r : m_rows)
    buf += "\r\033[2K" + render(r, now, m_width) + "\n";
  m_drawn = m_rows.size();
  write_stream(m_out, buf);
}

void LiveBoard::print_above_locked(std::string_view text, std::FILE *stream) {
  write_stream(m_out, m_drawn > 0 ? fmt::format("\033[{}A\r\033[J", m_drawn) : "");
  write_stream(stream ? stream : m_out, text);
  m_drawn = 0;
  redraw_locked();
}

} // namespace sc
