// Parsing of real VBoxManage output samples (tests/data/virtualbox, VirtualBox 6.1 formats).
#include <doctest/doctest.h>
#include <drivers/virtualbox/parse.hpp>
#include <provision/util/fs.hpp>

using namespace sc;
using namespace sc::vbox;

namespace {
std::string sample(const std::string &name) {
  auto t = read_file(std::string(SC_SOURCE_DIR) + "/tests/data/virtualbox/" + name);
  REQUIRE(t);
  return *t;
}
} // namespace

TEST_CASE("virtualbox parse: showvminfo --machinereadable of a running VM") {
  auto kv = parse_machinereadable(sample("showvminfo_running.txt"));
  CHECK(kv["VMState"] == "running");
  CHECK(vm_state(kv["VMState"]) == State::Running);
  CHECK(kv["UUID"] == "6a2c0b0e-3c1f-4a59-9a57-0d6f1e2b7c11");
  CHECK(kv["CfgFile"] == "/home/alice/.swarmctl/machines/dev/dev/dev.vbox");
  CHECK(kv["SATA-1-0"] == "/home/alice/.swarmctl/machines/dev/disk.vmdk");
  CHECK(kv["hostonlyadapter2"] == "vboxnet0");
  CHECK(kv["macaddress2"] == "0800271D2D2A");
  CHECK(kv["Forwarding(0)"] == "ssh,tcp,127.0.0.1,40022,,22");
  CHECK(kv["cpus"] == "1");
  CHECK(kv["memory"] == "1024");
  CHECK(kv["GuestAdditionsFacility_VirtualBox Base Driver"] == "50,1764057155713");
}

TEST_CASE("virtualbox parse: VMState mapping follows docker-machine") {
  CHECK(vm_state(parse_machinereadable(sample("showvminfo_poweroff.txt"))["VMState"]) ==
        State::Stopped);
  CHECK(vm_state("aborted") == State::Stopped);
  CHECK(vm_state("paused") == State::Paused);
  CHECK(vm_state("saved") == State::Saved);
  CHECK(vm_state("gurumeditation") == State::Error);
  CHECK(vm_state("no-such-state") == State::None);
}

TEST_CASE("virtualbox parse: list hostonlyifs") {
  auto ifs = parse_hostonlyifs(sample("list_hostonlyifs.txt"));
  REQUIRE(ifs.size() == 2);
  CHECK(ifs[0].name == "vboxnet0");
  CHECK(ifs[0].ip == "192.168.99.1");
  CHECK(ifs[0].netmask == "255.255.255.0");
  CHECK(ifs[0].hwaddr == "0a:00:27:00:00:00");
  CHECK(ifs[0].status == "Up");
  CHECK_FALSE(ifs[0].dhcp);
  CHECK(ifs[0].network_name == "HostInterfaceNetworking-vboxnet0");
  CHECK(ifs[1].name == "vboxnet1");
  CHECK(ifs[1].ip == "192.168.56.1");
  CHECK(ifs[1].status == "Down");
}

TEST_CASE("virtualbox parse: list dhcpservers (6.1 and 5.x spellings)") {
  auto d = parse_dhcpservers(sample("list_dhcpservers.txt"));
  REQUIRE(d.size() == 2);
  CHECK(d[0].network_name == "HostInterfaceNetworking-vboxnet0");
  CHECK(d[0].ip == "192.168.99.6");
  CHECK(d[0].lower == "192.168.99.100");
  CHECK(d[0].upper == "192.168.99.254");
  CHECK(d[0].netmask == "255.255.255.0");
  CHECK(d[0].enabled);
  CHECK_FALSE(d[1].enabled);
  auto old = parse_dhcpservers(sample("list_dhcpservers_5x.txt"));
  REQUIRE(old.size() == 1);
  CHECK(old[0].ip == "192.168.99.6");
  CHECK(old[0].lower == "192.168.99.100");
  CHECK(old[0].enabled);
}

TEST_CASE("virtualbox parse: list runningvms, including names with spaces") {
  auto v = parse_vm_list(sample("list_runningvms.txt"));
  REQUIRE(v.size() == 2);
  CHECK(v[0].name == "dev");
  CHECK(v[0].uuid == "6a2c0b0e-3c1f-4a59-9a57-0d6f1e2b7c11");
  CHECK(v[1].name == "my vm (2)");
  CHECK(parse_vm_list("").empty());
}

TEST_CASE("virtualbox parse: version, created interface, created UUID") {
  CHECK(parse_version("7.0.14r161095\n")->at_least(6, 1));
  CHECK_FALSE(parse_version("5.2.44r139111")->at_least(6, 1));
  CHECK(parse_version("6.1.28r147628")->at_least(6, 1, 28));
  CHECK_FALSE(parse_version("6.1.26r145957")->at_least(6, 1, 28));
  CHECK_FALSE(parse_version("garbage"));
  CHECK(*parse_created_interface("0%...100%\nInterface 'vboxnet3' was successfully created\n") ==
        "vboxnet3");
  CHECK(
      *parse_created_uuid("Virtual machine 'dev' is created and registered.\nUUID: "
                          "6a2c0b0e-3c1f-4a59-9a57-0d6f1e2b7c11\nSettings file: '/x/dev.vbox'\n") ==
      "6a2c0b0e-3c1f-4a59-9a57-0d6f1e2b7c11");
}

TEST_CASE("virtualbox parse: host-only CIDR must be a host address") {
  auto c = parse_cidr("192.168.99.1/24");
  REQUIRE(c);
  CHECK(format_ipv4(c->network()) == "192.168.99.0");
  CHECK(format_ipv4(c->mask()) == "255.255.255.0");
  auto n = parse_cidr("192.168.99.0/24");
  REQUIRE_FALSE(n);
  CHECK(n.error().message ==
        "host-only cidr must be specified with a host address, not a network address");
  CHECK_FALSE(parse_cidr("192.168.99.1"));
  CHECK_FALSE(parse_cidr("300.1.1.1/24"));
}

// Found by fuzz_vbox_parse (corpus: found-version-nul.txt): the answer was quoted raw, so a
// NUL, a newline or an escape sequence in it reached the terminal inside the error line.
TEST_CASE("virtualbox parse: refused versions and CIDRs are one printable line") {
  auto v = parse_version(std::string("192.1\0\0"
                                     "36.99./1299",
                                     18));
  REQUIRE_FALSE(v);
  CHECK(v.error().message == "unrecognised VirtualBox version \"192.1??36.99./1299\"");
  auto w = parse_version("WARNING: The vboxdrv kernel module is not loaded.\n\x1b[1mrun\x1b[0m");
  REQUIRE_FALSE(w);
  CHECK(w.error().message.find_first_of("\n\x1b") == std::string::npos);
  auto c = parse_cidr("192.168.99.1/24\n\x1b]0;x\a");
  REQUIRE_FALSE(c);
  CHECK(c.error().message.find("'192.168.99.1/24??]0;x?'") != std::string::npos);
}

TEST_CASE("virtualbox parse: a server without individual configs fixes no address") {
  CHECK(parse_dhcp_individual_configs(sample("list_dhcpservers.txt"),
                                      "HostInterfaceNetworking-vboxnet0")
            .empty()); // "Individual Configs:   None"
}
