// Pre-create checks (exit 3, one line each) and the boot2docker ISO cache / userdata disk.
#include <doctest/doctest.h>
#include <drivers/virtualbox/b2d.hpp>
#include <provision/util/process.hpp>

#include "rig.hpp"

using namespace sc;
using namespace sc::test;

namespace {
std::string precreate_error(Rig &r) {
  auto st = r.d->pre_create_check();
  REQUIRE_FALSE(st);
  CHECK(st.error().code == Errc::precreate);
  CHECK(st.error().message.find('\n') == std::string::npos);
  return st.error().message;
}
} // namespace

TEST_CASE("virtualbox pre-create: VirtualBox older than 6.1 is refused") {
  Rig r;
  r.fake->version = "5.2.44r139111";
  CHECK(precreate_error(r).find("Your VirtualBox install is \"5.2.44r139111\"") !=
        std::string::npos);
}

TEST_CASE("virtualbox pre-create: VT-x missing, unless --virtualbox-no-vtx-check") {
  Rig r;
  r.deps.cpu_has_vtx = [] { return false; };
  r.configure({{"virtualbox-boot2docker-url", "file://" + (r.tmp / "b2d.iso").string()}});
  CHECK(precreate_error(r).find("doesn't have VT-X/AMD-v enabled") != std::string::npos);
  r.configure({{"virtualbox-boot2docker-url", "file://" + (r.tmp / "b2d.iso").string()},
               {"virtualbox-no-vtx-check", "true"}});
  CHECK(r.d->pre_create_check());
}

TEST_CASE("virtualbox pre-create: host-only CIDR clashing with a host interface") {
  Rig r;
  r.deps.host_ifaces = [] {
    return std::vector<vbox::HostIface>{
        {"eth0", *vbox::parse_ipv4("192.168.99.20"), 24, true, false}};
  };
  r.configure({{"virtualbox-boot2docker-url", "file://" + (r.tmp / "b2d.iso").string()}});
  CHECK(precreate_error(r).find("host-only cidr conflicts with the network address of a host "
                                "interface (eth0 has 192.168.99.20/24)") != std::string::npos);
  // The same network on a VirtualBox host-only adapter is no clash.
  r.fake->ifs.push_back({"eth0", "192.168.99.1", "255.255.255.0"});
  CHECK(r.d->pre_create_check());
}

TEST_CASE(
    "virtualbox pre-create: a host network inside the host-only one clashes, a wider one not") {
  Rig r;
  std::vector<vbox::HostIface> host = {
      {"eth1", *vbox::parse_ipv4("192.168.99.130"), 25, true, false}};
  r.deps.host_ifaces = [&] { return host; };
  r.configure({{"virtualbox-boot2docker-url", "file://" + (r.tmp / "b2d.iso").string()}});
  // A /25 inside 192.168.99.0/24.
  CHECK(precreate_error(r).find("(eth1 has 192.168.99.130/25)") != std::string::npos);
  // A /16 LAN or Docker's 192.168.96.0/20 pool around it: the /24 route wins, no clash.
  host = {{"wlan0", *vbox::parse_ipv4("192.168.1.7"), 16, true, false},
          {"br-1", *vbox::parse_ipv4("192.168.96.1"), 20, true, false}};
  CHECK(r.d->pre_create_check());
  // Neighbouring networks, a down interface and loopback do not.
  host = {{"eth2", *vbox::parse_ipv4("192.168.98.1"), 24, true, false},
          {"eth3", *vbox::parse_ipv4("192.168.99.9"), 24, false, false},
          {"lo", *vbox::parse_ipv4("127.0.0.1"), 8, true, true}};
  CHECK(r.d->pre_create_check());
}

TEST_CASE("virtualbox pre-create: duplicate host-only adapters") {
  Rig r;
  r.fake->ifs = {{"vboxnet0", "192.168.99.1", "255.255.255.0"},
                 {"vboxnet1", "192.168.99.1", "255.255.255.0"}};
  CHECK(precreate_error(r) == "VirtualBox is configured with multiple host-only adapters with the "
                              "same IP \"192.168.99.1\". Please remove one.");
}

TEST_CASE("virtualbox pre-create: VirtualBox >= 6.1.28 and /etc/vbox/networks.conf") {
  Rig r;
  r.fake->version = "7.0.14r161095";
  CHECK(precreate_error(r).find("add the line \"* 192.168.99.0/24\"") != std::string::npos);
  std::ofstream(r.deps.networks_conf) << "# allowed\n* 10.0.0.0/8 192.168.0.0/16\n";
  CHECK(r.d->pre_create_check());
  r.configure({{"virtualbox-boot2docker-url", "file://" + (r.tmp / "b2d.iso").string()},
               {"virtualbox-hostonly-cidr", "172.16.5.1/24"}});
  CHECK(precreate_error(r).find("172.16.5.0/24") != std::string::npos);
}

TEST_CASE("virtualbox pre-create: an existing VM of that name is never taken over") {
  Rig r;
  r.fake->vms["dev"] = {"12345678-0000-0000-0000-000000000000", "/elsewhere/dev.vbox"};
  CHECK(precreate_error(r) ==
        "a VirtualBox VM named \"dev\" already exists; swarmctl will not take it over");
}

TEST_CASE("virtualbox pre-create: VBoxManage missing") {
  Rig r;
  r.deps.vbm = nullptr;
  r.configure({});
  setenv("VBOX_INSTALL_PATH", "", 1);
  std::string path = getenv("PATH");
  setenv("PATH", r.tmp.c_str(), 1);
  auto st = r.d->pre_create_check();
  setenv("PATH", path.c_str(), 1);
  REQUIRE_FALSE(st);
  CHECK(st.error().message.find("VBoxManage not found") == 0);
}

TEST_CASE("virtualbox: VBoxManage is found through VBOX_INSTALL_PATH before PATH") {
  Rig r;
  fs::create_directories(r.tmp / "vbox");
  std::ofstream(r.tmp / "vbox" / "VBoxManage") << "#!/bin/sh\necho 7.0.14r161095\n";
  fs::permissions(r.tmp / "vbox" / "VBoxManage", fs::perms(0755));
  setenv("VBOX_INSTALL_PATH", (r.tmp / "vbox").c_str(), 1);
  CHECK(vbox::find_vboxmanage() == (r.tmp / "vbox" / "VBoxManage").string());
  auto v = vbox::make_process_vboxmanage(vbox::find_vboxmanage());
  CHECK(*vbox::vbm_out(*v, {"--version"}) == "7.0.14r161095\n");
  unsetenv("VBOX_INSTALL_PATH");
}

TEST_CASE("virtualbox pre-create: offline with no cached ISO is one clear error") {
  Rig r(Flags{{"virtualbox-boot2docker-url", "http://127.0.0.1:9/boot2docker.iso"}});
  auto msg = precreate_error(r);
  CHECK(msg.find("cannot download the boot2docker ISO from http://127.0.0.1:9/boot2docker.iso") ==
        0);
  CHECK(msg.find("no cached copy in") != std::string::npos);
}

TEST_CASE("virtualbox ISO: downloaded once from file://, checked, then served from the cache") {
  Rig r;
  vbox::IsoSource src{"file://" + (r.tmp / "b2d.iso").string(), "", r.store / "cache"};
  auto p = vbox::ensure_iso(src);
  REQUIRE(p);
  fs::remove(r.tmp / "b2d.iso"); // the source is gone: the cache answers
  auto again = vbox::ensure_iso(src);
  REQUIRE(again);
  CHECK(*again == *p);
  // Default URL maps to cache/boot2docker.iso, like docker-machine.
  CHECK(vbox::iso_cache_path({"", "", r.store / "cache"}) == r.store / "cache" / "boot2docker.iso");
}

TEST_CASE("virtualbox ISO: sha256 mismatch and non-ISO files are refused and not cached") {
  Rig r;
  auto sum = vbox::sha256_file(r.tmp / "b2d.iso");
  REQUIRE(sum);
  auto good = vbox::ensure_iso({"file://" + (r.tmp / "b2d.iso").string(), *sum, r.store / "c1"});
  CHECK(good);
  auto bad = vbox::ensure_iso(
      {"file://" + (r.tmp / "b2d.iso").string(), std::string(64, '0'), r.store / "c2"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("sha256 is " + *sum) != std::string::npos);
  std::ofstream(r.tmp / "page.html") << "<html>rate limited</html>";
  auto html = vbox::ensure_iso({"file://" + (r.tmp / "page.html").string(), "", r.store / "c3"});
  REQUIRE_FALSE(html);
  CHECK(html.error().message.find("is not an ISO image") != std::string::npos);
  CHECK(fs::is_empty(r.store / "c3"));
}

TEST_CASE("virtualbox userdata: docker-machine's tar, readable by tar(1)") {
  Rig r;
  auto raw = r.tmp / "ud.raw";
  REQUIRE(vbox::write_raw_disk(raw, "ssh-rsa AAAAB3Nza test\n", 4 << 20));
  CHECK(fs::file_size(raw) == (4u << 20));
  auto res = run_process({"tar", "-tvf", raw.string()});
  REQUIRE(res);
  CHECK(res->exit_code == 0);
  CHECK(res->out.find("boot2docker, please format-me") != std::string::npos);
  CHECK(res->out.find("drwx------") != std::string::npos);
  CHECK(res->out.find(".ssh/authorized_keys\n") != std::string::npos);
  CHECK(res->out.find(".ssh/authorized_keys2") != std::string::npos);
  auto x = run_process({"tar", "-xOf", raw.string(), ".ssh/authorized_keys"});
  REQUIRE(x);
  CHECK(x->out == "ssh-rsa AAAAB3Nza test\n");
  auto magic = run_process({"tar", "-xOf", raw.string(), "boot2docker, please format-me"});
  CHECK(magic->out == "boot2docker, please format-me");
}
