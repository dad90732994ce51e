// config.json stays byte for byte what it was before the record's writer and reader shared one
// key list (issue 14): docker-machine's key order, null for empty lists where it writes null, and
// which keys are read back. tests/data/store/records.txt was written by the code before that
// change: the record of a new machine, the record read from "{}" (the defaults of a missing key),
// and the record written back after reading one whose every value was changed.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <provision/store/host.hpp>
#include <string>
#include <vector>

using namespace sc;

namespace {
using OJ = nlohmann::ordered_json;

// Every value replaced by another of the same type, nested objects included; a null (an empty
// list docker-machine writes as null) becomes a list.
OJ other_values(const OJ &j) {
  OJ o = j;
  for (auto it = o.begin(); it != o.end(); ++it) {
    auto &v = it.value();
    if (v.is_object())
      v = other_values(v);
    else if (v.is_string())
      v = "v-" + it.key();
    else if (v.is_boolean())
      v = !v.get<bool>();
    else if (v.is_number())
      v = 7;
    else if (v.is_array() || v.is_null())
      v = OJ::array({"a-" + it.key()});
  }
  return o;
}

HostRecord new_machine() {
  HostRecord h;
  h.name = "m1";
  h.driver_name = "none";
  h.driver = {{"URL", "tcp://1.2.3.4:2376"}};
  h.auth.tls_ca_cert = "/ca.pem"; // the optional "TLS" and "AutoClusterAdvertise" entries too
  h.auto_cluster_advertise = true;
  return h;
}

std::string reread(const OJ &j) {
  auto h = host_from_json(nlohmann::json::parse(j.dump()));
  REQUIRE(h);
  return to_json(*h).dump();
}

std::ifstream data(const char *name) {
  std::ifstream in(std::string(SC_SOURCE_DIR) + "/tests/data/store/" + name);
  REQUIRE(in.good());
  return in;
}

std::map<std::string, std::string> expected_records() {
  auto in = data("records.txt");
  std::map<std::string, std::string> out;
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(": ");
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return out;
}

// For every field of `node` (a part of `root` at JSON pointer `ptr`), nested ones included, and
// for each value of a wrong type: "<pointer> <value>: <error, or ok>".
void wrong_everywhere(std::vector<std::string> &out, const OJ &root, const std::string &ptr,
                      const OJ &node) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string p = ptr + "/" + it.key();
    if (it->is_object()) wrong_everywhere(out, root, p, *it);
    for (const OJ &w : {OJ::object({{"a", 1}}), OJ("text"), OJ(5), OJ::array({1})}) {
      auto j = nlohmann::json::parse(root.dump());
      j[nlohmann::json::json_pointer(p)] = nlohmann::json::parse(w.dump());
      auto h = host_from_json(j);
      out.push_back(fmt::format("error {} {}: {}", p, w.dump(), h ? "ok" : h.error().message));
    }
  }
}
} // namespace

TEST_CASE("record bytes: config.json is written and read back as before") {
  auto want = expected_records();
  REQUIRE(want.size() == 3);
  auto written = to_json(new_machine());
  CHECK(written.dump() == want["new"]);
  CHECK(reread(OJ::object()) == want["empty"]);
  auto changed = other_values(written);
  changed["ConfigVersion"] = 2;               // 7 would be a version from the future
  changed["Swarmctl"]["KV"]["Kind"] = "etcd"; // a kind that exists
  CHECK(reread(changed) == want["read"]);
}

// tests/data/store/record_errors.txt: what the reader said, before the change, of every field
// given an object, a string, a number and a list in turn.
TEST_CASE("record bytes: a field of the wrong type is the same error as before") {
  auto in = data("record_errors.txt");
  std::vector<std::string> want;
  for (std::string line; std::getline(in, line);)
    want.push_back(line);
  auto written = to_json(new_machine());
  std::vector<std::string> got;
  wrong_everywhere(got, written, "", written);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i)
    CHECK(got[i] == want[i]);
}
