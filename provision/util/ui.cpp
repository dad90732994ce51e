#include <unistd.h>

#include <provision/util/ui.hpp>

namespace sc {

Ui::Ui(std::FILE *out, std::FILE *err) : m_out(out), m_err(err) {
  tty = isatty(fileno(out)) != 0;
}

void Ui::info(std::string_view msg) {
  if (quiet) return;
  std::lock_guard lk(m_mu);
  fmt::print(m_out, "{}\n", msg);
  std::fflush(m_out);
}
void Ui::warn(std::string_view msg) {
  std::lock_guard lk(m_mu);
  fmt::print(m_err, "{}\n", msg);
  std::fflush(m_err);
}
void Ui::error(std::string_view msg) {
  warn(msg);
}
void Ui::debug(std::string_view msg) {
  if (!debug_enabled) return;
  std::lock_guard lk(m_mu);
  fmt::print(m_err, "{}\n", msg);
  std::fflush(m_err);
}
void Ui::raw_out(std::string_view s) {
  std::lock_guard lk(m_mu);
  fmt::print(m_out, "{}", s);
  std::fflush(m_out);
}

Ui::Step::Step(Ui &ui, std::string label, std::string prefix)
    : m_ui(ui), m_label(std::move(label)), m_prefix(std::move(prefix)),
      m_start(std::chrono::steady_clock::now()) {
  if (m_ui.quiet) return;
  if (!m_ui.tty) m_ui.info(m_prefix + m_label + "...");
}

double Ui::Step::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void Ui::Step::done() {
  if (m_done) return;
  m_done = true;
  if (m_ui.quiet || !m_ui.tty) return;
  m_ui.info(fmt::format("{}{}... {:.1f}s", m_prefix, m_label, seconds()));
}

Ui::Step::~Step() {
  done();
}

} // namespace sc
