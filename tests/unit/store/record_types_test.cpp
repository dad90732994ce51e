// A machine record (config.json) with a field of the wrong type, damaged or hostile: one error
// naming the machine and the field, never an exception (issue 13: `"Driver": 5` aborted ls).
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <provision/store/store.hpp>
#include <string>

using namespace sc;

namespace {
struct TempStore {
  fs::path path;
  std::unique_ptr<Store> store;
  TempStore() {
    std::string t = (fs::temp_directory_path() / "sc-record-types.XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
    store = std::make_unique<Store>(path / "store");
    REQUIRE(store->init());
  }
  ~TempStore() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  // Saves a valid record named `name`, then rewrites its config.json with `edit` applied.
  template <class F> void write(const std::string &name, F edit) {
    HostRecord h;
    h.name = name;
    h.driver_name = "none";
    h.driver = {{"URL", "tcp://1.2.3.4:2376"}};
    REQUIRE(store->save(h));
    auto j = nlohmann::json::parse(to_json(h).dump());
    edit(j);
    std::ofstream(store->machine_dir(name) / "config.json") << j.dump();
  }
  std::string load_error(const std::string &name) {
    auto r = store->load(name);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::parse);
    CHECK(r.error().message.find('\n') == std::string::npos);
    return r.error().message;
  }
};
} // namespace

TEST_CASE("record: a field of the wrong type is one error naming the machine and the field") {
  TempStore s;
  struct Case {
    const char *pointer;
    nlohmann::json value;
    const char *message;
  };
  const Case cases[] = {
      {"/Driver", 5, "config.json: Driver must be an object, got a number"},
      {"/DriverName", 42, "config.json: DriverName must be a string, got a number"},
      {"/ConfigVersion", "3", "config.json: ConfigVersion must be an integer, got a string"},
      {"/HostOptions", "x", "config.json: HostOptions must be an object, got a string"},
      {"/HostOptions/EngineOptions/Dns", 5,
       "config.json: HostOptions.EngineOptions.Dns must be a list of strings, got a number"},
      {"/HostOptions/EngineOptions/Labels", nlohmann::json::array({1}),
       "config.json: HostOptions.EngineOptions.Labels must be a list of strings, got a list of "
       "something else"},
      {"/HostOptions/EngineOptions/TlsVerify", "yes",
       "config.json: HostOptions.EngineOptions.TlsVerify must be true or false, got a string"},
      {"/HostOptions/SwarmOptions/Heartbeat", 1e12,
       "config.json: HostOptions.SwarmOptions.Heartbeat must be an integer, got a number"},
      {"/Swarmctl/EnginePort", 4294967296LL,
       "config.json: Swarmctl.EnginePort must be an integer, got a number"},
      {"/Swarmctl/KV", nlohmann::json::array(),
       "config.json: Swarmctl.KV must be an object, got a list"},
      {"/Swarmctl/KV/Port", true,
       "config.json: Swarmctl.KV.Port must be an integer, got a boolean"},
  };
  for (const auto &c : cases) {
    CAPTURE(c.pointer);
    s.write("bad",
            [&](nlohmann::json &j) { j[nlohmann::json::json_pointer(c.pointer)] = c.value; });
    CHECK(s.load_error("bad") == std::string("machine \"bad\": ") + c.message);
  }
}

TEST_CASE("record: null fields keep their defaults, as docker-machine writes them") {
  TempStore s;
  s.write("nulls", [](nlohmann::json &j) {
    j["HostOptions"]["EngineOptions"]["Dns"] = nullptr;
    j["Swarmctl"]["EnginePort"] = nullptr;
    j["Driver"] = nullptr;
  });
  auto r = s.store->load("nulls");
  REQUIRE(r);
  CHECK(r->engine.port == 2376);
  CHECK(r->driver == nlohmann::json::object());
}

TEST_CASE("record: nesting deeper than 64 is refused before parsing (no stack overflow)") {
  TempStore s;
  s.write("deep", [](nlohmann::json &) {});
  // 200000 levels: copying or printing such a value recursively runs out of stack.
  std::string deep = R"({"ConfigVersion":3,"DriverName":"none","Driver":{"x":)" +
                     std::string(200000, '[') + std::string(200000, ']') + "}}";
  std::ofstream(s.store->machine_dir("deep") / "config.json") << deep;
  CHECK(s.load_error("deep") == "machine \"deep\": config.json is nested too deep");
  // Brackets inside strings are text, not nesting.
  s.write("text", [](nlohmann::json &j) { j["Name"] = std::string(100, '['); });
  CHECK(s.store->load("text"));
}

TEST_CASE("record: invalid JSON is reported by position, without echoing the bytes") {
  TempStore s;
  s.write("junk", [](nlohmann::json &) {});
  std::ofstream(s.store->machine_dir("junk") / "config.json") << "{\"a\": \x1b[31mred}";
  CHECK(s.load_error("junk") == "machine \"junk\": config.json is not valid JSON (at byte 7)");
}

TEST_CASE("record: a number beyond double's range is invalid JSON, not an exception") {
  // Found by fuzz_host_record: nlohmann's parser throws out_of_range (not parse_error) for it.
  TempStore s;
  s.write("inf", [](nlohmann::json &) {});
  std::ofstream(s.store->machine_dir("inf") / "config.json") << R"({"ConfigVersion": 1e999})";
  CHECK(s.load_error("inf") ==
        "machine \"inf\": config.json is not valid JSON (a number out of range)");
}

TEST_CASE("record: a config.json over 1 MiB is refused unread") {
  TempStore s;
  s.write("huge", [](nlohmann::json &j) { j["Name"] = std::string(2 << 20, 'x'); });
  auto r = s.store->load("huge");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("larger than 1048576 bytes") != std::string::npos);
}

TEST_CASE("record: text that is not UTF-8 is saved (replaced), not thrown on") {
  TempStore s;
  HostRecord h;
  h.name = "latin1";
  h.driver_name = "none";
  h.engine.labels = {"name=caf\xe9"};
  h.driver = {{"URL", "tcp://h\xff:2376"}};
  REQUIRE(s.store->save(h));
  auto r = s.store->load("latin1");
  REQUIRE(r);
  CHECK(r->engine.labels[0] == "name=caf\xEF\xBF\xBD");
}
