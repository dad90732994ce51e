// /etc/os-release parsing, facts, provisioner selection.
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/engine/engine.hpp>
#include <provision/engine/facts.hpp>
#include <provision/engine/provisioner.hpp>
#include <provision/templates/render.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>
#include <sys/utsname.h>
#include <tests/support/fake_runner.hpp>

using namespace sc;

namespace {
const char *k_debian12 = R"OS(PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
)OS";
const char *k_ubuntu2204 = R"OS(PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
UBUNTU_CODENAME=jammy
)OS";
const char *k_alpine = R"OS(NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.0
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"
)OS";
const char *k_centos7 = R"OS(NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
)OS";
const char *k_mint = R"OS(NAME="Linux Mint"
VERSION="21.2 (Victoria)"
ID=linuxmint
ID_LIKE="ubuntu debian"
PRETTY_NAME="Linux Mint 21.2"
VERSION_ID="21.2"
)OS";

HostFacts facts_for(const char *os_release, bool systemd) {
  auto os = parse_os_release(os_release);
  REQUIRE(os);
  HostFacts f;
  f.os = *os;
  f.systemd = systemd;
  f.pid1 = systemd ? "systemd" : "sshd";
  f.is_root = true;
  return f;
}

std::string select_name(const char *os, bool systemd, ServiceManager hint = ServiceManager::Auto) {
  auto p = select_provisioner(facts_for(os, systemd), hint);
  REQUIRE_MESSAGE(p, (p ? "" : p.error().message));
  return (*p)->name();
}
} // namespace

TEST_CASE("os-release: Debian 12") {
  auto o = parse_os_release(k_debian12);
  REQUIRE(o);
  CHECK(o->id == "debian");
  CHECK(o->id_like == "");
  CHECK(o->version_id == "12");
  CHECK(o->version_codename == "bookworm");
  CHECK(o->pretty_name == "Debian GNU/Linux 12 (bookworm)");
}

TEST_CASE("os-release: Ubuntu 22.04") {
  auto o = parse_os_release(k_ubuntu2204);
  REQUIRE(o);
  CHECK(o->id == "ubuntu");
  CHECK(o->id_like == "debian");
  CHECK(o->version_id == "22.04");
  CHECK(o->version_codename == "jammy");
  CHECK(o->pretty_name == "Ubuntu 22.04.3 LTS");
}

TEST_CASE("os-release: Alpine (unquoted version) and CentOS (every value quoted)") {
  auto a = parse_os_release(k_alpine);
  REQUIRE(a);
  CHECK(a->id == "alpine");
  CHECK(a->version_id == "3.19.0");
  CHECK(a->pretty_name == "Alpine Linux v3.19");
  auto c = parse_os_release(k_centos7);
  REQUIRE(c);
  CHECK(c->id == "centos");
  CHECK(c->id_like == "rhel fedora");
  CHECK(c->version_id == "7");
  CHECK(c->pretty_name == "CentOS Linux 7 (Core)");
  CHECK(c->version_codename == "");
}

TEST_CASE("os-release: comments, blank lines, junk, single quotes and CRLF") {
  auto o = parse_os_release("# ID=commented-out\n\n   \njunk line without equals\n=novalue\n"
                            "ID='debian'\r\nVERSION_ID=\"11\"\r\nPRETTY_NAME='Debian 11'  \n"
                            "#PRETTY_NAME=\"not this\"\n");
  REQUIRE(o);
  CHECK(o->id == "debian");
  CHECK(o->version_id == "11");
  CHECK(o->pretty_name == "Debian 11");
}

TEST_CASE("os-release: an unbalanced quote is kept and the last assignment wins") {
  auto o = parse_os_release("ID=debian\nID=ubuntu\nPRETTY_NAME=\"half\n");
  REQUIRE(o);
  CHECK(o->id == "ubuntu");
  CHECK(o->pretty_name == "\"half");
}

TEST_CASE("os-release: a file without ID is a parse error") {
  auto o = parse_os_release("NAME=\"Something\"\nPRETTY_NAME=\"Something 1\"\n");
  REQUIRE_FALSE(o);
  CHECK(o.error().code == Errc::parse);
  CHECK(o.error().message.find("ID") != std::string::npos);
  CHECK_FALSE(parse_os_release(""));
}

TEST_CASE("provisioner: Debian and Ubuntu pick systemd when systemd runs, sysvinit otherwise") {
  CHECK(select_name(k_debian12, true) == "debian(systemd)");
  CHECK(select_name(k_debian12, false) == "debian(sysvinit)");
  CHECK(select_name(k_ubuntu2204, true) == "ubuntu(systemd)");
  CHECK(select_name(k_ubuntu2204, false) == "ubuntu(sysvinit)");
  auto p = select_provisioner(facts_for(k_debian12, true), ServiceManager::Auto);
  REQUIRE(p);
  CHECK((*p)->kind() == Provisioner::Kind::Systemd);
  CHECK((*p)->apt());
}

TEST_CASE("provisioner: ID_LIKE debian/ubuntu derivatives are supported as debian") {
  CHECK(select_name(k_mint, true) == "debian(systemd)");
  CHECK(select_name("ID=raspbian\nPRETTY_NAME=\"Raspbian\"\n", false) == "debian(sysvinit)");
  CHECK(select_name("ID=kali\nID_LIKE=debian\n", true) == "debian(systemd)");
  // ID_LIKE matching is by word, not substring.
  auto p = select_provisioner(facts_for("ID=x\nID_LIKE=notdebian\nPRETTY_NAME=\"X OS\"\n", true),
                              ServiceManager::Auto);
  CHECK_FALSE(p);
}

TEST_CASE("provisioner: the driver's service-manager hint overrides detection") {
  CHECK(select_name(k_debian12, true, ServiceManager::Sysvinit) == "debian(sysvinit)");
  CHECK(select_name(k_debian12, false, ServiceManager::Systemd) == "debian(systemd)");
}

TEST_CASE("provisioner: boot2docker has its own provisioner without apt") {
  auto p = select_provisioner(facts_for("ID=boot2docker\n", false), ServiceManager::Auto);
  REQUIRE(p);
  CHECK((*p)->kind() == Provisioner::Kind::Boot2docker);
  CHECK_FALSE((*p)->apt());
}

TEST_CASE("provisioner: Alpine and CentOS are refused with the OS name in the message") {
  auto a = select_provisioner(facts_for(k_alpine, false), ServiceManager::Auto);
  REQUIRE_FALSE(a);
  CHECK(a.error().code == Errc::unsupported);
  CHECK(a.error().message.rfind("OS type not recognized: Alpine Linux v3.19", 0) == 0);
  auto c = select_provisioner(facts_for(k_centos7, true), ServiceManager::Auto);
  REQUIRE_FALSE(c);
  CHECK(c.error().message.rfind("OS type not recognized: CentOS Linux 7 (Core)", 0) == 0);
  // Without PRETTY_NAME the ID is named.
  auto n = select_provisioner(facts_for("ID=gentoo\n", true), ServiceManager::Auto);
  REQUIRE_FALSE(n);
  CHECK(n.error().message.rfind("OS type not recognized: gentoo", 0) == 0);
}

TEST_CASE("facts: the output of facts.sh is parsed section by section") {
  std::string out = std::string("==os-release\n") + k_ubuntu2204 +
                    "==pid1\nsystemd\n==uid\n0\n==sudo\nyes\n==systemd\nyes\n"
                    "==docker\nDocker version 20.10.24+dfsg1, build 297e128\n==arch\nx86_64\n";
  auto f = parse_facts(out);
  REQUIRE(f);
  CHECK(f->os.id == "ubuntu");
  CHECK(f->pid1 == "systemd");
  CHECK(f->systemd);
  CHECK(f->is_root);
  CHECK(f->has_sudo);
  CHECK(f->has_docker);
  CHECK(f->docker_version == "20.10.24+dfsg1");
  CHECK(f->arch == "x86_64");
}

TEST_CASE("facts: IPv4 addresses from `ip -o -4 addr show` tell which interface holds an address") {
  // Real output (iproute2 6.1, an EC2 Nitro instance, a veth in a namespace, a docker bridge).
  std::string out =
      std::string("==os-release\n") + k_debian12 +
      "==pid1\nsystemd\n==uid\n0\n==sudo\nyes\n==systemd\nyes\n==docker\nnone\n==arch\nx86_64\n"
      "==ipv4\n"
      "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
      "2: ens5    inet 172.31.20.7/20 metric 100 brd 172.31.31.255 scope global dynamic ens5\\     "
      "  valid_lft 3389sec preferred_lft 3389sec\n"
      "3: eth1@if12    inet 192.168.99.10/24 brd 192.168.99.255 scope global eth1\\       "
      "valid_lft forever preferred_lft forever\n"
      "4: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft "
      "forever preferred_lft forever\n";
  auto f = parse_facts(out);
  REQUIRE(f);
  REQUIRE(f->ipv4.size() == 4);
  CHECK(f->ipv4[1] == std::pair<std::string, std::string>{"ens5", "172.31.20.7"});
  CHECK(interface_with_address(*f, "172.31.20.7") == "ens5");
  CHECK(interface_with_address(*f, "192.168.99.10") == "eth1");
  CHECK(interface_with_address(*f, "127.0.0.1") == ""); // loopback names no cluster interface
  // A NAT'ed public address is on no interface; a prefix of an address is not the address.
  CHECK(interface_with_address(*f, "54.12.3.4") == "");
  CHECK(interface_with_address(*f, "172.31.20") == "");
  // A host without `ip` prints nothing in the section: nothing known.
  auto g = parse_facts(std::string("==os-release\n") + k_debian12 + "==pid1\nsystemd\n==ipv4\n");
  REQUIRE(g);
  CHECK(g->ipv4.empty());
  CHECK(parse_ipv4_addrs("garbage\n2: eth0 inet6 fe80::1/64 scope link\n").empty());
}

TEST_CASE("facts: systemd counts only when it is PID 1; no docker, non-root user") {
  std::string out = std::string("==os-release\n") + k_debian12 +
                    "==pid1\nswarmctl-init\n==uid\n1000\n==sudo\nno\n==systemd\nyes\n=="
                    "docker\nnone\n==arch\naarch64\n";
  auto f = parse_facts(out);
  REQUIRE(f);
  CHECK_FALSE(f->systemd);
  CHECK_FALSE(f->is_root);
  CHECK_FALSE(f->has_sudo);
  CHECK_FALSE(f->has_docker);
  CHECK(f->docker_version == "");
  CHECK(f->arch == "aarch64");
  CHECK(select_name(k_debian12, f->systemd) == "debian(sysvinit)");
  // A non-root user runs scripts through sudo -n; root does not.
  CHECK(script_command(*f).rfind("sudo -n sh -c '", 0) == 0);
  f->is_root = true;
  CHECK(script_command(*f).rfind("sh -c '", 0) == 0);
}

TEST_CASE("facts: a host without /etc/os-release is not recognized") {
  auto f = parse_facts("==os-release\n==pid1\nsystemd\n==uid\n0\n");
  REQUIRE_FALSE(f);
  CHECK(f.error().code == Errc::unsupported);
  CHECK(f.error().message.find("OS type not recognized") != std::string::npos);
}

TEST_CASE("facts: gather_facts sends facts.sh in one round trip and parses the answer") {
  test::FakeRunner r;
  r.on_contains("==os-release", {0,
                                 std::string("==os-release\n") + k_debian12 +
                                     "==pid1\nsystemd\n==uid\n0\n==sudo\nno\n==systemd\nyes\n=="
                                     "docker\nnone\n==arch\nx86_64\n",
                                 ""});
  auto f = gather_facts(r);
  REQUIRE(f);
  CHECK(r.commands.size() == 1);
  CHECK(f->os.id == "debian");
  CHECK(f->systemd);
  test::FakeRunner bad;
  bad.on_contains("==os-release", {127, "", "sh: 1: cat: not found"});
  auto e = gather_facts(bad);
  REQUIRE_FALSE(e);
  CHECK(e.error().code == Errc::remote_failed);
  CHECK(e.error().message.find("detect the host: exited 127") != std::string::npos);
}

TEST_CASE("facts.sh: run here, its output parses to this machine's facts") {
  // The script as sent to hosts, run by bash on this machine: what it reports is checked
  // against what the test reads itself.
  auto script = render_template("engine/facts.sh", {});
  REQUIRE(script);
  auto r = run_process({"bash", "-c", *script});
  REQUIRE(r);
  REQUIRE(r->exit_code == 0);
  auto f = parse_facts(r->out);
  REQUIRE(f);
  CHECK(f->is_root == (::getuid() == 0));
  struct utsname u {};
  REQUIRE(::uname(&u) == 0);
  CHECK(f->arch == u.machine);
  auto comm = read_file("/proc/1/comm");
  if (comm) CHECK(f->pid1 + "\n" == *comm);
  CHECK(f->systemd == std::filesystem::is_directory("/run/systemd/system"));
  auto os = read_file("/etc/os-release");
  if (os) {
    auto want = parse_os_release(*os);
    REQUIRE(want);
    CHECK(f->os.id == want->id);
    CHECK(f->os.version_id == want->version_id);
  }
}
