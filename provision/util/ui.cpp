#include <unistd.h>

#include <provision/util/sigpipe.hpp>
#include <provision/util/ui.hpp>

namespace sc {

Ui::Ui(std::FILE *out, std::FILE *err) : m_out(out), m_err(err) {
  tty = isatty(fileno(out)) != 0;
}

void Ui::info(std::string_view msg) {
  if (quiet) return;
  write_line(m_out, msg);
}
void Ui::warn(std::string_view msg) {
  write_line(m_err, msg);
}
void Ui::error(std::string_view msg) {
  warn(msg);
}
void Ui::debug(std::string_view msg) {
  if (!debug_enabled) return;
  write_line(m_err, msg);
}
void Ui::raw_out(std::string_view s) {
  std::lock_guard lk(m_mu);
  if (board) {
    board->print_above_locked(s);
    return;
  }
  write_stream(m_out, s);
}
void Ui::write_line(std::FILE *to, std::string_view msg) {
  std::lock_guard lk(m_mu);
  if (board) {
    board->print_above_locked(fmt::format("{}\n", msg), to);
    return;
  }
  fmt::print(to, "{}\n", msg);
  std::fflush(to);
}

Ui::Step::Step(Ui &ui, std::string label, std::string prefix)
    : m_ui(ui), m_label(std::move(label)), m_prefix(std::move(prefix)),
      m_start(std::chrono::steady_clock::now()) {
  if (m_ui.board && m_ui.board->has(m_prefix)) {
    m_ui.board->step(m_prefix, m_label);
    return;
  }
  if (m_ui.quiet) return;
  if (!m_ui.tty) m_ui.info(m_prefix + m_label + "...");
}

double Ui::Step::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void Ui::Step::done() {
  if (m_done) return;
  m_done = true;
  // --debug: every step's duration, so that a wait inside one (a remote script) stands out.
  if (m_ui.debug_enabled)
    m_ui.debug(fmt::format("{}step \"{}\" took {:.3f}s", m_prefix, m_label, seconds()));
  if (m_ui.board && m_ui.board->has(m_prefix)) return;
  if (m_ui.quiet || !m_ui.tty) return;
  m_ui.info(fmt::format("{}{}... {:.1f}s", m_prefix, m_label, seconds()));
}

Ui::Step::~Step() {
  done();
}

Ui::Transfer::Transfer(Ui &ui, std::string label, std::string prefix, std::uint64_t total)
    : m_ui(ui), m_label(std::move(label)), m_prefix(std::move(prefix)), m_total(total),
      m_start(std::chrono::steady_clock::now()) {}

std::string Ui::Transfer::text(std::uint64_t done, std::uint64_t total, double seconds) {
  auto mib = [](std::uint64_t b) { return static_cast<double>(b) / (1024.0 * 1024.0); };
  double rate = seconds > 0 ? mib(done) / seconds : 0;
  if (total > 0)
    return fmt::format("{:.1f} MiB / {:.1f} MiB, {:.1f} MiB/s", mib(done), mib(total), rate);
  return fmt::format("{:.1f} MiB, {:.1f} MiB/s", mib(done), rate);
}

void Ui::Transfer::update(std::uint64_t done, std::uint64_t total) {
  if (total > 0) m_total = total;
  m_done = done;
  auto now = std::chrono::steady_clock::now();
  bool complete = m_total > 0 && done >= m_total;
  bool first = m_last == std::chrono::steady_clock::time_point{};
  if (!complete && !first && now - m_last < std::chrono::milliseconds(100)) return;
  m_last = now;
  std::string t = text(m_done, m_total, std::chrono::duration<double>(now - m_start).count());
  if (m_ui.board && m_ui.board->has(m_prefix)) {
    m_ui.board->detail(m_prefix, t);
    return;
  }
  if (m_ui.quiet || !m_ui.tty) return;
  std::lock_guard lk(m_ui.m_mu);
  write_stream(m_ui.m_out, fmt::format("\r\033[2K{}{}: {}", m_prefix, m_label, t));
  m_drawn = true;
}

Ui::Transfer::~Transfer() {
  if (!m_drawn) return;
  std::lock_guard lk(m_ui.m_mu);
  write_stream(m_ui.m_out, "\n");
}

} // namespace sc

namespace sc {

Ui::BoardScope::BoardScope(Ui &ui, std::vector<std::string> keys, bool enabled) : m_ui(ui) {
  if (!enabled || !ui.tty || ui.quiet || ui.debug_enabled || keys.empty()) return;
  m_board = std::make_unique<LiveBoard>(ui.m_out, ui.m_mu, std::move(keys));
  ui.board = m_board.get();
}

void Ui::BoardScope::end() {
  if (!m_board) return;
  m_ui.board = nullptr;
  m_board.reset();
}

} // namespace sc
