// LibsshRunner against a real OpenSSH sshd started by the test on 127.0.0.1.
#include <sys/stat.h>

#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <provision/ssh/keys.hpp>
#include <provision/ssh/libssh_runner.hpp>
#include <provision/util/shell_quote.hpp>
#include <set>
#include <string>
#include <vector>

#include "sshd_fixture.hpp"

using namespace sc;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

SshConfig config_for(const test::Sshd &d, const fs::path &key) {
  SshConfig c;
  c.host = "127.0.0.1";
  c.port = d.port;
  c.user = "root";
  c.key_path = key;
  c.known_hosts = d.known_hosts;
  c.connect_timeout = 5s;
  return c;
}

std::unique_ptr<LibsshRunner> connect_ok(const test::Sshd &d) {
  auto r = LibsshRunner::connect(config_for(d, d.client_key));
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message) << "\nsshd log:\n" << d.log());
  return std::move(*r);
}

std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

unsigned mode_of(const fs::path &p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// One sshd shared by the tests that do not change it (host key, authorized keys): started on
// first use, stopped by its destructor at exit. Tests that change the server start their own.
test::Sshd &shared_sshd() {
  static test::Sshd d;
  return d;
}

size_t count_of(const std::string &hay, const std::string &needle) {
  size_t n = 0;
  for (size_t p = 0; (p = hay.find(needle, p)) != std::string::npos; ++p)
    ++n;
  return n;
}

} // namespace

TEST_CASE("ssh: exit codes of remote commands are returned, not turned into errors") {
  auto &d = shared_sshd();
  auto r = connect_ok(d);
  CHECK(r->target() == "root@127.0.0.1:" + std::to_string(d.port));
  for (int code : {0, 1, 3, 42, 255}) {
    auto res = r->run("exit " + std::to_string(code));
    REQUIRE(res);
    CHECK(res->exit_code == code);
  }
  auto nf = r->run("sc-no-such-command-xyz");
  REQUIRE(nf);
  CHECK(nf->exit_code == 127);
  CHECK(nf->err.find("not found") != std::string::npos);
  auto ok = run_ok(*r, "list", "ls /");
  CHECK(ok);
  auto bad =
      run_ok(*r, "install docker", "echo E: Unable to locate package docker.io >&2; exit 100");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::remote_failed);
  CHECK(bad.error().message == "install docker: exited 100: E: Unable to locate package docker.io");
}

TEST_CASE("ssh: stdout and stderr are kept apart") {
  auto &d = shared_sshd();
  auto r = connect_ok(d);
  auto res = r->run("echo out1; echo err1 >&2; printf 'out2'; printf 'err2' >&2; exit 5");
  REQUIRE(res);
  CHECK(res->exit_code == 5);
  CHECK(res->out == "out1\nout2");
  CHECK(res->err == "err1\nerr2");
  // Large interleaved output on both streams (more than the channel window) arrives whole.
  auto big = r->run("for i in $(seq 1 5000); do echo \"o$i\"; echo \"e$i\" >&2; done");
  REQUIRE(big);
  CHECK(big->exit_code == 0);
  std::string want_out, want_err;
  for (int i = 1; i <= 5000; ++i) {
    want_out += "o" + std::to_string(i) + "\n";
    want_err += "e" + std::to_string(i) + "\n";
  }
  CHECK(big->out == want_out);
  CHECK(big->err == want_err);
}

TEST_CASE("ssh: stdin is uploaded byte for byte and closed") {
  auto &d = shared_sshd();
  auto r = connect_ok(d);
  std::string data;
  for (size_t i = 0; i < 2500u * 1024; ++i)
    data += static_cast<char>((i * 7919u) % 256);
  RunOptions o;
  o.stdin_data = data;
  o.timeout = 15s;
  auto t0 = Clock::now();
  auto res = r->run("cat", o);
  CHECK(seconds_since(t0) < 10.0);
  REQUIRE(res);
  CHECK(res->exit_code == 0);
  CHECK(res->out.size() == data.size());
  CHECK(res->out == data);
  // EOF is sent: a reader that waits for it terminates.
  o.stdin_data = "a\nb\nc\n";
  auto wc = r->run("wc -l", o);
  REQUIRE(wc);
  CHECK(wc->out == "3\n");
  // No stdin: the command sees EOF at once.
  auto empty = r->run("cat; echo done", {});
  REQUIRE(empty);
  CHECK(empty->out == "done\n");
}

TEST_CASE("ssh: a command that does not read its stdin still completes") {
  auto &d = shared_sshd();
  auto r = connect_ok(d);
  RunOptions o;
  o.stdin_data = std::string(8 * 1024 * 1024, 'x');
  o.timeout = 10s;
  auto t0 = Clock::now();
  auto res = r->run("echo ignored", o);
  REQUIRE(res);
  CHECK(res->exit_code == 0);
  CHECK(res->out == "ignored\n");
  CHECK(seconds_since(t0) < 8.0);
}

TEST_CASE("ssh: put_file writes content and mode atomically, through stdin") {
  auto &d = shared_sshd();
  auto r = connect_ok(d);
  std::string bytes = std::string("line 1\n$(touch x) `y` 'q' \"d\"\n") +
                      std::string("\0\x01\xff binary", 10) + "\nno final newline";
  auto target = d.dir / "remote dir" / "it's a file.conf";
  int before = r->round_trips();
  REQUIRE(r->put_file(target.string(), bytes, 0640));
  CHECK(r->round_trips() == before + 1);
  CHECK(slurp(target) == bytes);
  CHECK(mode_of(target) == 0640);
  // Overwrite with another mode; no temp file is left next to it.
  REQUIRE(r->put_file(target.string(), "second", 0600));
  CHECK(slurp(target) == "second");
  CHECK(mode_of(target) == 0600);
  std::set<std::string> names;
  for (const auto &e : fs::directory_iterator(target.parent_path()))
    names.insert(e.path().filename().string());
  CHECK(names == std::set<std::string>{"it's a file.conf"});
  CHECK_FALSE(fs::exists(d.dir / "remote dir" / "x"));
  // An executable script.
  auto script = d.dir / "bin" / "hello.sh";
  REQUIRE(r->put_file(script.string(), "#!/bin/sh\necho hello\n", 0755));
  CHECK(mode_of(script) == 0755);
  auto run = r->run(shell_quote(script.string()));
  REQUIRE(run);
  CHECK(run->out == "hello\n");
  // A path that cannot be written is an error naming it.
  auto bad = r->put_file("/proc/sc-not-writable/file", "x", 0644);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("/proc/sc-not-writable/file") != std::string::npos);
}

TEST_CASE("ssh: one session is reused for every command") {
  auto &d = shared_sshd();
  auto accepted_before = count_of(d.log(), "Accepted publickey");
  auto r = connect_ok(d);
  // Every command's shell is a child of the same per-connection sshd process.
  std::set<std::string> parents;
  for (int i = 0; i < 12; ++i) {
    auto res = r->run("echo $PPID");
    REQUIRE(res);
    parents.insert(res->out);
  }
  CHECK(parents.size() == 1);
  CHECK(r->round_trips() == 12);
  // And sshd logged exactly one authentication: the one of connect_ok.
  CHECK(count_of(d.log(), "Accepted publickey") == accepted_before + 1);
}

TEST_CASE("ssh: a command timeout returns Errc::timeout quickly and the session stays usable") {
  auto &d = shared_sshd();
  auto r = connect_ok(d);
  RunOptions o;
  o.timeout = 1s;
  auto t0 = Clock::now();
  auto res = r->run("sleep 30", o);
  double took = seconds_since(t0);
  REQUIRE_FALSE(res);
  CHECK(res.error().code == Errc::timeout);
  CHECK(res.error().message.find("timed out") != std::string::npos);
  CHECK(took >= 0.9);
  CHECK(took < 4.0);
  auto after = r->run("echo still here");
  REQUIRE(after);
  CHECK(after->out == "still here\n");
}

TEST_CASE("ssh: a key the server does not accept fails with a clear authentication error") {
  auto &d = shared_sshd();
  auto t0 = Clock::now();
  auto r = LibsshRunner::connect(config_for(d, d.wrong_key));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::auth);
  CHECK(r.error().message ==
        "ssh root@127.0.0.1:" + std::to_string(d.port) + ": public key authentication failed");
  CHECK(seconds_since(t0) < 5.0);
  // A key file that does not exist.
  auto missing = LibsshRunner::connect(config_for(d, d.dir / "no_such_key"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::auth);
  CHECK(missing.error().message.find("cannot read private key") != std::string::npos);
  CHECK(missing.error().message.find("no_such_key") != std::string::npos);
  // wait_for_ssh does not retry an authentication failure until its deadline.
  t0 = Clock::now();
  std::unique_ptr<LibsshRunner> out;
  auto w = wait_for_ssh(config_for(d, d.wrong_key), 20s, &out);
  REQUIRE_FALSE(w);
  CHECK(w.error().code == Errc::auth);
  CHECK(seconds_since(t0) < 5.0);
  CHECK_FALSE(out);
}

TEST_CASE("ssh: the host key is pinned on first contact and a changed key is refused") {
  test::Sshd d;
  REQUIRE_FALSE(fs::exists(d.known_hosts));
  {
    auto r = connect_ok(d);
    CHECK(r->run("true"));
  }
  REQUIRE(fs::exists(d.known_hosts));
  CHECK(mode_of(d.known_hosts) == 0600);
  auto pinned = slurp(d.known_hosts);
  // The pin is the server's host key in known_hosts format.
  auto host_pub = slurp(d.dir / "host_ed25519.pub");
  auto key_b64 = host_pub.substr(host_pub.find(' ') + 1);
  key_b64 = key_b64.substr(0, key_b64.find(' '));
  CHECK(pinned == "[127.0.0.1]:" + std::to_string(d.port) + " ssh-ed25519 " + key_b64 + "\n");
  // Same key again: fine, pin unchanged.
  { auto again = connect_ok(d); }
  CHECK(slurp(d.known_hosts) == pinned);
  // The host is re-created with a new host key on the same address.
  d.restart_with_new_host_key();
  auto r = LibsshRunner::connect(config_for(d, d.client_key));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::host_key_changed);
  CHECK(r.error().message.find("host key changed") != std::string::npos);
  CHECK(r.error().message.find(d.known_hosts.string()) != std::string::npos);
  CHECK(r.error().message.find("SHA256:") != std::string::npos);
  CHECK(slurp(d.known_hosts) == pinned); // never silently re-pinned
  // wait_for_ssh gives up at once on a changed host key.
  auto t0 = Clock::now();
  auto w = wait_for_ssh(config_for(d, d.client_key), 20s, nullptr);
  REQUIRE_FALSE(w);
  CHECK(w.error().code == Errc::host_key_changed);
  CHECK(seconds_since(t0) < 5.0);
  // Deleting the pin (what the message says to do) lets it connect again.
  fs::remove(d.known_hosts);
  auto fresh = connect_ok(d);
  CHECK(fresh->run("true"));
}

TEST_CASE("ssh: an unreachable port gives a clear, fast error") {
  int port = test::free_port();
  SshConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.key_path = "/nonexistent";
  c.connect_timeout = 3s;
  auto t0 = Clock::now();
  auto r = LibsshRunner::connect(c);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::unreachable);
  CHECK(r.error().message.rfind("ssh root@127.0.0.1:" + std::to_string(port) + ": ", 0) == 0);
  CHECK(r.error().message.find("refused") != std::string::npos);
  CHECK(seconds_since(t0) < 3.0);
  // wait_for_ssh retries until its deadline and then reports the last error.
  t0 = Clock::now();
  auto w = wait_for_ssh(c, 1000ms, nullptr);
  REQUIRE_FALSE(w);
  double took = seconds_since(t0);
  CHECK(took >= 0.9);
  CHECK(took < 6.0);
}

TEST_CASE("ssh: wait_for_ssh connects once sshd comes up") {
  auto &d = shared_sshd();
  std::unique_ptr<LibsshRunner> out;
  REQUIRE(wait_for_ssh(config_for(d, d.client_key), 10s, &out));
  REQUIRE(out);
  auto res = out->run("echo up");
  REQUIRE(res);
  CHECK(res->out == "up\n");
}

TEST_CASE("ssh: generated keys have safe modes and an RSA key logs in too") {
  test::Sshd d;
  auto rsa = d.dir / "id_rsa";
  REQUIRE(generate_ssh_key(rsa, KeyType::Rsa));
  CHECK(mode_of(rsa) == 0600);
  CHECK(mode_of(d.dir / "id_rsa.pub") == 0644);
  CHECK(mode_of(d.client_key) == 0600);
  auto pub = read_public_key(rsa);
  REQUIRE(pub);
  CHECK(pub->rfind("ssh-rsa AAAA", 0) == 0);
  CHECK(pub->find('\n') == std::string::npos);
  auto ed = read_public_key(d.client_key);
  REQUIRE(ed);
  CHECK(ed->rfind("ssh-ed25519 AAAA", 0) == 0);
  // OpenSSH itself accepts the private key format.
  auto kg = run_process({"ssh-keygen", "-y", "-f", rsa.string()});
  REQUIRE(kg);
  CHECK(kg->exit_code == 0);
  auto two_fields = [](std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
      s.pop_back();
    auto sp = s.find(' ', s.find(' ') + 1);
    return sp == std::string::npos ? s : s.substr(0, sp);
  };
  CHECK(two_fields(kg->out) == two_fields(*pub));
  CHECK(two_fields(kg->out).size() > 300);
  d.authorize(rsa);
  auto r = LibsshRunner::connect(config_for(d, rsa));
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message) << "\n" << d.log());
  auto res = (*r)->run("id -u");
  REQUIRE(res);
  CHECK(res->out == "0\n");
  CHECK(parse_key_type("rsa"));
  CHECK(parse_key_type("ed25519"));
  CHECK_FALSE(parse_key_type("dsa"));
}

TEST_CASE("ssh: the debug log shows commands but hides secret ones") {
  auto &d = shared_sshd();
  std::vector<std::string> lines;
  auto c = config_for(d, d.client_key);
  c.debug = [&](const std::string &l) { lines.push_back(l); };
  auto r = LibsshRunner::connect(c);
  REQUIRE(r);
  REQUIRE((*r)->run("echo visible-command"));
  RunOptions o;
  o.secret = true;
  REQUIRE((*r)->run("echo TOPSECRET-VALUE", o));
  std::string all;
  for (const auto &l : lines)
    all += l + "\n";
  CHECK(all.find("visible-command") != std::string::npos);
  CHECK(all.find("exit 0") != std::string::npos);
  CHECK(all.find("TOPSECRET-VALUE") == std::string::npos);
}

TEST_CASE("ssh: a host that goes away under an open session gives an error, not a hang") {
  test::Sshd d;
  auto r = connect_ok(d);
  REQUIRE(r->run("true"));
  // Kill the per-connection sshd too: stopping the listener alone keeps sessions alive.
  auto res = r->run("echo $PPID");
  REQUIRE(res);
  pid_t session = std::stoi(res->out);
  REQUIRE(session > 1);
  // Only kill it when it belongs to our sshd (its parent is the pid we started).
  std::ifstream st("/proc/" + std::to_string(session) + "/stat");
  std::string line;
  std::getline(st, line);
  auto after = line.substr(line.rfind(')') + 2);
  pid_t ppid = std::stoi(after.substr(2));
  pid_t top = session;
  if (ppid != d.pid()) {
    // OpenSSH 9.x: a privileged monitor process sits between the listener and the session.
    std::ifstream st2("/proc/" + std::to_string(ppid) + "/stat");
    std::getline(st2, line);
    after = line.substr(line.rfind(')') + 2);
    REQUIRE(std::stoi(after.substr(2)) == d.pid());
    top = ppid;
  }
  d.stop();
  ::kill(top, SIGKILL);
  if (top != session) ::kill(session, SIGKILL);
  auto t0 = Clock::now();
  RunOptions o;
  o.timeout = 10s;
  auto gone = r->run("true", o);
  CHECK(seconds_since(t0) < 5.0);
  REQUIRE_FALSE(gone);
  CHECK((gone.error().code == Errc::unreachable || gone.error().code == Errc::timeout));
  MESSAGE("error after the host went away: " << gone.error().message);
  CHECK(gone.error().message.find("127.0.0.1:" + std::to_string(d.port)) != std::string::npos);
}
