// The install and upgrade scripts run as root on the host: what they download and log goes into a
// new private directory (mktemp -d), never a fixed name in /tmp that another user of the host
// could create first (and so choose what root runs).
#include <sys/stat.h>
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/engine/engine.hpp>
#include <provision/util/process.hpp>
#include <tests/support/fake_runner.hpp>

using namespace sc;
namespace fs = std::filesystem;

namespace {
using test::TempDir;

const Provisioner k_systemd("debian(systemd)", Provisioner::Kind::Systemd);
const Provisioner k_sysvinit("debian(sysvinit)", Provisioner::Kind::Sysvinit);

void write_exec(const fs::path &p, const std::string &text) {
  std::ofstream(p) << text;
  fs::permissions(p, fs::perms::owner_all);
}

std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}
} // namespace

TEST_CASE("install: no script names a fixed file in /tmp") {
  HostFacts f;
  EngineConfig c;
  for (const auto *p : {&k_systemd, &k_sysvinit})
    for (std::string method : {"package", "script"}) {
      CAPTURE(method);
      c.install_method = method;
      auto s = render_install_script(f, *p, c);
      REQUIRE(s);
      CHECK(s->find("/tmp/") == std::string::npos);
      CHECK(s->find("mktemp -d") != std::string::npos);
    }
  for (std::string method : {"package", "script"}) {
    CAPTURE(method);
    c.install_method = method;
    test::FakeRunner r;
    r.on([](const std::string &, const std::string &) { return true; }, {0, "", ""});
    REQUIRE(upgrade_engine(r, f, k_systemd, c));
    REQUIRE_FALSE(r.stdins.empty());
    CHECK(r.stdins[0].find("/tmp/") == std::string::npos);
    CHECK(r.stdins[0].find("mktemp -d") != std::string::npos);
  }
}

TEST_CASE("install: the downloaded script runs from a new 0700 directory that is removed after") {
  TempDir t;
  auto bin = t.path / "bin";
  fs::create_directories(bin);
  fs::create_directories(t.path / "tmp");
  // curl: writes the "install script" to its -o argument; the script records where it runs and
  // that directory's mode, then installs a dockerd.
  write_exec(bin / "curl", "#!/bin/bash\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; "
                           "shift; done\ncat > \"$out\" <<'EOF'\nd=$(dirname \"$0\")\n"
                           "echo \"$d $(stat -c %a \"$d\")\" > \"$SC_REPORT\"\n"
                           "printf '#!/bin/sh\\n' > \"$SC_BIN/dockerd\"; chmod +x "
                           "\"$SC_BIN/dockerd\"\nEOF\n");
  HostFacts f;
  EngineConfig c;
  c.install_method = "script";
  c.install_url = "http://example.invalid/install.sh";
  auto s = render_install_script(f, k_systemd, c);
  REQUIRE(s);
  auto report = t.path / "report";
  auto r = run_process({"env", "PATH=" + bin.string() + ":/usr/bin:/bin",
                        "TMPDIR=" + (t.path / "tmp").string(), "SC_REPORT=" + report.string(),
                        "SC_BIN=" + bin.string(), "bash", "-c", *s});
  REQUIRE(r);
  INFO(r->err);
  CHECK(r->exit_code == 0);
  auto line = slurp(report);
  auto sp = line.find(' ');
  REQUIRE(sp != std::string::npos);
  fs::path dir = line.substr(0, sp);
  CHECK(dir.parent_path() == t.path / "tmp");
  CHECK(line.substr(sp + 1) == "700\n");
  CHECK_FALSE(fs::exists(dir)); // removed on exit, log included
  CHECK(fs::is_empty(t.path / "tmp"));
}
