// VBoxManage output formats the driver reads, on samples in tests/data/virtualbox written in the
// layouts of VirtualBox's own source (cited per test; no VirtualBox runs here), plus the qcow2
// header of images made by qemu-img itself.
#include <doctest/doctest.h>
#include <drivers/virtualbox/parse.hpp>
#include <map>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>
#include <set>
#include <sstream>
#include <tests/support/require.hpp>

using namespace sc;
using namespace sc::vbox;

namespace {
std::string sample(const std::string &name) {
  auto t = read_file(std::string(SC_SOURCE_DIR) + "/tests/data/virtualbox/" + name);
  REQUIRE(t);
  return *t;
}
} // namespace

// list_dhcpservers_61_fixed.txt / _7x_fixed.txt follow VBoxManageList.cpp listDhcpServers and
// showDhcpConfig: VirtualBox 6.1 (trunk r91416) and 7.x (7.1/7.2 tree) print the same layout:
// "Individual Config:    VM NIC: <machine uuid> slot <nic-1>, MAC <%RTmac>" then
// "    Fixed Address:    <ip>|dynamic"; servers separated by one blank line.
TEST_CASE("virtualbox formats: individual DHCP configs of VirtualBox 6.1") {
  auto text = sample("list_dhcpservers_61_fixed.txt");
  auto c = parse_dhcp_individual_configs(text, "HostInterfaceNetworking-vboxnet0");
  REQUIRE(c.size() == 3);
  CHECK(c[0].machine_uuid == "6a2c0b0e-3c1f-4a59-9a57-0d6f1e2b7c11");
  CHECK(c[0].slot == 1); // --nic 2
  CHECK(c[0].mac == "08:00:27:1d:2d:2a");
  CHECK(c[0].address == "192.168.99.10");
  CHECK(c[1].address == "192.168.99.11");
  CHECK(c[2].machine_uuid.empty()); // "Individual Config:    MAC 08:00:27:aa:bb:cc"
  CHECK(c[2].mac == "08:00:27:aa:bb:cc");
  CHECK(c[2].address == "192.168.99.12");
  CHECK(parse_dhcp_individual_configs(text, "NatNetwork").empty());
  auto servers = parse_dhcpservers(text);
  REQUIRE(servers.size() == 2);
  CHECK(servers[0].ip == "192.168.99.2");
  CHECK(servers[1].network_name == "NatNetwork");
}

TEST_CASE("virtualbox formats: individual DHCP configs of VirtualBox 7.x, dynamic ones skipped") {
  auto text = sample("list_dhcpservers_7x_fixed.txt");
  CHECK(parse_dhcp_individual_configs(text, "HostInterfaceNetworking-vboxnet0").empty());
  auto c = parse_dhcp_individual_configs(text, "HostInterfaceNetworking-vboxnet1");
  REQUIRE(c.size() == 2);
  CHECK(c[0].machine_uuid == "3b6d1f0a-92c4-4e57-b1d8-5c0e7a4f2b96");
  CHECK(c[0].address.empty()); // "Fixed Address:    dynamic"
  CHECK(c[1].address == "192.168.99.10");
  CHECK(c[1].mac == "08:00:27:4f:a0:17");
  auto servers = parse_dhcpservers(text);
  REQUIRE(servers.size() == 2);
  CHECK_FALSE(servers[0].enabled);
  CHECK(servers[1].lower == "192.168.99.100");
}

// VBoxManageInfo.cpp outputMachineReadableString (7.x): '"' and '\' inside names and values are
// written with a backslash; newlines are written as they are.
TEST_CASE("virtualbox formats: showvminfo --machinereadable strings are unescaped") {
  auto kv = parse_machinereadable(sample("showvminfo_7x_escaped.txt"));
  CHECK(kv["CfgFile"] == "/home/alice/VMs \"lab\"/machines/dev/dev/dev.vbox");
  CHECK(kv["SATA-0-0"] == "/home/alice/VMs \"lab\"/machines/dev/boot2docker.iso");
  CHECK(kv["SATA-1-0"] == "D:\\vms\\dev\\disk.vmdk");
  CHECK(kv["description"] == "first line\nVMState=\"running\" is not a key here\nlast line");
  CHECK(kv["VMState"] == "aborted-saved"); // the description's line did not override it
  CHECK(kv["hostonlyadapter2"] == "vboxnet1");
  CHECK(kv["memory"] == "1024");
  CHECK(parse_machinereadable("empty=\"\"\nk=\"a\\\\\"\n")["k"] == "a\\");
}

// Every short name of VBoxManageInfo.cpp machineStateToName (7.x), in the order of VirtualBox's
// MachineState enum (VirtualBox.xidl): the stable states, then FirstTransient (Teleporting) to
// LastTransient (Snapshotting). The expected State is given per group, by what the VM does.
TEST_CASE("virtualbox formats: every VMState value of VirtualBox 7") {
  auto names = [](const char *words) {
    std::istringstream in(words);
    std::vector<std::string> out;
    for (std::string w; in >> w;)
      out.push_back(w);
    return out;
  };
  const auto stable =
      names("poweroff saved teleported aborted aborted-saved running paused gurumeditation");
  const auto transient =
      names("teleporting livesnapshotting starting stopping saving restoring teleportingpausedvm "
            "teleportingin deletingsnapshotlive deletingsnapshotlivepaused onlinesnapshotting "
            "restoringsnapshot deletingsnapshot settingup snapshotting");
  // docker-machine maps running, paused, saved, poweroff and aborted; the others follow what the
  // VM process does: it runs guest code, is paused, is on its way up or down, or does not run.
  const std::map<State, std::vector<std::string>> expected = {
      {State::Running,
       names("running teleporting livesnapshotting deletingsnapshotlive onlinesnapshotting")},
      {State::Paused, names("paused teleportingpausedvm deletingsnapshotlivepaused")},
      {State::Saved, names("saved")},
      {State::Stopped, names("poweroff aborted teleported aborted-saved restoringsnapshot "
                             "deletingsnapshot settingup snapshotting")},
      {State::Starting, names("starting restoring teleportingin")},
      {State::Stopping, names("stopping saving")},
      {State::Error, names("gurumeditation")},
  };
  std::set<std::string> grouped;
  for (const auto &[state, group] : expected)
    for (const auto &n : group) {
      CAPTURE(n);
      CHECK(vm_state(n) == state);
      grouped.insert(n);
    }
  std::set<std::string> all(stable.begin(), stable.end());
  for (const auto &n : stable)
    CHECK_FALSE(vm_state_transient(n));
  for (const auto &n : transient) {
    CAPTURE(n);
    CHECK(vm_state_transient(n));
    all.insert(n);
  }
  CHECK(grouped == all); // every name has its expected state, and no other name is listed
  CHECK(all.size() == 23);
  CHECK(vm_state("unknown") == State::None);
  CHECK_FALSE(vm_state_transient("unknown"));
}

// showvminfo_not_found.stderr is VirtualBox 6.1's; glue/errorprint.cpp prints the "Details:" line
// untranslated in 7.x too, while the message above it comes from VBoxSVC in its own language.
TEST_CASE("virtualbox formats: a missing VM is told by its result code, not by the message") {
  auto err = sample("showvminfo_not_found.stderr");
  CHECK(vbox_result_code(err) == "VBOX_E_OBJECT_NOT_FOUND");
  // The same stderr with the message translated (a German VBoxSVC): the code still says it.
  auto translated = "VBoxManage: error: Keine registrierte Maschine namens 'ghost' gefunden\n" +
                    err.substr(err.find('\n') + 1);
  CHECK(vbox_result_code(translated) == "VBOX_E_OBJECT_NOT_FOUND");
  CHECK_FALSE(vbox_result_code("VBoxManage: error: Unknown subcommand: restart\n"));
}

TEST_CASE("virtualbox formats: qcow2 headers written by qemu-img") {
  SC_REQUIRE_PREREQ(test::have_program("qemu-img"), "qemu-img (Debian package qemu-utils)");
  char t[] = "/tmp/sc-vbox-qcow.XXXXXX";
  fs::path dir = mkdtemp(t);
  auto head = [&](const std::string &opts) {
    auto f = (dir / (opts.empty() ? "v3.qcow2" : "v2.qcow2")).string();
    std::vector<std::string> argv{"qemu-img", "create", "-f", "qcow2"};
    if (!opts.empty()) argv.insert(argv.end(), {"-o", opts});
    argv.insert(argv.end(), {f, "16M"});
    auto r = run_process(argv);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->exit_code == 0, r->err);
    return read_file(f)->substr(0, 104);
  };
  auto v3 = parse_qcow2_header(head("")); // qemu-img's default: compat=1.1
  REQUIRE(v3);
  CHECK(v3->version == 3);
  CHECK(qcow2_problem(*v3).find("a qcow2 version 3 image") == 0);
  auto v2 = parse_qcow2_header(head("compat=0.10"));
  REQUIRE(v2);
  CHECK(v2->version == 2);
  CHECK(qcow2_problem(*v2).empty());
  CHECK_FALSE(parse_qcow2_header("KDMV\x01\x00\x00\x00 a VMDK"));
  std::error_code ec;
  fs::remove_all(dir, ec);
}
