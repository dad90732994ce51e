#include <algorithm>
#include <drivers/driver.hpp>
#include <fmt/format.h>
#include <provision/util/name_table.hpp>
#include <provision/util/number.hpp>

namespace sc {

namespace {
// docker-machine's state names (libmachine/state): the one list for printing and parsing.
constexpr NameEntry<State> k_state_names[] = {{State::None, ""},
                                              {State::Running, "Running"},
                                              {State::Paused, "Paused"},
                                              {State::Saved, "Saved"},
                                              {State::Stopped, "Stopped"},
                                              {State::Stopping, "Stopping"},
                                              {State::Starting, "Starting"},
                                              {State::Error, "Error"},
                                              {State::Timeout, "Timeout"},
                                              {State::Creating, "Creating"}};
} // namespace

std::string_view state_name(State s) {
  return name_in(k_state_names, s);
}

std::optional<State> parse_state(std::string_view s) {
  return value_in(k_state_names, s, [](std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
      return std::tolower(x) == std::tolower(y);
    });
  });
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
