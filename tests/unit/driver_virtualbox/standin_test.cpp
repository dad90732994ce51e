// The e2e stand-in tests/e2e/virtualbox/VBoxManage (python) prints VBoxManage's real layouts: its
// `list dhcpservers` is byte for byte tests/data/virtualbox/list_dhcpservers_61_fixed.txt (the
// layout of VBoxManageList.cpp listDhcpServers, see formats_test.cpp) for the same registry, and
// its errors and machine-readable strings read back through the driver's parsers.
#include <doctest/doctest.h>
#include <drivers/virtualbox/parse.hpp>
#include <nlohmann/json.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>
#include <tests/support/require.hpp>

using namespace sc;
using namespace sc::vbox;

namespace {
struct StandIn {
  fs::path dir;
  StandIn() {
    char t[] = "/tmp/sc-vbox-standin.XXXXXX";
    dir = mkdtemp(t);
  }
  ~StandIn() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Result<ProcessResult> run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"python3", std::string(SC_SOURCE_DIR) + "/tests/e2e/virtualbox/VBoxManage"});
    ProcessOptions o;
    o.env["FAKE_VBOX_DIR"] = dir.string();
    o.timeout = std::chrono::seconds(30);
    return run_process(args, o);
  }
};

nlohmann::json registry() {
  auto vm = [](const char *uuid, const char *mac2, const char *cfg) {
    return nlohmann::json{{"uuid", uuid},        {"cfgfile", cfg},
                          {"state", "poweroff"}, {"media", nlohmann::json::array()},
                          {"nic2", "vboxnet0"},  {"mac2", mac2}};
  };
  auto server = [](const char *ip, const char *lo, const char *hi, nlohmann::json fixed) {
    return nlohmann::json{{"ip", ip},    {"mask", "255.255.255.0"}, {"lower", lo},
                          {"upper", hi}, {"enabled", true},         {"fixed", fixed}};
  };
  nlohmann::json st{{"ifs", nlohmann::json::array()}, {"disks", nlohmann::json::object()}};
  st["vms"]["dev"] = vm("6a2c0b0e-3c1f-4a59-9a57-0d6f1e2b7c11", "0800271D2D2A",
                        "/home/alice/VMs \"lab\"\\dev/dev.vbox");
  st["vms"]["dev2"] =
      vm("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "0800275E910C", "/home/alice/dev2/dev2.vbox");
  st["dhcp"]["HostInterfaceNetworking-vboxnet0"] =
      server("192.168.99.2", "192.168.99.100", "192.168.99.254",
             {{"dev/2", "192.168.99.10"},
              {"dev2/2", "192.168.99.11"},
              {"mac:08:00:27:aa:bb:cc", "192.168.99.12"}});
  st["dhcp"]["NatNetwork"] = server("10.0.2.3", "10.0.2.4", "10.0.2.254", nlohmann::json::object());
  return st;
}
} // namespace

TEST_CASE("virtualbox stand-in: list dhcpservers in VirtualBox's exact layout") {
  SC_REQUIRE_PREREQ(test::have_program("python3"), "python3");
  StandIn s;
  REQUIRE(atomic_write(s.dir / "state.json", registry().dump(), 0600));
  auto r = s.run({"list", "dhcpservers"});
  REQUIRE(r);
  REQUIRE_MESSAGE(r->exit_code == 0, r->err);
  auto want = read_file(std::string(SC_SOURCE_DIR) +
                        "/tests/data/virtualbox/list_dhcpservers_61_fixed.txt");
  REQUIRE(want);
  CHECK(r->out == *want);
  auto fixed = parse_dhcp_individual_configs(r->out, "HostInterfaceNetworking-vboxnet0");
  REQUIRE(fixed.size() == 3);
  CHECK(fixed[1].machine_uuid == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  CHECK(fixed[1].mac == "08:00:27:5e:91:0c");
}

TEST_CASE("virtualbox stand-in: escaped showvminfo strings and a missing VM's result code") {
  SC_REQUIRE_PREREQ(test::have_program("python3"), "python3");
  StandIn s;
  REQUIRE(atomic_write(s.dir / "state.json", registry().dump(), 0600));
  auto r = s.run({"showvminfo", "dev", "--machinereadable"});
  REQUIRE(r);
  REQUIRE_MESSAGE(r->exit_code == 0, r->err);
  CHECK(r->out.find("CfgFile=\"/home/alice/VMs \\\"lab\\\"\\\\dev/dev.vbox\"") !=
        std::string::npos);
  CHECK(parse_machinereadable(r->out)["CfgFile"] == "/home/alice/VMs \"lab\"\\dev/dev.vbox");
  auto missing = s.run({"showvminfo", "ghost", "--machinereadable"});
  REQUIRE(missing);
  CHECK(missing->exit_code == 1);
  CHECK(vbox_result_code(missing->err) == "VBOX_E_OBJECT_NOT_FOUND");
  auto sample =
      read_file(std::string(SC_SOURCE_DIR) + "/tests/data/virtualbox/showvminfo_not_found.stderr");
  REQUIRE(sample);
  CHECK(missing->err == *sample); // the 6.1 sample, word for word
}
