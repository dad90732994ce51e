#include <algorithm>
#include <fmt/format.h>
#include <provision/ssh/runner.hpp>
#include <vector>

namespace sc {
namespace {
std::string tail_lines(const std::string &s, size_t n) {
  std::string t = s;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ' || t.back() == '\r'))
    t.pop_back();
  size_t pos = t.size();
  for (size_t i = 0; i < n && pos != std::string::npos && pos > 0; ++i)
    pos = t.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? t : t.substr(pos + 1);
}
constexpr std::size_t k_chunk = 65536;
} // namespace

Result<std::string_view> StdinFeed::pending() {
  if (!m_o.stdin_reader) return std::string_view(m_o.stdin_data).substr(m_sent, k_chunk);
  if (m_off < m_chunk.size()) return std::string_view(m_chunk).substr(m_off);
  if (m_end) return std::string_view();
  m_chunk.resize(k_chunk);
  auto n = m_o.stdin_reader(m_chunk.data(), m_chunk.size());
  if (!n) return fail(n.error());
  m_chunk.resize(std::min(*n, k_chunk));
  m_off = 0;
  m_end = m_chunk.empty();
  return std::string_view(m_chunk);
}

void StdinFeed::sent(std::size_t n) {
  m_sent += n;
  if (m_o.stdin_reader) m_off += n;
  if (m_o.stdin_progress)
    m_o.stdin_progress(m_sent, m_o.stdin_reader ? m_o.stdin_size : m_o.stdin_data.size());
}

Result<CommandResult> run_ok(CommandRunner &r, std::string_view what, const std::string &cmd,
                             const RunOptions &opts) {
  auto res = r.run(cmd, opts);
  if (!res) return fail(res.error().context(what));
  if (res->exit_code != 0) {
    std::string out = tail_lines(res->err.empty() ? res->out : res->err + "\n" + res->out, 8);
    if (!res->err.empty()) out = tail_lines(res->err, 8);
    return fail(Errc::remote_failed, fmt::format("{}: exited {}{}{}", what, res->exit_code,
                                                 out.empty() ? "" : ": ", out));
  }
  return res;
}
} // namespace sc
