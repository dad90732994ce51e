// Every driver reads its part of a record ("Driver" in config.json) without throwing: a field of
// the wrong type is an error for that machine (issue 13: one bad record aborted `ls`).
#include <doctest/doctest.h>
#include <drivers/registry.hpp>
#include <nlohmann/json.hpp>

using namespace sc;

TEST_CASE("driver records: any field of any driver with a value of another type is an error, "
          "never an exception") {
  const nlohmann::json wrong[] = {
      5,      -1, 1.5, "text", true, nlohmann::json::array({1}), nlohmann::json::object({{"a", 1}}),
      nullptr};
  for (const auto &info : driver_table()) {
    CAPTURE(info.name);
    auto base = info.make()->to_json();
    REQUIRE(base.is_object());
    for (auto it = base.begin(); it != base.end(); ++it) {
      for (const auto &w : wrong) {
        auto j = base;
        j[it.key()] = w;
        CAPTURE(j.dump());
        auto d = info.make();
        Status st = ok();
        CHECK_NOTHROW(st = d->from_json(j));
        if (!st) {
          CHECK(st.error().code == Errc::parse);
          CHECK(st.error().message.find('\n') == std::string::npos);
        }
      }
    }
    for (const auto &w : wrong) {
      auto d = info.make();
      CHECK_NOTHROW((void)d->from_json(w));
    }
  }
}
