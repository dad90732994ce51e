// The "Driver" object each driver writes into config.json stays byte for byte what it was before
// the drivers shared DriverBase (docker-machine compatibility: `inspect -f '{{.Driver.X}}'`
// templates, records read by older swarmctl versions). tests/data/drivers/records.txt was written
// by the drivers before that change: for each driver its record right after bind(), and the
// record it writes back after reading one whose every value was changed (which keys it reads),
// and the record it writes after reading "{}" (the default of each missing key).
#include <doctest/doctest.h>
#include <drivers/registry.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
  REQUIRE(want.size() == 3 * driver_table().size());
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
    auto d3 = info.make();
    REQUIRE(d3->from_json(nlohmann::json::object()));
    d3->bind(ctx);
    CHECK(d3->to_json().dump() == want[info.name + " empty"]);
  }
}

// tests/data/drivers/record_errors.txt: what each driver said, before its reader and writer
// shared one key list, of every key of its record given an object, a string and a number.
TEST_CASE("driver records: a key of the wrong type is the same error as before") {
  std::ifstream in(std::string(SC_SOURCE_DIR) + "/tests/data/drivers/record_errors.txt");
  REQUIRE(in.good());
  std::vector<std::string> want;
  for (std::string line; std::getline(in, line);)
    want.push_back(line);
  DriverContext ctx{"m1", "/s", "/s/machines/m1", nullptr, {}};
  const nlohmann::json wrong[] = {nlohmann::json::object({{"a", 1}}), "text", 5};
  std::vector<std::string> got;
  for (const auto &info : driver_table()) {
    auto d = info.make();
    d->bind(ctx);
    auto base = d->to_json();
    for (auto it = base.begin(); it != base.end(); ++it)
      for (const auto &w : wrong) {
        auto j = base;
        j[it.key()] = w;
        auto st = info.make()->from_json(j);
        got.push_back(info.name + " " + it.key() + " " + w.dump() + ": " +
                      (st ? "ok" : st.error().message));
      }
  }
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i)
    CHECK(got[i] == want[i]);
}
