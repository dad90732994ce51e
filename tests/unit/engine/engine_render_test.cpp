// The engine scripts as provision/engine renders them: goldens, bash -n, hostile option values.
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/engine/engine.hpp>
#include <provision/util/process.hpp>
#include <provision/util/shell_quote.hpp>
#include <sstream>
#include <tests/support/fake_runner.hpp>
#include <tests/support/golden.hpp>
#include <tests/support/hostile.hpp>

using namespace sc;
namespace fs = std::filesystem;

namespace {
using test::TempDir;

EngineConfig sample_config() {
  EngineConfig c;
  c.hostname = "node1";
  c.labels = {"env=prod", "provider=generic"};
  c.insecure_registries = {"reg.local:5000"};
  c.registry_mirrors = {"https://mirror.example.com"};
  c.arbitrary_flags = {"log-level=debug"};
  c.env = {"HTTP_PROXY=http://proxy:3128"};
  c.ca_pem = "-----BEGIN CERTIFICATE-----\nCAFAKE\n-----END CERTIFICATE-----";
  c.server_pem = "-----BEGIN CERTIFICATE-----\nSERVERFAKE\n-----END CERTIFICATE-----\n";
  c.server_key_pem = "-----BEGIN PRIVATE KEY-----\nKEYFAKE\n-----END PRIVATE KEY-----\n";
  return c;
}

std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void check_bash_syntax(const std::string &script) {
  TempDir t;
  std::ofstream(t.path / "s.sh", std::ios::binary) << script;
  auto r = run_process({"bash", "-n", (t.path / "s.sh").string()});
  REQUIRE(r);
  INFO("bash -n: " << r->err);
  CHECK(r->exit_code == 0);
}

// Text between `from` (included) and `to` (excluded); both must be present.
std::string between(const std::string &s, const std::string &from, const std::string &to) {
  auto a = s.find(from);
  REQUIRE_MESSAGE(a != std::string::npos, "missing: " << from);
  auto b = s.find(to, a + from.size());
  REQUIRE_MESSAGE(b != std::string::npos, "missing: " << to);
  return s.substr(a, b - a);
}

void replace_all(std::string &s, const std::string &from, const std::string &to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
}

// Inverse of systemd's quoting of ExecStart words: "..." with \\ \" \n escapes, $$ and %%.
// systemd's unquoting: ExecStart= turns $$ into $ (it expands variables), Environment= does not
// (`dollars` false); both turn %% into %.
std::vector<std::string> systemd_unquote_words(const std::string &line, bool dollars = true) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      ++i;
      continue;
    }
    REQUIRE_MESSAGE(line[i] == '"', "unquoted word at " << i << " in " << line);
    std::string w;
    ++i;
    while (i < line.size() && line[i] != '"') {
      if (line[i] == '\\' && i + 1 < line.size()) {
        char n = line[i + 1];
        w += n == 'n' ? '\n' : n;
        i += 2;
      } else if (((line[i] == '$' && dollars) || line[i] == '%') && i + 1 < line.size() &&
                 line[i + 1] == line[i]) {
        w += line[i];
        i += 2;
      } else {
        w += line[i++];
      }
    }
    REQUIRE(i < line.size());
    ++i;
    words.push_back(w);
  }
  return words;
}

const Provisioner k_systemd("debian(systemd)", Provisioner::Kind::Systemd);
const Provisioner k_sysvinit("debian(sysvinit)", Provisioner::Kind::Sysvinit);
const Provisioner k_b2d("boot2docker", Provisioner::Kind::Boot2docker);
} // namespace

// The expectation is docker-machine 0.16.2's own ExecStart line, as it sent it over SSH for
// `create -d generic` (shared/reference/docker-machine-generic-trace.md, command #16), then its
// template's order for the rest (docker-machine.md 4.5: labels, insecure registries, mirrors,
// arbitrary flags).
TEST_CASE("engine: dockerd arguments come in docker-machine's order") {
  auto words = [](const std::string &line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string x; in >> x;)
      w.push_back(x);
    return w;
  };
  const std::string recorded =
      "/usr/bin/dockerd -H tcp://0.0.0.0:2376 -H unix:///var/run/docker.sock --storage-driver "
      "overlay2 --tlsverify --tlscacert /etc/docker/ca.pem --tlscert /etc/docker/server.pem "
      "--tlskey /etc/docker/server-key.pem --label provider=generic ";
  auto want = words(recorded);
  want.erase(want.begin()); // the program
  EngineConfig generic;
  generic.labels = {"provider=generic"};
  CHECK(dockerd_args(generic) == want);

  want.erase(want.end() - 2, want.end()); // the label
  for (auto w : words("--label env=prod --label provider=generic --insecure-registry "
                      "reg.local:5000 --registry-mirror https://mirror.example.com "
                      "--log-level=debug"))
    want.push_back(w);
  CHECK(dockerd_args(sample_config()) == want);
  auto c = sample_config();
  c.port = 3376;
  c.storage_driver = "";
  auto b = dockerd_args(c);
  CHECK(b[1] == "tcp://0.0.0.0:3376");
  CHECK(b[5] == "overlay2");
}

TEST_CASE("engine: set_advertise_interface replaces only the interface of cluster-advertise") {
  std::vector<std::string> flags = {"cluster-store=etcd://192.168.99.10:2379",
                                    "cluster-advertise=ens5:2376", "log-level=debug"};
  CHECK(set_advertise_interface(flags, "eth0") == "ens5");
  CHECK(flags[1] == "cluster-advertise=eth0:2376");
  CHECK(flags[0] == "cluster-store=etcd://192.168.99.10:2379");
  CHECK(flags[2] == "log-level=debug");
  // Already right, or nothing known: unchanged, "" returned.
  CHECK(set_advertise_interface(flags, "eth0") == "");
  CHECK(set_advertise_interface(flags, "") == "");
  CHECK(flags[1] == "cluster-advertise=eth0:2376");
  // Without a port, and without the flag at all.
  std::vector<std::string> bare = {"cluster-advertise=eth1"};
  CHECK(set_advertise_interface(bare, "enp0s8") == "eth1");
  CHECK(bare[0] == "cluster-advertise=enp0s8");
  std::vector<std::string> none = {"cluster-store=consul://c:8500"};
  CHECK(set_advertise_interface(none, "eth0") == "");
  CHECK(none == std::vector<std::string>{"cluster-store=consul://c:8500"});
}

TEST_CASE("engine: systemd_quote escapes what systemd would expand") {
  CHECK(systemd_quote("plain") == "\"plain\"");
  CHECK(systemd_quote("a$b%c") == "\"a$$b%%c\"");
  CHECK(systemd_quote("q\"b\\") == "\"q\\\"b\\\\\"");
  CHECK(systemd_quote("n\nl") == "\"n\\nl\"");
}

TEST_CASE("engine: configure scripts for systemd, sysvinit and boot2docker match their goldens and "
          "pass bash -n") {
  struct K {
    const Provisioner *p;
    const char *golden;
  };
  for (auto k : {K{&k_systemd, "engine/configure-systemd.sh.golden"},
                 K{&k_sysvinit, "engine/configure-sysvinit.sh.golden"},
                 K{&k_b2d, "engine/configure-boot2docker.sh.golden"}}) {
    INFO(k.p->name());
    auto s = render_configure_script(*k.p, sample_config());
    REQUIRE(s);
    test::check_golden(k.golden, *s);
    check_bash_syntax(*s);
    // The PEMs end up in the script whole (a missing final newline is added).
    CHECK(
        s->find(
            "-----BEGIN CERTIFICATE-----\nCAFAKE\n-----END CERTIFICATE-----\nSWARMCTL_CA_EOF\n") !=
        std::string::npos);
    CHECK(s->find("KEYFAKE") != std::string::npos);
  }
}

TEST_CASE("engine: install scripts (package, package for sysvinit, script) match their goldens") {
  HostFacts f;
  f.is_root = true;
  auto c = sample_config();
  c.version = "20.10";
  auto pkg = render_install_script(f, k_systemd, c);
  REQUIRE(pkg);
  test::check_golden("engine/install-package-systemd.sh.golden", *pkg);
  check_bash_syntax(*pkg);
  CHECK(pkg->find("\nsysvinit=no\n") != std::string::npos);
  auto sysv = render_install_script(f, k_sysvinit, c);
  REQUIRE(sysv);
  CHECK(sysv->find("\nsysvinit=yes\n") != std::string::npos);
  c.install_method = "script";
  c.install_url = "https://get.example.com/docker.sh";
  auto scr = render_install_script(f, k_systemd, c);
  REQUIRE(scr);
  test::check_golden("engine/install-script.sh.golden", *scr);
  check_bash_syntax(*scr);
  c.install_method = "magic";
  auto bad = render_install_script(f, k_systemd, c);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("magic") != std::string::npos);
}

TEST_CASE("engine: hostile hostname, labels and env reach the systemd drop-in verbatim") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  auto c = sample_config();
  c.labels.clear();
  c.env.clear();
  for (const auto &v : test::hostile_values(marker)) {
    if (v.find_first_of("\r\n") != std::string::npos) continue; // refused: see below
    c.labels.push_back(v);
    c.env.push_back("V=" + v);
  }
  auto s = render_configure_script(k_systemd, c);
  REQUIRE(s);
  check_bash_syntax(*s);
  // Run only the drop-in writer, into a file of ours.
  auto block = between(*s, "{\n  printf '[Service]", "systemctl daemon-reload");
  replace_all(block, "/etc/systemd/system/docker.service.d/10-machine.conf",
              shell_quote((t.path / "drop-in.conf").string()));
  auto r = run_process({"bash", "-c", "dockerd=/usr/bin/dockerd\n" + block});
  REQUIRE(r);
  CHECK(r->exit_code == 0);
  auto conf = slurp(t.path / "drop-in.conf");
  REQUIRE(conf.rfind("[Service]\nExecStart=\nExecStart=/usr/bin/dockerd ", 0) == 0);
  auto rest = conf.substr(std::string("[Service]\nExecStart=\nExecStart=/usr/bin/dockerd ").size());
  auto nl = rest.find('\n');
  CHECK(systemd_unquote_words(rest.substr(0, nl)) == dockerd_args(c));
  // One Environment= line per variable, systemd-quoted.
  std::vector<std::string> env;
  size_t p = nl + 1;
  while (p < rest.size()) {
    auto e = rest.find('\n', p);
    auto line = rest.substr(p, e - p);
    REQUIRE(line.rfind("Environment=", 0) == 0);
    auto w = systemd_unquote_words(line.substr(12), false);
    REQUIRE(w.size() == 1);
    env.push_back(w[0]);
    p = e + 1;
  }
  CHECK(env == c.env);
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("engine: hostile labels and env reach the sysvinit defaults file verbatim") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  auto c = sample_config();
  c.labels.clear();
  c.env.clear();
  int i = 0;
  for (const auto &v : test::hostile_values(marker)) {
    if (v.find_first_of("\r\n") != std::string::npos) continue; // refused: see below
    c.labels.push_back(v);
    c.env.push_back("V" + std::to_string(i++) + "=" + v);
  }
  auto s = render_configure_script(k_sysvinit, c);
  REQUIRE(s);
  check_bash_syntax(*s);
  auto block =
      between(*s, "cat > /etc/default/swarmctl-docker <<", "cat > /etc/init.d/swarmctl-docker");
  auto defaults = (t.path / "defaults").string();
  replace_all(block, "/etc/default/swarmctl-docker", shell_quote(defaults));
  auto w = run_process({"bash", "-c", block});
  REQUIRE(w);
  CHECK(w->exit_code == 0);
  // The init script sources the file with bash: the array and the exports come out verbatim.
  std::string dump =
      ". " + shell_quote(defaults) + "\nprintf '%s\\0' \"${DOCKERD_ARGS[@]}\"\nprintf 'ENV\\0'\n";
  for (int k = 0; k < i; ++k)
    dump += "printf '%s\\0' \"$V" + std::to_string(k) + "\"\n";
  auto r = run_process({"bash", "-c", dump});
  REQUIRE(r);
  CHECK(r->exit_code == 0);
  std::vector<std::string> got;
  size_t st = 0;
  for (size_t k = 0; k < r->out.size(); ++k)
    if (r->out[k] == '\0') got.push_back(r->out.substr(st, k - st)), st = k + 1;
  auto want = dockerd_args(c);
  want.push_back("ENV");
  for (const auto &v : test::hostile_values(marker))
    if (v.find_first_of("\r\n") == std::string::npos) want.push_back(v);
  CHECK(got == want);
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("engine: a hostile hostname is assigned verbatim in the configure script") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &v : test::hostile_values(marker)) {
    INFO("[" << v << "]");
    auto c = sample_config();
    c.hostname = v;
    auto s = render_configure_script(k_systemd, c);
    REQUIRE(s);
    auto cut = s->find("\nhostname \"$name\"");
    REQUIRE(cut != std::string::npos);
    auto r = run_process({"bash", "-c", s->substr(0, cut) + "\nprintf %s \"$name\""});
    REQUIRE(r);
    CHECK(r->out == v);
  }
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE(
    "engine: a value containing the heredoc terminator cannot escape the sysvinit defaults file") {
  // Product bug: service_block() (provision/engine/engine.cpp) puts shell_quote'd values inside a
  // quoted heredoc ending at a line "SWARMCTL_DEFAULTS_EOF"; a label containing
  // "\nSWARMCTL_DEFAULTS_EOF\n" ends the heredoc early and the following line runs as a command on
  // the host.
  TempDir t;
  auto marker = (t.path / "pwned").string();
  auto c = sample_config();
  c.labels = {"x\nSWARMCTL_DEFAULTS_EOF\ntouch " + marker + "\ncat <<'SWARMCTL_DEFAULTS_EOF'\n"};
  auto s = render_configure_script(k_sysvinit, c);
  if (!s) return; // refusing the value is fine
  auto block =
      between(*s, "cat > /etc/default/swarmctl-docker <<", "cat > /etc/init.d/swarmctl-docker");
  replace_all(block, "/etc/default/swarmctl-docker", shell_quote((t.path / "defaults").string()));
  auto r = run_process({"bash", "-c", block});
  REQUIRE(r);
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("engine: sourcing the boot2docker profile runs nothing from a label value") {
  // Product bug: service_block() writes labels as `--label '<value>'` inside EXTRA_ARGS="...";
  // single quotes do not protect inside double quotes, so `$(...)` in a label runs when
  // /etc/init.d/docker sources /var/lib/boot2docker/profile.
  TempDir t;
  auto marker = (t.path / "pwned").string();
  auto c = sample_config();
  // No blanks: boot2docker splits EXTRA_ARGS on them (values with blanks are refused, below).
  c.labels = {"a=$(touch${IFS}" + marker + ")", "b=`touch${IFS}" + marker + "`"};
  auto s = render_configure_script(k_b2d, c);
  REQUIRE(s);
  auto block = between(*s, "cat > /var/lib/boot2docker/profile <<", "/etc/init.d/docker restart");
  auto profile = (t.path / "profile").string();
  replace_all(block, "/var/lib/boot2docker/profile", shell_quote(profile));
  auto w = run_process({"bash", "-c", block});
  REQUIRE(w);
  REQUIRE(w->exit_code == 0);
  auto r = run_process({"sh", "-c", ". " + shell_quote(profile) + "; printf %s \"$EXTRA_ARGS\""});
  REQUIRE(r);
  CHECK_FALSE(fs::exists(marker));
  CHECK(r->out.find("$(touch") != std::string::npos);
}

TEST_CASE(
    "engine: install_docker skips a host that has the pinned version and installs otherwise") {
  HostFacts f;
  f.is_root = true;
  f.has_docker = true;
  f.docker_version = "20.10.24+dfsg1";
  auto c = sample_config();
  c.version = "20.10";
  test::FakeRunner none;
  CHECK(install_docker(none, f, k_systemd, c));
  CHECK(none.commands.empty());
  c.version = "24.0";
  test::FakeRunner r;
  r.on_contains("mktemp", {0, "", ""});
  CHECK(install_docker(r, f, k_systemd, c));
  REQUIRE(r.commands.size() == 1);
  CHECK(r.commands[0] == script_command(f));
  auto expect = render_install_script(f, k_systemd, c);
  REQUIRE(expect);
  CHECK(r.stdins[0] == *expect); // the script travels on stdin, not on the command line
  test::FakeRunner failing;
  failing.on_contains("mktemp", {100, "", "E: Unable to locate package docker.io"});
  auto e = install_docker(failing, f, k_systemd, c);
  REQUIRE_FALSE(e);
  CHECK(e.error().message.find("exited 100") != std::string::npos);
  CHECK(e.error().message.find("Unable to locate package docker.io") != std::string::npos);
  c.install_method = "none";
  test::FakeRunner nr;
  auto n = install_docker(nr, f, k_systemd, c);
  REQUIRE_FALSE(n);
  CHECK(n.error().code == Errc::unsupported);
  CHECK(nr.commands.empty());
}

TEST_CASE("engine: values with a line break are refused for every init; blanks are refused for "
          "boot2docker") {
  auto c = sample_config();
  for (const auto *p : {&k_systemd, &k_sysvinit, &k_b2d}) {
    c.labels = {"ok=1", "x\ny"};
    auto s = render_configure_script(*p, c);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == Errc::usage);
    CHECK(s.error().message.find("line break") != std::string::npos);
    c.labels = {"ok=1"};
    c.env = {"A=1\r"};
    CHECK_FALSE(render_configure_script(*p, c));
    c.env.clear();
  }
  c.labels = {"note=two words"};
  CHECK(render_configure_script(k_systemd, c));
  CHECK(render_configure_script(k_sysvinit, c));
  auto b = render_configure_script(k_b2d, c);
  REQUIRE_FALSE(b);
  CHECK(b.error().message.find("blanks") != std::string::npos);
}
