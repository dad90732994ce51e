// The "Driver" object each driver writes into config.json stays byte for byte what it was before
// the drivers shared DriverBase (docker-machine compatibility: `inspect -f '{{.Driver.X}}'`
// templates, records read by older swarmctl versions). tests/data/drivers/records.txt was written
// by the drivers before that change: for each driver its record right after bind(), and the
// record it writes back after reading one whose every value was changed (which keys it reads).
#include <doctest/doctest.h>
#include <drivers/registry.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

using namespace sc;

namespace {
// Every value replaced by another of the same type.
nlohmann::json other_values(const nlohmann::json &j) {
  nlohmann::json o = j;
  for (auto it = o.begin(); it != o.end(); ++it) {
    auto &v = it.value();
    if (v.is_string())
      v = "v-" + it.key();
    else if (v.is_boolean())
      v = !v.get<bool>();
    else if (v.is_number_unsigned())
      v = 7u;
    else if (v.is_number_integer())
      v = 7;
    else if (v.is_array())
      v = nlohmann::json::array({"a-" + it.key()});
  }
  return o;
}

std::map<std::string, std::string> expected_records() {
  std::ifstream in(std::string(SC_SOURCE_DIR) + "/tests/data/drivers/records.txt");
  std::map<std::string, std::string> out;
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(": ");
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return out;
}
} // namespace

TEST_CASE("driver records: every driver writes and reads config.json's Driver as before") {
  auto want = expected_records();
  REQUIRE(want.size() == 2 * driver_table().size());
  DriverContext ctx{"m1", "/s", "/s/machines/m1", nullptr, {}};
  for (const auto &info : driver_table()) {
    CAPTURE(info.name);
    auto d = info.make();
    d->bind(ctx);
    auto bound = d->to_json();
    CHECK(bound.dump() == want[info.name + " bound"]);
    auto d2 = info.make();
    REQUIRE(d2->from_json(other_values(bound)));
    d2->bind(ctx);
    CHECK(d2->to_json().dump() == want[info.name + " read"]);
  }
}
