// Every template under templates/: golden output, `bash -n`, strict keys, hostile values.
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <provision/templates/render.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>
#include <provision/util/shell_quote.hpp>
#include <set>
#include <string>
#include <tests/support/golden.hpp>
#include <tests/support/hostile.hpp>
#include <vector>

using namespace sc;
namespace fs = std::filesystem;
using Values = std::map<std::string, std::string>;

namespace {

using test::TempDir;

const std::string k_ca_pem =
    "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIQTESTCAFAKEFAKEFAKEFAKEFAKEwCgYIKoZIzj0EAwIw\n"
    "-----END CERTIFICATE-----\n";
const std::string k_server_pem =
    "-----BEGIN "
    "CERTIFICATE-----\nMIIBpDCCAUqgAwIBAgIRAJSERVERFAKEFAKEFAKEFAKEFAKEwCgYIKoZIzj0EAwIw\n"
    "-----END CERTIFICATE-----\n";
const std::string k_key_pem =
    "-----BEGIN PRIVATE "
    "KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFAKEFAKEFAKEFAKE\n"
    "-----END PRIVATE KEY-----\n";

std::string render_ok(const std::string &name, const Values &v) {
  auto r = render_template(name, v);
  REQUIRE_MESSAGE(r, name << ": " << (r ? "" : r.error().message));
  return *r;
}

// Representative values, quoted the way provision/engine/engine.cpp quotes them.
std::string systemd_service() {
  return render_ok(
      "engine/service-systemd.sh",
      {{"exec_args",
        shell_quote(
            "\"-H\" \"tcp://0.0.0.0:2376\" \"-H\" \"unix:///var/run/docker.sock\" "
            "\"--storage-driver\" \"overlay2\" \"--tlsverify\" \"--label\" \"provider=generic\"")},
       {"environment", shell_quote("Environment=\"HTTP_PROXY=http://proxy:3128\"")}});
}

// The words-before-the-cursor walk the bash and zsh scripts share (cmd/format/completion.cpp).
std::string scan_words() {
  return render_ok("completion/scan-words.sh",
                   {{"default_driver", "virtualbox"}, {"nested", "kv"}});
}

std::string sysvinit_defaults() {
  return "# Written by swarmctl: dockerd arguments, one per line, quoted for "
         "bash.\nDOCKERD_ARGS=(\n"
         "  -H\n  tcp://0.0.0.0:2376\n  --label\n  'env=my prod'\n)\nexport "
         "HTTP_PROXY=http://proxy:3128\n";
}

struct Case {
  std::string name;
  Values values;
  bool shell; // a shell script: must pass bash -n
};

std::vector<Case> cases() {
  return {
      {"engine/configure.sh",
       {{"hostname", shell_quote("node1")},
        {"ca_pem", k_ca_pem},
        {"server_pem", k_server_pem},
        {"server_key_pem", k_key_pem},
        {"service", systemd_service()},
        {"log_tail", "journalctl -u docker -n 20 --no-pager"}},
       true},
      {"engine/facts.sh", {}, true},
      {"engine/install-package.sh", {{"version", shell_quote("20.10")}, {"sysvinit", "no"}}, true},
      {"engine/install-script.sh",
       {{"url", shell_quote("https://get.docker.com")}, {"version", shell_quote("")}},
       true},
      {"engine/service-boot2docker.sh",
       {{"profile",
         "\nEXTRA_ARGS=\"\n--label provider=virtualbox\n\"\nCACERT=/var/lib/boot2docker/ca.pem\n"
         "DOCKER_HOST='-H tcp://0.0.0.0:2376'\nDOCKER_STORAGE=overlay2\nDOCKER_TLS=auto\n"
         "SERVERKEY=/var/lib/boot2docker/server-key.pem\nSERVERCERT=/var/lib/boot2docker/"
         "server.pem\n\n"}},
       true},
      {"engine/service-systemd.sh",
       {{"exec_args",
         shell_quote("\"-H\" \"tcp://0.0.0.0:2376\" \"--label\" \"provider=generic\"")},
        {"environment", "''"}},
       true},
      {"engine/service-sysvinit.sh",
       {{"defaults", sysvinit_defaults()},
        {"init_script", render_ok("engine/sysvinit-docker.sh", {})}},
       true},
      {"engine/sysvinit-docker.sh", {}, true},
      // Completion scripts (cmd/format/completion*.cpp fills the tables); zsh and fish are
      // parsed by their own shells in tests/unit/cmd_format/completion_test.cpp.
      {"completion/scan-words.sh", // the middle of a function: checked inside the two below
       {{"default_driver", "virtualbox"}, {"nested", "kv"}},
       false},
      {"completion/swarmctl.bash",
       {{"global", "'-D --debug -s --storage-path'"},
        {"global_valued", "-s --storage-path"},
        {"flag_arms", "    create) echo '-d --driver';;\n"},
        {"driver_arms", "    virtualbox) echo --virtualbox-memory;;\n"},
        {"valued_arms", "    create) list='-d --driver --virtualbox-memory';;\n"},
        {"value_arms", "    'create -d'|'create --driver') _swarmctl_words 'virtualbox none';;\n"},
        {"pos_arms", "    ip) _swarmctl_words \"$(_swarmctl_machines)\";;\n"},
        {"scan_words", scan_words()},
        {"commands", "'create ip kv'"}},
       true},
      {"completion/_swarmctl.zsh",
       {{"global", "'-D:Enable debug mode'"},
        {"flags", "    create) reply=('-d:Driver');;\n"},
        {"drivers", "    virtualbox) reply=('--virtualbox-memory:Memory');;\n"},
        {"valued", "    create) reply=(-d --driver);;\n"},
        {"global_valued", "-s --storage-path"},
        {"values", "    'create -d'|'create --driver') compadd -- virtualbox none;;\n"},
        {"positional", "    ip) compadd -- $(_swarmctl_machines);;\n"},
        {"scan_words", scan_words()},
        {"top", "'create:Create a machine' 'ip:Get the IP'"}},
       false},
      {"completion/swarmctl.fish",
       {{"valued", "-s --storage-path -d --driver"},
        {"nested", "kv network"},
        {"default_driver", "virtualbox"}},
       false},
      {"examples/seed-local.yml", {}, false},
      {"examples/seed.yml", {}, false},
  };
}

std::string golden_name(const std::string &tmpl) {
  return "templates/" + tmpl + ".golden";
}

// `bash -n` on a temp file.
void check_bash_syntax(const std::string &script, const std::string &what) {
  TempDir t;
  auto f = t.path / "script.sh";
  std::ofstream(f, std::ios::binary) << script;
  auto r = run_process({"bash", "-n", f.string()});
  REQUIRE(r);
  INFO(what << ": bash -n: " << r->err);
  CHECK(r->exit_code == 0);
  CHECK(r->err.empty());
}

std::set<std::string> keys_in(const std::string &text) {
  std::set<std::string> k;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string::npos) {
    auto close = text.find("}}", pos);
    REQUIRE(close != std::string::npos);
    k.insert(text.substr(pos + 2, close - pos - 2));
    pos = close + 2;
  }
  return k;
}

std::string source_of(const std::string &tmpl) {
  std::ifstream in(fs::path(SC_SOURCE_DIR) / "templates" / tmpl, std::ios::binary);
  REQUIRE(in.good());
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

} // namespace

TEST_CASE("templates: every file under templates/ has a golden test case") {
  std::set<std::string> on_disk, covered;
  auto root = fs::path(SC_SOURCE_DIR) / "templates";
  for (const auto &e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) on_disk.insert(fs::relative(e.path(), root).string());
  for (const auto &c : cases())
    covered.insert(c.name);
  CHECK(on_disk == covered);
}

TEST_CASE("templates: the embedded copy of each template is the file in templates/") {
  for (const auto &c : cases()) {
    INFO(c.name);
    // Rendering with a value for every key of the source, each value being the key's own
    // placeholder text, reproduces the source byte for byte.
    Values identity;
    auto src = source_of(c.name);
    for (const auto &k : keys_in(src))
      identity[k] = "{{" + k + "}}";
    auto r = render_template(c.name, identity);
    REQUIRE(r);
    CHECK(*r == src);
  }
}

TEST_CASE("templates: each template renders to its golden file with representative values") {
  for (const auto &c : cases()) {
    INFO(c.name);
    auto out = render_ok(c.name, c.values);
    CHECK(out.find("{{") == std::string::npos);
    // A template without keys renders to its own source (checked above): a golden copy of it
    // would test nothing. Those are checked by what they do (facts_test.cpp runs facts.sh, the
    // sysvinit script is run below, cluster_file_test.cpp parses the examples).
    if (keys_in(source_of(c.name)).empty()) {
      CHECK_FALSE(fs::exists(test::golden_path(golden_name(c.name))));
      continue;
    }
    test::check_golden(golden_name(c.name), out);
  }
}

TEST_CASE("templates: rendered shell scripts pass bash -n") {
  for (const auto &c : cases())
    if (c.shell) check_bash_syntax(render_ok(c.name, c.values), c.name);
}

TEST_CASE("templates: every template key is required and every value must be used") {
  for (const auto &c : cases()) {
    INFO(c.name);
    for (const auto &[k, v] : c.values) {
      Values missing = c.values;
      missing.erase(k);
      auto r = render_template(c.name, missing);
      REQUIRE_FALSE(r);
      CHECK(r.error().message.find(k) != std::string::npos);
    }
    Values extra = c.values;
    extra["unused_key"] = "x";
    auto r = render_template(c.name, extra);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("unused_key") != std::string::npos);
    CHECK(r.error().message.find(c.name) != std::string::npos);
  }
}

TEST_CASE("templates: render_text substitutes only {{key}} and reports errors clearly") {
  auto ok = render_text("a={{a}} b={{b}} a again={{a}}", {{"a", "1"}, {"b", "{{a}}"}}, "t");
  REQUIRE(ok);
  CHECK(*ok == "a=1 b={{a}} a again=1"); // values are not rendered again
  auto unknown = render_text("x={{nope}}", {}, "t.sh");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "t.sh: no value for {{nope}}");
  auto unused = render_text("x", {{"k", "v"}}, "t.sh");
  REQUIRE_FALSE(unused);
  CHECK(unused.error().message == "t.sh: value k is not used");
  auto unclosed = render_text("x={{a", {{"a", "v"}}, "t.sh");
  REQUIRE_FALSE(unclosed);
  CHECK(unclosed.error().message.find("unclosed") != std::string::npos);
  auto none = render_template("engine/no-such.sh", {});
  REQUIRE_FALSE(none);
  CHECK(none.error().code == Errc::not_found);
}

// For the templates that assign a quoted value to a shell variable, renders a hostile value,
// keeps the script up to that assignment and prints the variable: it must come out verbatim.
TEST_CASE("templates: hostile values in shell assignments arrive verbatim and run nothing") {
  struct Slot {
    std::string tmpl, key, var;
  };
  std::vector<Slot> slots = {{"engine/configure.sh", "hostname", "name"},
                             {"engine/install-package.sh", "version", "pin"},
                             {"engine/install-script.sh", "url", "url"},
                             {"engine/install-script.sh", "version", "pin"}};
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &s : slots) {
    Values base;
    for (const auto &c : cases())
      if (c.name == s.tmpl) base = c.values;
    for (const auto &v : test::hostile_values(marker)) {
      INFO(s.tmpl << " {{" << s.key << "}} = [" << v << "]");
      Values vals = base;
      vals[s.key] = shell_quote(v);
      auto out = render_ok(s.tmpl, vals);
      auto assign = s.var + "=" + shell_quote(v);
      auto at = out.find("\n" + assign + "\n");
      REQUIRE(at != std::string::npos);
      auto script = out.substr(0, at + 1 + assign.size()) + "\nprintf %s \"$" + s.var + "\"\n";
      auto r = run_process({"bash", "-c", script});
      REQUIRE(r);
      CHECK(r->exit_code == 0);
      CHECK(r->out == v);
    }
  }
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("templates: hostile dockerd arguments in the systemd drop-in printf arrive verbatim") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &v : test::hostile_values(marker)) {
    INFO("[" << v << "]");
    auto out = render_ok("engine/service-systemd.sh",
                         {{"exec_args", shell_quote(v)}, {"environment", shell_quote(v)}});
    // Run the printf block with its output redirected to a file of ours.
    auto begin = out.find("{\n");
    auto end = out.find("} > /etc/systemd/system/docker.service.d/10-machine.conf");
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    auto block = "dockerd=/usr/bin/dockerd\n" + out.substr(begin, end - begin) + "} > " +
                 shell_quote((t.path / "10-machine.conf").string()) + "\n";
    auto r = run_process({"bash", "-c", block});
    REQUIRE(r);
    CHECK(r->exit_code == 0);
    std::ifstream in(t.path / "10-machine.conf", std::ios::binary);
    std::string conf((std::istreambuf_iterator<char>(in)), {});
    CHECK(conf == "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd " + v + "\n" + v + "\n");
  }
  CHECK_FALSE(fs::exists(marker));
}

namespace {
// The sysvinit script with its fixed paths moved into `dir` and PATH limited to `dir`/bin (a fake
// dockerd and docker there) plus the tools it needs.
struct InitScriptRig {
  TempDir t{"sc-sysvinit"};
  fs::path script = t.path / "docker-init";
  InitScriptRig() {
    auto src = render_ok("engine/sysvinit-docker.sh", {});
    for (const auto &[from, to] :
         {std::pair<std::string, std::string>{"/run/swarmctl-docker.pid", "pid"},
          {"/var/log/swarmctl-docker.log", "log"},
          {"/etc/default/swarmctl-docker", "defaults"}}) {
      auto pos = src.find("=" + from + "\n");
      REQUIRE_MESSAGE(pos != std::string::npos, from);
      src.replace(pos + 1, from.size(), (t.path / to).string());
    }
    std::ofstream(script) << src;
    fs::create_directories(t.path / "bin");
  }
  void tool(const std::string &name, const std::string &body) {
    std::ofstream(t.path / "bin" / name) << "#!/bin/sh\n" << body;
    fs::permissions(t.path / "bin" / name, fs::perms::owner_all);
  }
  ProcessResult run(const std::string &action) {
    ProcessOptions o;
    o.env["PATH"] = (t.path / "bin").string() + ":/usr/bin:/bin";
    auto r = run_process({"bash", script.string(), action}, o);
    REQUIRE(r);
    return *r;
  }
};
} // namespace

TEST_CASE("templates: the sysvinit script starts dockerd with the defaults' array verbatim") {
  InitScriptRig rig;
  auto st = rig.run("status");
  CHECK(st.exit_code == 3);
  CHECK(st.out == "dockerd is stopped\n");
  auto bad = rig.run("reload");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("usage: ") == 0);
  std::ofstream(rig.t.path / "defaults") << sysvinit_defaults();
  auto none = rig.run("start");
  CHECK(none.exit_code == 1);
  CHECK(none.err == "dockerd is not installed\n");
  // A dockerd that writes its arguments one per line and waits; a docker that answers.
  auto args = (rig.t.path / "args").string();
  rig.tool("dockerd", "for a in \"$@\"; do echo \"$a\"; done > " + args + ".tmp\nmv " + args +
                          ".tmp " + args + "\nexec sleep 60\n");
  rig.tool("docker", "[ -f " + args + " ]\n");
  auto start = rig.run("start");
  CHECK(start.exit_code == 0);
  CHECK(read_file(args).value_or("") == "-H\ntcp://0.0.0.0:2376\n--label\nenv=my prod\n");
  CHECK(rig.run("status").out == "dockerd is running\n");
  auto stop = rig.run("stop");
  CHECK(stop.exit_code == 0);
  CHECK_FALSE(fs::exists(rig.t.path / "pid"));
  CHECK(rig.run("status").exit_code == 3);
}
