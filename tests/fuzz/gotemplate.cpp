// Fuzzes the Go-template engine of `inspect -f` and `ls --format`: any template over a machine
// record gives text or one "template: ..." error, with bounded time and output.
#include <cmd/format/gotemplate.hpp>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"

namespace {
// A record-shaped document with every JSON type, lists and maps to range over.
const nlohmann::json &data() {
  static const nlohmann::json d = nlohmann::json::parse(R"({
    "ConfigVersion": 3, "Name": "node1", "DriverName": "generic",
    "Driver": {"IPAddress": "192.168.99.10", "SSHPort": 22, "Ratio": 0.5, "Tags": null},
    "HostOptions": {"EngineOptions": {"Labels": ["a=1", "b=2", "c=3"], "Env": [],
      "TlsVerify": true, "Dns": null},
      "SwarmOptions": {"IsSwarm": false, "Host": "tcp://0.0.0.0:3376",
        "ArbitraryFlags": ["x", "y"], "Env": null}},
    "Swarmctl": {"KV": {"Kind": "etcd", "Port": 2379}, "PreloadImages": ["/a.tar", "/b.tar"]}
  })");
  return d;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data_in, size_t size) {
  std::string tmpl(reinterpret_cast<const char *>(data_in), size);
  auto out = sc::render_go_template(tmpl, data());
  if (!out)
    sc::fuzz::require(out.error().message.rfind("template: ", 0) == 0,
                      "error without the template: prefix", out.error().message);
  else
    sc::fuzz::require(out->size() <= (8u << 20), "output over its bound");
  return 0;
}
