// --virtualbox-image: a cloud image converted by VBoxManage and a cloud-init NoCloud seed ISO.
#include <doctest/doctest.h>
#include <drivers/virtualbox/cloudinit.hpp>
#include <map>
#include <provision/util/process.hpp>
#include <tests/support/require.hpp>

#include "rig.hpp"

using namespace sc;
using namespace sc::test;

TEST_CASE("virtualbox image: create clones the image, resizes it and boots from disk with a "
          "NoCloud seed") {
  Rig probe;
  std::ofstream(probe.tmp / "jammy.qcow2") << "QFI\xfb fake image";
  Rig r(Flags{{"virtualbox-image", (probe.tmp / "jammy.qcow2").string()}});
  REQUIRE(r.d->pre_create_check());
  CHECK(r.fake->calls == std::vector<std::string>{"--version", "showvminfo dev --machinereadable",
                                                  "list hostonlyifs"});
  r.fake->reset_calls();
  auto st = r.d->create();
  REQUIRE_MESSAGE(st, (st ? "" : st.error().message));
  auto D = r.dir.string();
  auto img = (probe.tmp / "jammy.qcow2").string();
  auto j = r.d->to_json();
  std::string mac1 = j["MACNat"], mac2 = j["MACHostOnly"];
  CHECK(mac1.size() == 12);
  CHECK(mac1.rfind("080027", 0) == 0);
  CHECK(mac1 != mac2);
  std::vector<std::string> want{
      "clonemedium disk " + img + " " + D + "/disk.vdi --format VDI",
      "closemedium disk " + img,
      "showmediuminfo disk " + D + "/disk.vdi",
      "modifymedium disk " + D + "/disk.vdi --resize 20000",
      "createvm --basefolder " + D + " --name dev --register",
      "modifyvm dev --firmware bios --bioslogofadein off --bioslogofadeout off "
      "--bioslogodisplaytime 0 --biosbootmenu disabled "
      "--ostype Linux26_64 --cpus 1 --memory 1024 --acpi on --ioapic on --rtcuseutc on "
      "--natdnshostresolver1 off --natdnsproxy1 on "
      "--cpuhotplug off --pae on --hpet on --hwvirtex on --nestedpaging on --largepages on "
      "--vtxvpid on --accelerate3d off --boot1 disk",
      "modifyvm dev --nic1 nat --nictype1 82540EM --cableconnected1 on --macaddress1 " + mac1,
      "storagectl dev --name SATA --add sata --hostiocache on",
      "storageattach dev --storagectl SATA --port 0 --device 0 --type dvddrive --medium " + D +
          "/seed.iso",
      "storageattach dev --storagectl SATA --port 1 --device 0 --type hdd --medium " + D +
          "/disk.vdi",
  };
  REQUIRE(r.fake->calls.size() > want.size());
  CHECK(std::vector<std::string>(r.fake->calls.begin(),
                                 r.fake->calls.begin() + static_cast<long>(want.size())) == want);
  bool nic2 = false;
  for (const auto &c : r.fake->calls)
    if (c == "modifyvm dev --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny "
             "--hostonlyadapter2 vboxnet0 --cableconnected2 on --macaddress2 " +
                 mac2)
      nic2 = true;
  CHECK(nic2);
  CHECK(r.fake->calls.back() == "startvm dev --type headless");
  CHECK_FALSE(fs::exists(r.store / "cache" / "boot2docker.iso"));
  CHECK(r.d->ssh_endpoint()->user == "docker");
  REQUIRE(r.d->remove());
  CHECK_FALSE(fs::exists(r.dir / "seed.iso"));
  CHECK(r.fake->vms.empty());
}

TEST_CASE("virtualbox image: seed ISO is an ISO9660 volume 'cidata' with user-data, meta-data, "
          "network-config, as isoinfo reads it") {
  vbox::SeedConfig c{"node1", "swarmctl-1234", "ssh-rsa AAAAB3NzaC1yc2E test", "0800271a2b3c",
                     "0800274d5e6f"};
  auto ud = vbox::nocloud_user_data(c);
  CHECK(ud.rfind("#cloud-config\n", 0) == 0);
  CHECK(ud.find("  - name: docker\n") != std::string::npos);
  CHECK(ud.find("      - ssh-rsa AAAAB3NzaC1yc2E test\n") != std::string::npos);
  CHECK(vbox::nocloud_network_config(c).find(
            "macaddress: \"08:00:27:4d:5e:6f\"\n    set-name: eth1") != std::string::npos);
  auto iso = vbox::nocloud_seed_iso(c);
  REQUIRE(iso);
  CHECK(iso->size() % 2048 == 0);
  char t[] = "/tmp/sc-vbox-iso.XXXXXX";
  fs::path dir = mkdtemp(t);
  auto path = (dir / "seed.iso").string();
  REQUIRE(atomic_write(path, *iso, 0644));
  // Read back by independent readers: util-linux's blkid (what cloud-init's NoCloud looks for: a
  // filesystem labelled cidata) and genisoimage's isoinfo (the Rock Ridge names and contents).
  SC_REQUIRE_PREREQ(test::have_program("blkid"), "blkid (util-linux)");
  auto b = run_process({"blkid", "-p", "-o", "export", path});
  REQUIRE(b);
  CHECK(b->out.find("LABEL=cidata") != std::string::npos);
  CHECK(b->out.find("TYPE=iso9660") != std::string::npos);
  SC_REQUIRE_PREREQ(test::have_program("isoinfo"), "isoinfo (Debian package genisoimage)");
  auto pvd = run_checked({"isoinfo", "-d", "-i", path});
  REQUIRE(pvd);
  CHECK(pvd->out.find("Volume id: CIDATA") != std::string::npos); // ISO9660's d-characters
  CHECK(pvd->out.find("Joliet with UCS level 3 found") != std::string::npos);
  CHECK(pvd->out.find("Rock Ridge signatures version") != std::string::npos);
  auto names = run_checked({"isoinfo", "-R", "-f", "-i", path});
  REQUIRE(names);
  CHECK(names->out == "/meta-data\n/network-config\n/user-data\n");
  auto file = [&](const std::string &name) {
    auto r = run_checked({"isoinfo", "-R", "-i", path, "-x", "/" + name});
    REQUIRE(r);
    return r->out;
  };
  CHECK(file("user-data") == ud);
  CHECK(file("meta-data") == "instance-id: swarmctl-1234\nlocal-hostname: node1\n");
  CHECK(file("network-config") == vbox::nocloud_network_config(c));
  std::error_code ec;
  fs::remove_all(dir, ec);
}
