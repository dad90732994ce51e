// What a real VirtualBox 6.1/7.x does that a plain stand-in would not: VirtualBox 7's
// aborted-saved and transient VMStates, guru meditation, a translated "VM not found", a
// VBoxManage without `dhcpserver restart`, macOS host-only networks, ARM hosts, qcow2 v3 images.
// FakeVBox answers in the formats of VirtualBox's source (fake_vbox_out.hpp, fake_vbox_lists.cpp).
#include <doctest/doctest.h>
#include <provision/util/process.hpp>
#include <tests/support/require.hpp>

#include "rig.hpp"

using namespace sc;
using namespace sc::test;

namespace {
const std::string k_show = "showvminfo dev --machinereadable";
bool called(const Rig &r, const std::string &prefix) {
  for (const auto &c : r.fake->calls)
    if (c.rfind(prefix, 0) == 0) return true;
  return false;
}
} // namespace

TEST_CASE("virtualbox states: an aborted-saved VM (VirtualBox 7) is discarded and booted afresh") {
  Rig r;
  REQUIRE(r.d->create());
  r.fake->vms.at("dev").state = "aborted-saved";
  CHECK(*r.d->state() == State::Stopped);
  CHECK(r.d->kill()); // nothing runs: nothing to power off
  CHECK(r.d->stop());
  r.fake->reset_calls();
  auto st = r.d->start();
  REQUIRE_MESSAGE(st, (st ? "" : st.error().message));
  REQUIRE(r.fake->calls.size() > 3);
  CHECK(r.fake->calls[0] == k_show);
  CHECK(r.fake->calls[1] == "discardstate dev");
  CHECK(r.fake->calls[2] == "list hostonlyifs"); // a cold boot: network set up again
  CHECK(r.fake->calls.back() == "startvm dev --type headless");
  CHECK(r.fake->vms.at("dev").state == "running");
  CHECK(r.ui_output().find("dev has an aborted saved state: discarding it") != std::string::npos);
}

TEST_CASE("virtualbox states: a saved VM resumes without modifyvm (VirtualBox refuses it)") {
  Rig r;
  REQUIRE(r.d->create());
  r.fake->vms.at("dev").state = "saved";
  r.fake->reset_calls();
  REQUIRE(r.d->start());
  CHECK(r.fake->calls == std::vector<std::string>{k_show, "startvm dev --type headless"});
}

TEST_CASE("virtualbox states: transient states are waited out before acting") {
  Rig r;
  REQUIRE(r.d->create());
  r.fake->vms.at("dev").state = "poweroff";
  r.fake->next_states = {"saving", "saving", "saved"};
  r.fake->reset_calls();
  REQUIRE(r.d->start());
  CHECK(r.fake->calls ==
        std::vector<std::string>{k_show, k_show, k_show, "startvm dev --type headless"});
  r.fake->next_states = {"snapshotting", "snapshotting", "snapshotting", "snapshotting",
                         "snapshotting", "snapshotting", "snapshotting", "snapshotting"};
  r.fake->vms.at("dev").state = "snapshotting";
  auto st = r.d->start(); // never settles within the deadline (300 ms in the rig)
  REQUIRE_FALSE(st);
  CHECK(st.error().message.find("VMState is snapshotting") != std::string::npos);
}

TEST_CASE("virtualbox states: guru meditation: start refuses with what to do, stop powers off") {
  Rig r;
  REQUIRE(r.d->create());
  r.fake->vms.at("dev").state = "gurumeditation";
  CHECK(*r.d->state() == State::Error);
  auto st = r.d->start();
  REQUIRE_FALSE(st);
  CHECK(st.error().message ==
        "the VirtualBox VM dev is in guru meditation (stopped by a fatal guest error): "
        "`swarmctl kill dev` powers it off, then start it again");
  r.fake->reset_calls();
  REQUIRE(r.d->stop());
  CHECK(r.fake->calls == std::vector<std::string>{k_show, "controlvm dev poweroff"});
}

TEST_CASE("virtualbox states: a missing VM is recognised by VBOX_E_OBJECT_NOT_FOUND, translated") {
  Rig r;
  REQUIRE(r.d->create());
  r.fake->vms.erase("dev"); // deleted in the VirtualBox GUI
  r.fake->not_found_message = "Keine registrierte Maschine namens 'dev' gefunden";
  auto s = r.d->state();
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::not_found);
  CHECK(s.error().message == "machine does not exist: no VirtualBox VM named \"dev\"");
  CHECK(r.d->remove()); // rm of a VM already gone succeeds and cleans up
  CHECK_FALSE(fs::exists(r.dir / "disk.vmdk"));
}

TEST_CASE("virtualbox DHCP: no `dhcpserver restart` (some 6.1 releases): one warning, what to do") {
  Rig r;
  r.fake->no_dhcp_restart = true;
  REQUIRE(r.d->create());
  auto out = r.ui_output();
  CHECK(out.find("this VirtualBox has no `dhcpserver restart` (Unknown subcommand: restart): if "
                 "its DHCP server on vboxnet0 already runs for other VMs, dev gets a dynamic "
                 "address instead of 192.168.99.10") != std::string::npos);
  CHECK(r.fake->vms.at("dev").state == "running"); // the create went on
}

TEST_CASE("virtualbox DHCP: a server that runs for no VM is fine to leave (it starts afresh)") {
  Rig r;
  REQUIRE(r.d->create()); // the first VM: the server is not running yet ("not running")
  CHECK(r.ui_output().find("dhcpserver restart") == std::string::npos);
  Rig other(Flags{}, "dev2");
  other.fake = r.fake; // the same VirtualBox: dev runs, so its DHCP server does
  other.deps.vbm = r.fake;
  other.configure({{"virtualbox-boot2docker-url", "file://" + (other.tmp / "b2d.iso").string()}});
  REQUIRE(other.d->create());
  CHECK(other.ui_output().find("dhcpserver restart") == std::string::npos);
}

TEST_CASE("virtualbox pre-create: macOS VirtualBox 7 (host-only networks only) is one clear line") {
  Rig r;
  r.fake->version = "7.0.14r161095";
  r.fake->no_hostonlyifs = true;
  std::ofstream(r.deps.networks_conf) << "* 192.168.99.0/24\n";
  auto st = r.d->pre_create_check();
  REQUIRE_FALSE(st);
  CHECK(st.error().code == Errc::precreate);
  CHECK(st.error().message ==
        "this VirtualBox 7.0.14 has no host-only adapters (`VBoxManage list hostonlyifs: Unknown "
        "subcommand \"hostonlyifs\".`), only host-only networks (`hostonlynet`, macOS): their DHCP "
        "server cannot give a VM a fixed address, which this driver needs; use VirtualBox on a "
        "Linux host");
}

TEST_CASE("virtualbox create: `hostonlyif create` unknown (host-only networks only) is one line") {
  Rig r;
  r.fake->no_hostonlyif_create = true;
  auto st = r.d->create();
  REQUIRE_FALSE(st);
  CHECK(st.error().message ==
        "host-only network: VBoxManage hostonlyif create: Unknown sub-command 'create': this "
        "VirtualBox has no host-only adapters, only host-only networks (`hostonlynet`, macOS), "
        "whose DHCP server cannot give a VM a fixed address; use VirtualBox on a Linux host");
  CHECK(r.d->remove());       // the flow's rollback of a failed create
  CHECK(r.fake->vms.empty()); // left nothing
}

TEST_CASE("virtualbox pre-create: an ARM host (Apple silicon, VirtualBox 7.1+) is refused") {
  Rig r;
  for (const char *arch : {"arm64", "aarch64"}) {
    r.deps.host_arch = [arch] { return std::string(arch); };
    r.configure({{"virtualbox-boot2docker-url", "file://" + (r.tmp / "b2d.iso").string()}});
    auto st = r.d->pre_create_check();
    REQUIRE_FALSE(st);
    CHECK(st.error().code == Errc::precreate);
    CHECK(st.error().message.find(std::string("this host is ") + arch) == 0);
    CHECK(st.error().message.find('\n') == std::string::npos);
  }
  r.deps.host_arch = [] { return std::string("x86_64"); };
  r.configure({{"virtualbox-boot2docker-url", "file://" + (r.tmp / "b2d.iso").string()}});
  CHECK(r.d->pre_create_check());
}

TEST_CASE("virtualbox image: a qcow2 v3 image without qemu-img is refused before anything") {
  SC_REQUIRE_PREREQ(test::have_program("qemu-img"), "qemu-img (Debian package qemu-utils)");
  Rig probe;
  auto img = (probe.tmp / "jammy.qcow2").string();
  REQUIRE(run_checked({"qemu-img", "create", "-f", "qcow2", img, "64M"}));
  Rig r;
  r.deps.qemu_img = ""; // none on this host
  r.configure({{"virtualbox-image", img}});
  auto st = r.d->pre_create_check();
  REQUIRE_FALSE(st);
  CHECK(st.error().message ==
        "--virtualbox-image: " + img +
            " is a qcow2 version 3 image (qemu-img's default), which VirtualBox cannot read "
            "reliably; install qemu-img (Debian/Ubuntu: qemu-utils) and swarmctl converts it, or "
            "convert it yourself: qemu-img convert -O vdi " +
            img + " " + img + ".vdi");
}

TEST_CASE("virtualbox image: a qcow2 v3 image is converted to VDI by qemu-img, not clonemedium") {
  SC_REQUIRE_PREREQ(test::have_program("qemu-img"), "qemu-img (Debian package qemu-utils)");
  Rig probe;
  auto img = (probe.tmp / "jammy.qcow2").string();
  REQUIRE(run_checked({"qemu-img", "create", "-f", "qcow2", img, "64M"}));
  Rig r(Flags{{"virtualbox-image", img}});
  REQUIRE(r.d->pre_create_check());
  r.fake->reset_calls();
  auto st = r.d->create();
  REQUIRE_MESSAGE(st, (st ? "" : st.error().message));
  CHECK_FALSE(called(r, "clonemedium"));
  CHECK(r.fake->calls.front() == "showmediuminfo disk " + (r.dir / "disk.vdi").string());
  // qemu-img itself (an independent reader) says what was written.
  auto info = run_checked({"qemu-img", "info", "--output=json", (r.dir / "disk.vdi").string()});
  REQUIRE(info);
  CHECK(info->out.find("\"format\": \"vdi\"") != std::string::npos);
  CHECK(info->out.find("\"virtual-size\": 67108864") != std::string::npos);
  // A version 2 image goes to VirtualBox's own clonemedium.
  auto v2 = (probe.tmp / "old.qcow2").string();
  REQUIRE(run_checked({"qemu-img", "create", "-f", "qcow2", "-o", "compat=0.10", v2, "64M"}));
  Rig r2(Flags{{"virtualbox-image", v2}});
  REQUIRE(r2.d->create());
  CHECK(called(r2, "clonemedium disk " + v2));
}
