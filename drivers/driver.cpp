#include <algorithm>
#include <drivers/driver.hpp>
#include <fmt/format.h>
#include <provision/util/number.hpp>

namespace sc {

std::string_view state_name(State s) {
  switch (s) {
  case State::None:
    return "";
  case State::Running:
    return "Running";
  case State::Paused:
    return "Paused";
  case State::Saved:
    return "Saved";
  case State::Stopped:
    return "Stopped";
  case State::Stopping:
    return "Stopping";
  case State::Starting:
    return "Starting";
  case State::Error:
    return "Error";
  case State::Creating:
    return "Creating";
  case State::Timeout:
    return "Timeout";
  }
  return "";
}

std::optional<State> parse_state(std::string_view s) {
  auto lower = [](std::string_view x) {
    std::string r(x);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::tolower(c); });
    return r;
  };
  for (State st : {State::None, State::Running, State::Paused, State::Saved, State::Stopped,
                   State::Stopping, State::Starting, State::Error, State::Timeout, State::Creating})
    if (lower(state_name(st)) == lower(s)) return st;
  return std::nullopt;
}

std::string FlagValues::str(const std::string &name, const std::string &def) const {
  auto it = m_values.find(name);
  if (it == m_values.end() || it->second.empty()) return def;
  return it->second.back();
}

Result<long long> FlagValues::integer(const std::string &name, long long def) const {
  auto it = m_values.find(name);
  if (it == m_values.end() || it->second.empty() || it->second.back().empty()) return def;
  const auto &v = it->second.back();
  if (auto n = parse_number<long long>(v)) return *n;
  return fail(Errc::usage, fmt::format("--{}: '{}' is not an integer", name, v));
}

bool FlagValues::boolean(const std::string &name, bool def) const {
  auto it = m_values.find(name);
  if (it == m_values.end() || it->second.empty()) return def;
  const auto &v = it->second.back();
  return v == "1" || v == "true" || v == "yes" || v == "on" || v == "TRUE" || v == "True";
}

std::vector<std::string> FlagValues::list(const std::string &name) const {
  auto it = m_values.find(name);
  return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

Result<std::string> Driver::url() {
  auto a = ip();
  if (!a) return fail(a.error());
  return fmt::format("tcp://{}:{}", *a, engine_port());
}

Status unsupported_op(const Driver &d, std::string_view op) {
  return fail(Errc::unsupported, fmt::format("{} driver does not support {}", d.driver_name(), op));
}
Status Driver::adopt_ip(const std::string &) {
  return fail(Errc::unsupported,
              fmt::format("the {} driver does not record addresses", driver_name()));
}

Status Driver::start() {
  return unsupported_op(*this, "start");
}
Status Driver::stop() {
  return unsupported_op(*this, "stop");
}
Status Driver::restart() {
  return unsupported_op(*this, "restart");
}
Status Driver::kill() {
  return unsupported_op(*this, "kill");
}

} // namespace sc
