// Machine state names: printed by `status` and `ls`, parsed by `ls --filter state=...`.
#include <doctest/doctest.h>
#include <drivers/driver.hpp>
#include <set>
#include <string>

using namespace sc;

TEST_CASE("states: every state has its own name, and the name parses back, in any case") {
  std::set<std::string_view> seen;
  for (State s :
       {State::None, State::Running, State::Paused, State::Saved, State::Stopped, State::Stopping,
        State::Starting, State::Error, State::Timeout, State::Creating}) {
    auto name = state_name(s);
    CAPTURE(name);
    CHECK(seen.insert(name).second);
    CHECK(parse_state(name) == s);
    std::string upper(name);
    for (auto &c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(parse_state(upper) == s);
  }
  // As docker-machine prints them (shared/reference/docker-machine-outputs.md, ls).
  CHECK(state_name(State::Running) == "Running");
  CHECK(state_name(State::Stopped) == "Stopped");
  CHECK(state_name(State::None).empty());
  CHECK_FALSE(parse_state("Runnin"));
  CHECK_FALSE(parse_state("Running "));
}
