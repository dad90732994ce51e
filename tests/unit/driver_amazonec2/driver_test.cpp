#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include <doctest/doctest.h>
#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>
#include <provision/util/fs.hpp>

#include "../../support/temp_dir.hpp"
#include "fake_http.hpp"

using namespace sc;
using namespace sc::ec2;

namespace {
const char *k_secret = "SECRET_FROM_FLAG_123";
const char *k_token = "TOKEN_FROM_FLAG_456";

using test::TempDir;

EnvLookup empty_env(const fs::path &home) {
  return [home](const std::string &k) -> std::optional<std::string> {
    if (k == "HOME") return home.string();
    return std::nullopt;
  };
}

// A minimal EC2: enough of each response for the create / state / remove flows.
struct FakeEc2 {
  bool group_exists = false;
  std::string image = "<imagesSet><item><imageId>ami-1</imageId><name>ubuntu/images/hvm-ssd-gp3/"
                      "ubuntu-noble-24.04-amd64-server-20240423</name></item></imagesSet>";
  std::shared_ptr<test::FakeHttp> http = std::make_shared<test::FakeHttp>(
      [this](const HttpRequest &r, const std::string &a) -> Result<HttpResponse> {
        return answer(r, a);
      });
  std::string authorize_body;
  bool group_vanishes_once = false;
  std::string spot_instance;
  std::string spot_state = "open", spot_code = "pending-evaluation", spot_message;

  Result<HttpResponse> answer(const HttpRequest &r, const std::string &a) {
    auto ok = [](std::string inner) {
      return test::xml_response(200, "<R xmlns=\"urn:ec2\">" + inner + "</R>");
    };
    if (a == "DescribeImages") return ok(image);
    if (a == "DescribeAccountAttributes")
      return ok(
          "<accountAttributeSet><item><attributeName>default-vpc</attributeName><attributeValueSet>"
          "<item><attributeValue>vpc-1</attributeValue></item></attributeValueSet></item></"
          "accountAttributeSet>");
    if (a == "DescribeSubnets")
      return ok(
          "<subnetSet><item><subnetId>subnet-2</subnetId><defaultForAz>false</defaultForAz></item>"
          "<item><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><defaultForAz>true</"
          "defaultForAz></item></subnetSet>");
    if (a == "ImportKeyPair") return ok("<keyName>k</keyName>");
    if (a == "DescribeSecurityGroups")
      return ok(
          group_exists
              ? "<securityGroupInfo><item><groupId>sg-1</groupId><groupName>swarmctl</groupName>"
                "<ipPermissions/><tagSet><item><key>swarmctl-managed</key><value>true</value></"
                "item></tagSet></item></securityGroupInfo>"
              : "<securityGroupInfo/>");
    if (a == "CreateSecurityGroup") {
      group_exists = true;
      return ok("<groupId>sg-1</groupId>");
    }
    if (a == "AuthorizeSecurityGroupIngress") {
      authorize_body = r.body;
      return ok("<return>true</return>");
    }
    if (a == "RequestSpotInstances")
      return ok("<spotInstanceRequestSet><item><spotInstanceRequestId>sir-1</spotInstanceRequestId>"
                "<state>open</state></item></spotInstanceRequestSet>");
    if (a == "DescribeSpotInstanceRequests")
      return ok("<spotInstanceRequestSet><item><spotInstanceRequestId>sir-1</spotInstanceRequestId>"
                "<state>" +
                spot_state + "</state><status><code>" + spot_code + "</code><message>" +
                spot_message + "</message></status>" +
                (spot_instance.empty() ? "" : "<instanceId>" + spot_instance + "</instanceId>") +
                "</item></spotInstanceRequestSet>");
    if (a == "CreateTags") return ok("<return>true</return>");
    if (a == "RunInstances" && group_vanishes_once) {
      // What EC2 says when the group named in the launch was deleted meanwhile.
      group_vanishes_once = false;
      group_exists = false;
      return test::xml_response(
          400, "<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>"
               "The security group 'sg-1' does not exist</Message></Error></Errors>"
               "<RequestID>req-1</RequestID></Response>");
    }
    if (a == "RunInstances") return test::xml_response(200, test::test_data("run_instances.xml"));
    if (a == "DescribeInstances")
      return test::xml_response(200, test::test_data("describe_instances.xml"));
    return test::xml_response(400, "<Response><Errors><Error><Code>Unexpected</Code><Message>" + a +
                                       "</Message></Error></Errors></Response>");
  }
};

std::unique_ptr<Ec2Driver> driver_for(const TempDir &t, const FakeEc2 &ec2, FlagValues f,
                                      MachineRole role = {}) {
  auto d = std::make_unique<Ec2Driver>();
  d->set_env(empty_env(t.path));
  d->set_http(ec2.http);
  DriverContext ctx;
  ctx.machine_name = "node1";
  ctx.machine_dir = t.path;
  ctx.store_path = t.path;
  ctx.role = role;
  f.set("amazonec2-endpoint", {"http://127.0.0.1:9/"});
  REQUIRE(d->configure(ctx, f));
  return d;
}
} // namespace

TEST_CASE("amazonec2: config.json never holds the secret; flag keys live in a 0600 file and are "
          "resolved again") {
  TempDir t;
  FakeEc2 ec2;
  FlagValues f;
  f.set("amazonec2-access-key", {"AKID_FLAG"});
  f.set("amazonec2-secret-key", {k_secret});
  f.set("amazonec2-session-token", {k_token});
  auto d = driver_for(t, ec2, f);
  REQUIRE(d->pre_create_check());
  REQUIRE(d->create());
  auto json = d->to_json().dump();
  CHECK(json.find(k_secret) == std::string::npos);
  CHECK(json.find(k_token) == std::string::npos);
  CHECK(d->to_json()["CredentialSource"] == "flag");
  CHECK(d->to_json()["InstanceId"] == "i-1234567890abcdef0");
  struct stat st {};
  REQUIRE(stat((t.path / "aws-credentials").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // A later command: a fresh driver from the record finds the keys again.
  auto again = std::make_unique<Ec2Driver>();
  again->set_env(empty_env(t.path));
  again->set_http(ec2.http);
  REQUIRE(again->from_json(d->to_json()));
  DriverContext ctx;
  ctx.machine_name = "node1";
  ctx.machine_dir = t.path;
  again->bind(ctx);
  size_t before = ec2.http->requests.size();
  auto s = again->state();
  REQUIRE(s);
  CHECK(*s == State::Running);
  auto &req = ec2.http->requests.at(before);
  bool signed_with_flag_key = false;
  for (const auto &[k, v] : req.headers)
    if (k == "Authorization" && v.find("Credential=AKID_FLAG/") != std::string::npos)
      signed_with_flag_key = true;
  CHECK(signed_with_flag_key);
}

TEST_CASE("amazonec2: create makes the documented calls in order, tagging in RunInstances") {
  TempDir t;
  FakeEc2 ec2;
  FlagValues f;
  f.set("amazonec2-access-key", {"AKID"});
  f.set("amazonec2-secret-key", {"S"});
  f.set("amazonec2-tags", {"team,blue,env,test"});
  auto d = driver_for(t, ec2, f);
  REQUIRE(d->pre_create_check());
  REQUIRE(d->create());
  std::vector<std::string> want = {"DescribeImages",         "DescribeAccountAttributes",
                                   "DescribeSubnets",        "ImportKeyPair",
                                   "DescribeSecurityGroups", "CreateSecurityGroup",
                                   "DescribeSecurityGroups", "AuthorizeSecurityGroupIngress",
                                   "RunInstances",           "DescribeInstances",
                                   "DescribeInstances"};
  CHECK(ec2.http->actions == want);
  const auto &run = ec2.http->requests.at(8).body;
  CHECK(run.find("TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=node1") !=
        std::string::npos);
  CHECK(run.find("Tag.3.Key=team&TagSpecification.1.Tag.3.Value=blue") != std::string::npos);
  CHECK(run.find("NetworkInterface.1.SubnetId=subnet-1") != std::string::npos);
  CHECK(run.find("NetworkInterface.1.SecurityGroupId.1=sg-1") != std::string::npos);
  CHECK(run.find("BlockDeviceMapping.1.Ebs.VolumeSize=16") != std::string::npos);
  CHECK(run.find("InstanceType=t2.micro") != std::string::npos);
  CHECK(run.find("ClientToken=node1-") != std::string::npos);
  // A plain machine: SSH and the engine from anywhere, nothing else.
  CHECK(ec2.authorize_body.find("IpPermissions.1.FromPort=22") != std::string::npos);
  CHECK(ec2.authorize_body.find("IpPermissions.2.FromPort=2376") != std::string::npos);
  CHECK(ec2.authorize_body.find("IpPermissions.3") == std::string::npos);
  CHECK(*d->ip() == "54.194.252.215");
  // Machines reach each other at the private address (the one configured on the instance).
  auto cluster = d->cluster_address();
  REQUIRE(cluster);
  CHECK(*cluster == "192.168.1.88");
  auto ep = d->ssh_endpoint();
  REQUIRE(ep);
  CHECK(ep->user == "ubuntu");
  CHECK(ep->key_path == t.path / "id_rsa");
}

TEST_CASE("amazonec2: rules follow the machine role") {
  auto names = [](const std::vector<IngressRule> &rs) {
    std::vector<std::string> out;
    for (const auto &r : rs)
      out.push_back(std::to_string(r.from) + "/" + r.proto + (r.self ? "@group" : ""));
    return out;
  };
  MachineRole plain;
  CHECK(names(rules_for_role(plain, 22, {})) == std::vector<std::string>{"22/tcp", "2376/tcp"});
  MachineRole master;
  master.swarm_master = true;
  CHECK(names(rules_for_role(master, 22, {})) ==
        std::vector<std::string>{"22/tcp", "2376/tcp", "3376/tcp", "7946/tcp@group",
                                 "7946/udp@group", "4789/udp@group"});
  MachineRole mode;
  mode.swarm_mode = true;
  CHECK(names(rules_for_role(mode, 2222, {"8080", "53/udp"})) ==
        std::vector<std::string>{"2222/tcp", "2376/tcp", "2377/tcp@group", "7946/tcp@group",
                                 "7946/udp@group", "4789/udp@group", "8080/tcp", "53/udp"});
  MachineRole kv;
  kv.kv_port = 8500;
  CHECK(names(rules_for_role(kv, 22, {})) ==
        std::vector<std::string>{"22/tcp", "2376/tcp", "8500/tcp@group"});
}

TEST_CASE("amazonec2: batch_states asks EC2 once for every machine") {
  TempDir t;
  FakeEc2 ec2;
  FlagValues f;
  f.set("amazonec2-access-key", {"AKID"});
  f.set("amazonec2-secret-key", {"S"});
  std::vector<std::unique_ptr<Ec2Driver>> ds;
  std::vector<std::string> ids = {"i-1234567890abcdef0", "i-0bbbbbbbbbbbbbbbb", "i-gone"};
  for (const auto &id : ids) {
    auto d = driver_for(t, ec2, f);
    auto j = d->to_json();
    j["InstanceId"] = id;
    j["CredentialSource"] = "profile:default";
    REQUIRE(d->from_json(j));
    ds.push_back(std::move(d));
  }
  std::vector<Driver *> ptrs;
  for (auto &d : ds)
    ptrs.push_back(d.get());
  auto states = ds[0]->batch_states(ptrs);
  REQUIRE(states);
  REQUIRE(states->size() == 3);
  CHECK(ec2.http->actions == std::vector<std::string>{"DescribeInstances"});
  CHECK(ec2.http->requests[0].body.find(
            "Filter.1.Name=instance-id&Filter.1.Value.1=i-1234567890abcdef0&Filter.1.Value.2=i-"
            "0bbbbbbbbbbbbbbbb&Filter.1.Value.3=i-gone") != std::string::npos);
  CHECK(*(*states)[0] == State::Running);
  CHECK(*(*states)[1] == State::Stopped);
  REQUIRE(!(*states)[2]);
  CHECK((*states)[2].error().message == "instance i-gone not found");
  CHECK(*ds[0]->ip() == "54.194.252.215"); // refreshed by the batch, no extra call
  CHECK(ec2.http->requests.size() == 1);
}

TEST_CASE("amazonec2: pre-create check failures are one line with Errc::precreate") {
  TempDir t;
  FakeEc2 ec2;
  FlagValues none;
  auto d = driver_for(t, ec2, none);
  auto r = d->pre_create_check();
  REQUIRE(!r);
  CHECK(r.error().code == Errc::precreate);
  CHECK(r.error().message.find("requires AWS credentials") != std::string::npos);
  CHECK(ec2.http->requests.empty());

  FlagValues keys;
  keys.set("amazonec2-access-key", {"AKID"});
  keys.set("amazonec2-secret-key", {"S"});
  FlagValues kp = keys;
  kp.set("amazonec2-keypair-name", {"mykey"});
  auto k = driver_for(t, ec2, kp)->pre_create_check();
  REQUIRE(!k);
  CHECK(k.error().code == Errc::precreate);
  CHECK(k.error().message.find("--amazonec2-ssh-keypath") != std::string::npos);

  ec2.image = "<imagesSet/>";
  FlagValues ami = keys;
  ami.set("amazonec2-ami", {"ami-missing"});
  auto a = driver_for(t, ec2, ami)->pre_create_check();
  REQUIRE(!a);
  CHECK(a.error().code == Errc::precreate);
  CHECK(a.error().message == "AMI ami-missing not found in region us-east-1");

  auto reg = std::make_unique<Ec2Driver>();
  reg->set_env(empty_env(t.path));
  DriverContext ctx;
  ctx.machine_dir = t.path;
  FlagValues bad = keys;
  bad.set("amazonec2-region", {"mars-north-1"});
  REQUIRE(reg->configure(ctx, bad));
  auto rr = reg->pre_create_check();
  REQUIRE(!rr);
  CHECK(rr.error().code == Errc::precreate);
  CHECK(rr.error().message.rfind("Invalid region specified: mars-north-1", 0) == 0);
}

TEST_CASE("amazonec2: instance states and interface names") {
  CHECK(map_state("pending") == State::Starting);
  CHECK(map_state("running") == State::Running);
  CHECK(map_state("stopping") == State::Stopping);
  CHECK(map_state("shutting-down") == State::Stopping);
  CHECK(map_state("stopped") == State::Stopped);
  CHECK(map_state("terminated") == State::Error);
  CHECK(interface_for_instance_type("t2.micro") == "eth0");
  CHECK(interface_for_instance_type("m4.large") == "eth0");
  CHECK(interface_for_instance_type("t3.micro") == "ens5");
  CHECK(interface_for_instance_type("m5.large") == "ens5");
  CHECK(default_ami("us-east-1") == "ami-927185ef");
  CHECK(default_ami("mars-1").empty());
}

TEST_CASE(
    "amazonec2: the cluster interface is a guess from the instance type unless the user names it") {
  TempDir t;
  FakeEc2 ec2;
  FlagValues f;
  f.set("amazonec2-instance-type", {"t3.small"});
  auto guessed = driver_for(t, ec2, f);
  CHECK(guessed->network().interface == "ens5");
  CHECK_FALSE(guessed->network().interface_given); // provisioning corrects it from the host
  f.set("amazonec2-cluster-interface", {"enX0"});
  auto given = driver_for(t, ec2, f);
  CHECK(given->network().interface == "enX0");
  CHECK(given->network().interface_given);
}

TEST_CASE("amazonec2: a spot request that failed stops the wait at once, with EC2's reason") {
  TempDir t;
  FakeEc2 ec2;
  ec2.spot_state = "failed";
  ec2.spot_code = "bad-parameters";
  ec2.spot_message = "The Spot request contains invalid parameters.";
  FlagValues f;
  f.set("amazonec2-access-key", {"AKID"});
  f.set("amazonec2-secret-key", {"S"});
  f.set("amazonec2-request-spot-instance", {"true"});
  auto d = driver_for(t, ec2, f);
  REQUIRE(d->pre_create_check());
  auto t0 = std::chrono::steady_clock::now();
  auto st = d->create();
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE_FALSE(st);
  INFO(st.error().message);
  CHECK(st.error().message.find("spot instance request sir-1 is failed (bad-parameters): The Spot "
                                "request contains invalid parameters.") != std::string::npos);
  CHECK(took < std::chrono::seconds(5)); // not the 10-minute deadline
  CHECK(std::count(ec2.http->actions.begin(), ec2.http->actions.end(),
                   "DescribeSpotInstanceRequests") == 1);
  CHECK(std::count(ec2.http->actions.begin(), ec2.http->actions.end(), "RunInstances") == 0);
}

TEST_CASE("amazonec2: a group deleted by a concurrent rm before the launch is made again") {
  TempDir t;
  FakeEc2 ec2;
  ec2.group_exists = true;
  ec2.group_vanishes_once = true;
  FlagValues f;
  f.set("amazonec2-access-key", {"AKID"});
  f.set("amazonec2-secret-key", {"S"});
  auto d = driver_for(t, ec2, f);
  REQUIRE(d->pre_create_check());
  auto st = d->create();
  INFO((st ? std::string() : st.error().message));
  REQUIRE(st);
  auto n = [&](const char *a) {
    return std::count(ec2.http->actions.begin(), ec2.http->actions.end(), a);
  };
  CHECK(n("RunInstances") == 2);
  CHECK(n("CreateSecurityGroup") == 1); // found at first, gone at launch, created again
  CHECK(n("AuthorizeSecurityGroupIngress") >= 1);
  CHECK(*d->ip() == "54.194.252.215");
}

TEST_CASE(
    "amazonec2: the default AMI is the newest Ubuntu LTS build for the instance's architecture") {
  CHECK(ubuntu_lts_version("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423") ==
        2404);
  CHECK(ubuntu_lts_version("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240701") ==
        2204);
  CHECK(ubuntu_lts_version("ubuntu/images/hvm-ssd-gp3/ubuntu-plucky-25.04-amd64-server-20250415") ==
        0);
  CHECK(ubuntu_lts_version("ubuntu/images/hvm-ssd/ubuntu-mantic-23.10-amd64-server-20231011") == 0);
  CHECK(ubuntu_lts_version("Deep Learning AMI Ubuntu Linux - 2.4_Oct2017") == 0);
  for (const char *arm : {"t4g.micro", "m6g.large", "c7gn.xlarge", "x2gd.medium", "g5g.xlarge"})
    CHECK_MESSAGE(arm_instance_type(arm), arm);
  for (const char *x86 :
       {"t2.micro", "t3.small", "m5.large", "g4dn.xlarge", "p4d.24xlarge", "inf1.xlarge"})
    CHECK_MESSAGE(!arm_instance_type(x86), x86);

  TempDir t;
  FakeEc2 ec2;
  auto item = [](const char *id, const char *name, const char *date) {
    return fmt::format(
        "<item><imageId>{}</imageId><name>{}</name><creationDate>{}</creationDate></item>", id,
        name, date);
  };
  ec2.image =
      "<imagesSet>" +
      item("ami-jammy-new", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20251101",
           "2025-11-01T00:00:00.000Z") +
      item("ami-noble-old", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423",
           "2024-04-23T00:00:00.000Z") +
      item("ami-noble-new", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251015",
           "2025-10-15T00:00:00.000Z") +
      item("ami-plucky", "ubuntu/images/hvm-ssd-gp3/ubuntu-plucky-25.04-amd64-server-20251101",
           "2025-11-01T00:00:00.000Z") +
      "</imagesSet>";
  FlagValues f;
  f.set("amazonec2-access-key", {"AKID"});
  f.set("amazonec2-secret-key", {"S"});
  SUBCASE("x86") {
    auto d = driver_for(t, ec2, f);
    REQUIRE(d->pre_create_check());
    REQUIRE(d->create());
    CHECK(d->to_json()["AMI"] == "ami-noble-new");
    const auto &q = ec2.http->requests.at(0).body;
    CHECK(q.find("Owner.1=099720109477") != std::string::npos);
    CHECK(q.find("amd64-server-%2A") != std::string::npos);
  }
  SUBCASE("arm64 instance type asks for arm64 images") {
    f.set("amazonec2-instance-type", {"t4g.small"});
    auto d = driver_for(t, ec2, f);
    REQUIRE(d->pre_create_check());
    CHECK(ec2.http->requests.at(0).body.find("arm64-server-%2A") != std::string::npos);
  }
  SUBCASE("nothing found: docker-machine's table entry, checked with DescribeImages") {
    ec2.image = "<imagesSet/>";
    auto d = driver_for(t, ec2, f);
    auto st = d->pre_create_check();
    REQUIRE_FALSE(st); // the fake has no image with the table's id either
    CHECK(st.error().message == "AMI ami-927185ef not found in region us-east-1");
    CHECK(std::count(ec2.http->actions.begin(), ec2.http->actions.end(), "DescribeImages") == 2);
  }
}

TEST_CASE("amazonec2: a spot request cancelled with its instance running adopts the instance") {
  TempDir t;
  FakeEc2 ec2;
  ec2.spot_state = "cancelled";
  ec2.spot_code = "request-canceled-and-instance-running";
  ec2.spot_instance = "i-1234567890abcdef0";
  FlagValues f;
  f.set("amazonec2-access-key", {"AKID"});
  f.set("amazonec2-secret-key", {"S"});
  f.set("amazonec2-request-spot-instance", {"true"});
  auto d = driver_for(t, ec2, f);
  REQUIRE(d->pre_create_check());
  auto st = d->create();
  INFO((st ? std::string() : st.error().message));
  REQUIRE(st);
  CHECK(d->to_json()["InstanceId"] == "i-1234567890abcdef0");
  CHECK(std::count(ec2.http->actions.begin(), ec2.http->actions.end(), "CreateTags") == 1);
}
