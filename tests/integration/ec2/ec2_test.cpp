// End to end: the built swarmctl binary against moto's EC2 server on 127.0.0.1. Machines are
// created with --no-provision, so nothing ever connects to the (fake, public-looking) instance
// addresses moto hands out. As root, the whole test re-runs itself in a fresh network namespace
// where only loopback exists: a stray connection to 54.x or 172.31.x cannot leave the machine.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <doctest/doctest.h>
#include <drivers/amazonec2/client.hpp>
#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>
#include <future>
#include <memory>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>
#include <regex>
#include <set>

#include "moto.hpp"

using namespace sc;
using namespace sc::ec2;

namespace {

// Before main(): re-exec inside `unshare -n` with lo up (root only; otherwise --no-provision is
// the only guard).
struct IsolateNetwork {
  IsolateNetwork() {
    if (std::getenv("SC_EC2_NETNS") || geteuid() != 0) return;
    if (find_in_path("unshare").empty() || find_in_path("ip").empty()) return;
    auto probe = run_process({"unshare", "-n", "ip", "link", "set", "lo", "up"});
    if (!probe || probe->exit_code != 0) return;
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return;
    self[n] = 0;
    auto cmdline = read_file("/proc/self/cmdline");
    if (!cmdline) return;
    std::vector<std::string> args;
    for (size_t b = 0; b < cmdline->size();) {
      auto e = cmdline->find('\0', b);
      if (e == std::string::npos) e = cmdline->size();
      args.push_back(cmdline->substr(b, e - b));
      b = e + 1;
    }
    setenv("SC_EC2_NETNS", "1", 1);
    std::vector<std::string> full = {
        "unshare", "-n", "--", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\"", self};
    for (size_t i = 1; i < args.size(); ++i)
      full.push_back(args[i]);
    std::vector<char *> argv;
    for (auto &a : full)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("unshare", argv.data());
    unsetenv("SC_EC2_NETNS"); // exec failed: run unisolated
  }
} g_isolate;

// The credentials every request is signed with. With SC_MOTO_AUTH=1 (ctest
// integration_ec2_signed) moto verifies signatures and these become an IAM user's keys.
std::string k_key = "AKIDINTEGRATION";
std::string k_secret = "integration-secret-never-in-config";
bool signed_mode() {
  const char *v = std::getenv("SC_MOTO_AUTH");
  return v && std::string(v) == "1";
}
const char *k_ami = "ami-785db401"; // an Ubuntu image moto knows

std::string swarmctl_bin() {
  if (const char *b = std::getenv("SWARMCTL_BIN")) return b;
  return std::string(SC_BINARY_DIR) + "/swarmctl";
}

test::MotoServer &moto() {
  static std::string py = test::python_with_moto();
  static std::unique_ptr<test::MotoServer> m;
  if (!m && !py.empty())
    m = std::make_unique<test::MotoServer>(
        py,
        std::map<std::string, std::string>{{"MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION", "true"}});
  return *m;
}

// One store + HOME per test, and a client to look at what moto holds.
struct Env {
  fs::path dir;
  std::string endpoint;
  std::unique_ptr<Client> aws;
  Env(const std::string &url) : endpoint(url) {
    char tmpl[] = "/tmp/sc-ec2-it-XXXXXX";
    dir = mkdtemp(tmpl);
    fs::create_directories(dir / "home");
    ClientConfig c;
    c.endpoint = url;
    c.region = "us-east-1";
    c.credentials = [] { return Result<AwsCredentials>(AwsCredentials{k_key, k_secret, ""}); };
    c.retry.max_retries = 2;
    aws = std::make_unique<Client>(c, make_curl_client());
  }
  ~Env() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  bool debug = true; // --debug: the EC2 calls show on stderr (counted by the tests)
  ProcessResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv = {swarmctl_bin(), "-s", (dir / "store").string()};
    if (debug) argv.insert(argv.begin() + 1, "--debug");
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions o;
    o.timeout = std::chrono::minutes(5);
    o.env = {{"HOME", (dir / "home").string()},
             {"AWS_ACCESS_KEY_ID", k_key},
             {"AWS_SECRET_ACCESS_KEY", k_secret}};
    for (auto &[k, v] : env)
      o.env[k] = v;
    o.unset_env = {"AWS_PROFILE",
                   "AWS_DEFAULT_REGION",
                   "AWS_REGION",
                   "AWS_SESSION_TOKEN",
                   "AWS_SHARED_CREDENTIALS_FILE",
                   "AWS_CONFIG_FILE",
                   "AWS_ENDPOINT",
                   "AWS_AMI"};
    for (const auto &[k, v] : env)
      o.unset_env.erase(std::remove(o.unset_env.begin(), o.unset_env.end(), k), o.unset_env.end());
    auto r = run_process(argv, o);
    REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    return *r;
  }
  std::vector<std::string> create_args(const std::string &name) const {
    return {"create",    "-d",
            "amazonec2", "--amazonec2-endpoint",
            endpoint,    "--amazonec2-ami",
            k_ami,       "--no-provision",
            name};
  }
  XmlNode call(const std::string &action, const Params &p) {
    auto r = aws->call(action, p);
    REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    return *r;
  }
  std::vector<const XmlNode *> groups_named(XmlNode &holder, const std::string &name) {
    Params p;
    add_filter(p, 1, "group-name", {name});
    holder = call("DescribeSecurityGroups", p);
    return holder.items("securityGroupInfo");
  }
  std::vector<InstanceInfo> instances_tagged(const std::string &name) {
    Params p;
    add_filter(p, 1, "tag:Name", {name});
    return parse_instances(call("DescribeInstances", p));
  }
  nlohmann::json driver_json(const std::string &name) {
    auto t = read_file(dir / "store/machines" / name / "config.json");
    REQUIRE(t);
    return nlohmann::json::parse(*t)["Driver"];
  }
};

int count_calls(const std::string &debug, const std::string &action) {
  std::regex re("ec2: [a-z0-9-]+ " + action + " \\(attempt");
  return static_cast<int>(
      std::distance(std::sregex_iterator(debug.begin(), debug.end(), re), std::sregex_iterator()));
}
int count_all_calls(const std::string &debug) {
  std::regex re("ec2: [a-z0-9-]+ [A-Za-z]+ \\(attempt");
  return static_cast<int>(
      std::distance(std::sregex_iterator(debug.begin(), debug.end(), re), std::sregex_iterator()));
}

std::set<std::string> rules_of(const XmlNode &group) {
  std::set<std::string> out;
  for (const XmlNode *p : group.items("ipPermissions")) {
    std::string src;
    for (const XmlNode *r : p->items("ipRanges"))
      src += r->str("cidrIp");
    for (const XmlNode *g : p->items("groups"))
      src += g->str("groupId") == group.str("groupId") ? "self" : g->str("groupId");
    out.insert(p->str("fromPort") + "/" + p->str("ipProtocol") + "@" + src);
  }
  return out;
}

// moto checks signatures from here on; a request signed with a wrong secret must be refused, or
// the signed run would prove nothing.
void enforce_signatures() {
  auto [key, secret] = moto().enforce_signatures(test::python_with_moto());
  REQUIRE_MESSAGE(!key.empty(), secret);
  k_key = key;
  k_secret = secret;
  ClientConfig c;
  c.endpoint = moto().url();
  c.region = "us-east-1";
  c.credentials = [key = key] {
    return Result<AwsCredentials>(AwsCredentials{key, "not-the-secret", ""});
  };
  c.retry.max_retries = 0;
  Client wrong(c, make_curl_client());
  auto r = wrong.call("DescribeRegions", {});
  REQUIRE_MESSAGE(!r, "moto accepted a request signed with the wrong secret");
  INFO(r.error().message);
  // moto answers EC2 signature mismatches as EC2 does for bad credentials.
  CHECK(r.error().message.find("AuthFailure") != std::string::npos);
  c.credentials = [] { return Result<AwsCredentials>(AwsCredentials{k_key, k_secret, ""}); };
  Client right(c, make_curl_client());
  auto ok = right.call("DescribeRegions", {});
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
}

#define NEED_MOTO()                                                                                \
  do {                                                                                             \
    REQUIRE_MESSAGE(                                                                               \
        !test::python_with_moto().empty(),                                                         \
        "no python with moto and botocore (tried SC_PYTHON, python3, pyenv, /usr/bin/python3)");   \
    REQUIRE_MESSAGE(moto().ready(), (moto().error() + "\n" + moto().log()));                       \
    moto().reset();                                                                                \
    if (signed_mode()) enforce_signatures();                                                       \
  } while (0)

} // namespace

TEST_CASE("ec2 e2e: create --no-provision runs a tagged instance; stop/start/ip/ls; rm cleans up "
          "everything") {
  NEED_MOTO();
  MESSAGE(std::string(std::getenv("SC_EC2_NETNS")
                          ? "network: private namespace, loopback only"
                          : "network: NOT isolated (not root or no unshare); --no-provision only"));
  Env e(moto().url());
  auto t0 = std::chrono::steady_clock::now();
  auto c = e.run(e.create_args("m1"));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(c.out, c.err);
  REQUIRE(c.exit_code == 0);
  MESSAGE(fmt::format("create against moto: {:.2f} s, {} EC2 calls", secs, count_all_calls(c.err)));

  auto in = e.instances_tagged("m1");
  REQUIRE(in.size() == 1);
  CHECK(in[0].state == "running");
  auto dj = e.driver_json("m1");
  CHECK(dj["InstanceId"] == in[0].id);
  CHECK(dj["PublicIPAddress"] == in[0].public_ip);
  CHECK(dj["PrivateIPAddress"] == in[0].private_ip);
  CHECK(dj["CredentialSource"] == "env");
  auto cfg = read_file(e.dir / "store/machines/m1/config.json");
  REQUIRE(cfg);
  CHECK(cfg->find(k_secret) == std::string::npos);

  XmlNode h;
  auto g = e.groups_named(h, "swarmctl");
  REQUIRE(g.size() == 1);
  CHECK(rules_of(*g[0]) == std::set<std::string>{"22/tcp@0.0.0.0/0", "2376/tcp@0.0.0.0/0"});
  auto keys = e.call("DescribeKeyPairs", {{"KeyName.1", dj["KeyName"].get<std::string>()}});
  CHECK(keys.items("keySet").size() == 1);

  auto st = e.run({"status", "m1"});
  CHECK(st.out == "Running\n");
  auto ip = e.run({"ip", "m1"});
  CHECK(ip.out == in[0].public_ip + "\n");
  REQUIRE(e.run({"stop", "m1"}).exit_code == 0);
  CHECK(e.run({"status", "m1"}).out == "Stopped\n");
  CHECK(e.instances_tagged("m1")[0].state == "stopped");
  REQUIRE(e.run({"start", "m1"}).exit_code == 0);
  CHECK(e.run({"status", "m1"}).out == "Running\n");
  auto ls = e.run({"ls", "--format", "{{.Name}} {{.State}} {{.URL}}"});
  CHECK(ls.out == fmt::format("m1 Running tcp://{}:2376\n", e.instances_tagged("m1")[0].public_ip));

  auto restart = e.run({"restart", "m1"});
  CHECK(restart.exit_code == 0);
  CHECK(count_calls(restart.err, "RebootInstances") == 1);
  auto kill = e.run({"kill", "m1"});
  CHECK(kill.exit_code == 0);
  CHECK(kill.err.find("ec2: us-east-1 StopInstances") != std::string::npos);
  CHECK(e.run({"status", "m1"}).out == "Stopped\n");

  auto rm = e.run({"rm", "-y", "m1"});
  INFO(rm.out, rm.err);
  REQUIRE(rm.exit_code == 0);
  CHECK(e.instances_tagged("m1")[0].state == "terminated");
  Params kp;
  add_filter(kp, 1, "key-name", {dj["KeyName"].get<std::string>()});
  CHECK(e.call("DescribeKeyPairs", kp).items("keySet").empty());
  CHECK(e.groups_named(h, "swarmctl").empty());
  CHECK(!fs::exists(e.dir / "store/machines/m1"));
}

TEST_CASE("ec2 e2e: parallel creates share ONE security group; ls of 20 machines is one "
          "DescribeInstances") {
  NEED_MOTO();
  Env e(moto().url());
  auto create_all = [&](int from, int to) {
    std::vector<std::future<ProcessResult>> fs;
    for (int i = from; i < to; ++i)
      fs.push_back(std::async(std::launch::async,
                              [&e, i] { return e.run(e.create_args(fmt::format("p{}", i))); }));
    for (auto &f : fs) {
      auto r = f.get();
      INFO(r.out, r.err);
      CHECK(r.exit_code == 0);
    }
  };
  create_all(0, 5);
  XmlNode h;
  auto g = e.groups_named(h, "swarmctl");
  REQUIRE(g.size() == 1);
  std::string gid = g[0]->str("groupId");
  CHECK(rules_of(*g[0]) == std::set<std::string>{"22/tcp@0.0.0.0/0", "2376/tcp@0.0.0.0/0"});
  for (int i = 0; i < 5; ++i)
    CHECK(e.driver_json(fmt::format("p{}", i))["SecurityGroupIds"] == nlohmann::json::array({gid}));

  create_all(5, 20);
  CHECK(e.groups_named(h, "swarmctl").size() == 1);
  auto t0 = std::chrono::steady_clock::now();
  auto ls = e.run({"ls", "--format", "{{.Name}} {{.State}}"});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string want;
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i)
    names.push_back(fmt::format("p{}", i));
  for (const auto &n : names)
    want += n + " Running\n";
  CHECK(ls.out == want);
  int describes = count_calls(ls.err, "DescribeInstances");
  CHECK(describes == 1);
  CHECK(count_all_calls(ls.err) == 1);
  MESSAGE(fmt::format("ls with 20 machines: {} DescribeInstances, {:.2f} s", describes, secs));

  // Removing all but one keeps the group; removing the last deletes it.
  std::vector<std::string> rm = {"rm", "-y"};
  for (int i = 1; i < 20; ++i)
    rm.push_back(fmt::format("p{}", i));
  auto r1 = e.run(rm);
  INFO(r1.out, r1.err);
  CHECK(r1.exit_code == 0);
  CHECK(e.groups_named(h, "swarmctl").size() == 1);
  CHECK(e.run({"rm", "-y", "p0"}).exit_code == 0);
  CHECK(e.groups_named(h, "swarmctl").empty());
}

TEST_CASE("ec2 e2e: the security group opens exactly what the role needs") {
  NEED_MOTO();
  Env e(moto().url());
  auto args = e.create_args("mgr");
  args.insert(args.end() - 1, {"--swarm", "--swarm-master", "--swarm-discovery", "token://abc"});
  auto r = e.run(args);
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  XmlNode h;
  auto g = e.groups_named(h, "swarmctl");
  REQUIRE(g.size() == 1);
  CHECK(rules_of(*g[0]) == std::set<std::string>{"22/tcp@0.0.0.0/0", "2376/tcp@0.0.0.0/0",
                                                 "3376/tcp@0.0.0.0/0", "7946/tcp@self",
                                                 "7946/udp@self", "4789/udp@self"});
  CHECK(e.run({"rm", "-y", "mgr"}).exit_code == 0);

  // A classic node on a Nitro instance type advertises its cluster address on ens5.
  auto node = e.create_args("nitro");
  node.insert(node.end() - 1, {"--amazonec2-instance-type", "t3.micro", "--swarm",
                               "--swarm-discovery", "consul://10.1.2.3:8500"});
  auto n = e.run(node);
  INFO(n.out, n.err);
  REQUIRE(n.exit_code == 0);
  auto cfg = read_file(e.dir / "store/machines/nitro/config.json");
  REQUIRE(cfg);
  CHECK(cfg->find("cluster-advertise=ens5:2376") != std::string::npos);
  CHECK(rules_of(*e.groups_named(h, "swarmctl")[0]).count("4789/udp@self") == 1);
  CHECK(e.run({"rm", "-y", "nitro"}).exit_code == 0);
}

TEST_CASE("ec2 e2e: credentials from a profile are recorded by name and found again") {
  NEED_MOTO();
  Env e(moto().url());
  fs::create_directories(e.dir / "home/.aws");
  REQUIRE(atomic_write(e.dir / "home/.aws/credentials",
                       fmt::format("[work]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                                   k_key, k_secret)));
  std::map<std::string, std::string> env = {
      {"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}, {"AWS_PROFILE", "work"}};
  auto r = e.run(e.create_args("prof"), env);
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(e.driver_json("prof")["CredentialSource"] == "profile:work");
  CHECK(e.run({"status", "prof"}, env).out == "Running\n");
  // Flags: the secret goes to a 0600 file next to the key, not into config.json.
  auto f = e.create_args("flags");
  f.insert(f.end() - 1, {"--amazonec2-access-key", k_key, "--amazonec2-secret-key", k_secret});
  REQUIRE(e.run(f, env).exit_code == 0);
  CHECK(e.driver_json("flags")["CredentialSource"] == "flag");
  auto cfg = read_file(e.dir / "store/machines/flags/config.json");
  REQUIRE(cfg);
  CHECK(cfg->find(k_secret) == std::string::npos);
  CHECK(fs::status(e.dir / "store/machines/flags/aws-credentials").permissions() ==
        (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(
      e.run({"status", "flags"}, {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}}).out ==
      "Running\n");
  CHECK(e.run({"rm", "-y", "prof"}, env).exit_code == 0);
  CHECK(e.run({"rm", "-y", "flags"}, env).exit_code == 0);
}

TEST_CASE("ec2 e2e: pre-create checks fail with exit 3 and one line") {
  NEED_MOTO();
  Env e(moto().url());
  auto ami = e.run({"create", "-d", "amazonec2", "--amazonec2-endpoint", e.endpoint,
                    "--amazonec2-ami", "ami-0000dead", "--no-provision", "x1"});
  CHECK(ami.exit_code == 3);
  CHECK(ami.err.find(
            "Error with pre-create check: \"AMI ami-0000dead not found in region us-east-1\"") !=
        std::string::npos);
  auto kp = e.create_args("x2");
  kp.insert(kp.end() - 1, {"--amazonec2-keypair-name", "nokey"});
  auto k = e.run(kp);
  CHECK(k.exit_code == 3);
  CHECK(k.err.find("--amazonec2-ssh-keypath") != std::string::npos);
  auto none =
      e.run(e.create_args("x3"), {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}});
  CHECK(none.exit_code == 3);
  CHECK(none.err.find("requires AWS credentials") != std::string::npos);
  // Nothing was left behind.
  CHECK(e.run({"ls", "-q"}).out.empty());
}

TEST_CASE("ec2 e2e: bad credentials give a clear error at once, without retries or the secret") {
  auto py = test::python_with_moto();
  REQUIRE_MESSAGE(!py.empty(), "no python with moto and botocore");
  test::MotoServer strict(py, {{"INITIAL_NO_AUTH_ACTION_COUNT", "0"}});
  REQUIRE_MESSAGE(strict.ready(), (strict.error() + "\n" + strict.log()));
  Env e(strict.url());
  auto r = e.run(e.create_args("bad"));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("AuthFailure: AWS was not able to validate the provided access credentials") !=
        std::string::npos);
  CHECK(count_all_calls(r.err) == 1);
  CHECK(r.err.find(k_secret) == std::string::npos);
  CHECK(r.out.find(k_secret) == std::string::npos);
}

TEST_CASE("ec2 e2e: bad input and a limit error: one line on stderr each, nothing left in moto") {
  NEED_MOTO();
  Env e(moto().url());
  e.debug = false;
  auto one_line = [](const ProcessResult &r) {
    return !r.err.empty() && r.err.find('\n') == r.err.size() - 1;
  };
  // An unknown region, no endpoint given: refused before any request (none could be made here).
  auto region =
      e.run({"create", "-d", "amazonec2", "--amazonec2-region", "mars-1", "--no-provision", "r1"});
  INFO(region.err);
  CHECK(region.exit_code == 3);
  CHECK(one_line(region));
  CHECK(region.err.find("Invalid region specified: mars-1") != std::string::npos);
  // A profile that does not exist.
  auto profile = e.run(
      e.create_args("r2"),
      {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}, {"AWS_PROFILE", "nosuchprofile"}});
  INFO(profile.err);
  CHECK(profile.exit_code == 3);
  CHECK(one_line(profile));
  CHECK(profile.err.find("profile \"nosuchprofile\"") != std::string::npos);
  // A limit EC2 enforces (moto too): 60 rules per security group. 66 extra ports exceed it
  // when the group is being set up; the group and key pair this create made are removed.
  auto args = e.create_args("r3");
  for (int port = 10000; port < 10066; ++port)
    args.insert(args.end() - 1, {"--amazonec2-open-port", std::to_string(port)});
  auto limit = e.run(args);
  INFO(limit.out, limit.err);
  CHECK(limit.exit_code == 1);
  CHECK(one_line(limit));
  CHECK(limit.err.find("RulesPerSecurityGroupLimitExceeded") != std::string::npos);
  CHECK(e.call("DescribeKeyPairs", {}).items("keySet").empty());
  XmlNode h;
  CHECK(e.groups_named(h, "swarmctl").empty());
  CHECK(e.instances_tagged("r3").empty());
  CHECK(e.run({"ls", "-q"}).out.empty());
}

TEST_CASE("ec2 e2e: a failed launch rolls back the key pair and the security group") {
  NEED_MOTO();
  Env e(moto().url());
  auto args = e.create_args("broken");
  args.insert(args.end() - 1, {"--amazonec2-instance-type", "bogus.huge"});
  auto r = e.run(args);
  INFO(r.out, r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("RunInstances: InvalidInstanceType") != std::string::npos);
  CHECK(e.call("DescribeKeyPairs", {}).items("keySet").empty());
  XmlNode h;
  CHECK(e.groups_named(h, "swarmctl").empty());
  CHECK(!fs::exists(e.dir / "store/machines/broken"));
}

TEST_CASE("ec2 e2e: AMI by name pattern, spot instance, private address, tags") {
  NEED_MOTO();
  Env e(moto().url());
  auto args = std::vector<std::string>{"create",
                                       "-d",
                                       "amazonec2",
                                       "--amazonec2-endpoint",
                                       e.endpoint,
                                       "--amazonec2-ami-name",
                                       "ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*",
                                       "--amazonec2-request-spot-instance",
                                       "--amazonec2-use-private-address",
                                       "--amazonec2-tags",
                                       "team,blue",
                                       "--no-provision",
                                       "spot1"};
  auto r = e.run(args);
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  auto dj = e.driver_json("spot1");
  CHECK(dj["AMI"] == "ami-785db401"); // xenial sorts after trusty
  CHECK(!dj["SpotInstanceRequestId"].get<std::string>().empty());
  auto in = e.instances_tagged("spot1");
  REQUIRE(in.size() == 1);
  CHECK(in[0].state == "running");
  Params tp;
  add_filter(tp, 1, "tag:team", {"blue"});
  CHECK(parse_instances(e.call("DescribeInstances", tp)).size() == 1);
  CHECK(e.run({"ip", "spot1"}).out == in[0].private_ip + "\n");
  auto rm = e.run({"rm", "-y", "spot1"});
  CHECK(rm.exit_code == 0);
  CHECK(count_calls(rm.err, "CancelSpotInstanceRequests") == 1);
}

TEST_CASE("ec2 e2e: without --amazonec2-ami the newest Ubuntu LTS image of the region is used") {
  NEED_MOTO();
  Env e(moto().url());
  // moto's image catalogue holds Canonical's 14.04 and 16.04 server images (and others' Ubuntu
  // based images): the newest LTS owned by Canonical is 16.04, ami-785db401.
  auto r = e.run(
      {"create", "-d", "amazonec2", "--amazonec2-endpoint", e.endpoint, "--no-provision", "d1"});
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(e.driver_json("d1")["AMI"] == "ami-785db401");
  auto in = e.instances_tagged("d1");
  REQUIRE(in.size() == 1);
  CHECK(e.run({"rm", "-y", "d1"}).exit_code == 0);
}
