// The driver's flags (docker-machine names and defaults) and pure helpers: AMI table, state
// mapping, interface names, rules per role, instance lists from DescribeInstances/RunInstances
// answers.
#include <algorithm>
#include <cctype>
#include <drivers/amazonec2/ec2_driver.hpp>
#include <map>
#include <provision/util/number.hpp>
#include <set>

namespace sc::ec2 {

namespace {
const std::map<std::string, std::string> &ami_table() {
  static const std::map<std::string, std::string> t = {
      {"ap-northeast-1", "ami-bcb7f6da"}, {"ap-northeast-2", "ami-5073de3e"},
      {"ap-southeast-1", "ami-41e4af3d"}, {"ap-southeast-2", "ami-c1498fa3"},
      {"ap-south-1", "ami-1083dc7f"},     {"ca-central-1", "ami-8d9e19e9"},
      {"cn-north-1", "ami-cc4499a1"},     {"cn-northwest-1", "ami-fd0e1a9f"},
      {"eu-north-1", "ami-017ff17f"},     {"eu-central-1", "ami-bc4925d3"},
      {"eu-west-1", "ami-0b541372"},      {"eu-west-2", "ami-ff46a298"},
      {"eu-west-3", "ami-9465d3e9"},      {"sa-east-1", "ami-b5501bd9"},
      {"us-east-1", "ami-927185ef"},      {"us-east-2", "ami-b9daeddc"},
      {"us-west-1", "ami-264c4646"},      {"us-west-2", "ami-78a22900"},
      {"us-gov-west-1", "ami-2561ea44"},
  };
  return t;
}
} // namespace

// "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423" -> 2404, 0 when the
// name is not an LTS release (YY.04 with an even YY).
int ubuntu_lts_version(const std::string &name) {
  for (size_t i = 0; i + 5 <= name.size(); ++i) {
    if (name[i] != '-' || !std::isdigit(static_cast<unsigned char>(name[i + 1])) ||
        !std::isdigit(static_cast<unsigned char>(name[i + 2])) ||
        name.compare(i + 3, 3, ".04") != 0)
      continue;
    int yy = (name[i + 1] - '0') * 10 + (name[i + 2] - '0');
    if (yy % 2 == 0) return yy * 100 + 4;
  }
  return 0;
}

// Graviton families carry a 'g' after the generation digit: t4g, m6g, c7gn, x2gd, g5g (not g4dn).
bool arm_instance_type(const std::string &type) {
  auto family = type.substr(0, type.find('.'));
  auto digit = family.find_first_of("0123456789");
  if (digit == std::string::npos) return false;
  auto rest = family.substr(digit);
  auto letters = rest.find_first_not_of("0123456789");
  return letters != std::string::npos && rest.find('g', letters) != std::string::npos;
}

std::string default_ami(const std::string &region) {
  auto it = ami_table().find(region);
  return it == ami_table().end() ? "" : it->second;
}
bool known_region(const std::string &region) {
  return ami_table().count(region) > 0;
}

State map_state(std::string_view s) {
  if (s == "pending") return State::Starting;
  if (s == "running") return State::Running;
  if (s == "stopping" || s == "shutting-down") return State::Stopping;
  if (s == "stopped") return State::Stopped;
  return State::Error; // terminated, unknown
}

std::string interface_for_instance_type(const std::string &type) {
  // Xen generations name the NIC eth0; Nitro (ENA as PCI device) gives ens5 on Ubuntu.
  static const std::set<std::string> xen = {"t1", "t2",  "m1", "m2", "m3",  "m4",  "c1", "c3", "c4",
                                            "r3", "r4",  "i2", "i3", "d2",  "g2",  "g3", "p2", "p3",
                                            "x1", "x1e", "h1", "f1", "cc2", "cr1", "hs1"};
  auto family = type.substr(0, type.find('.'));
  if (family.empty() || xen.count(family)) return "eth0";
  return "ens5";
}

std::vector<IngressRule> rules_for_role(const MachineRole &role, int ssh_port,
                                        const std::vector<std::string> &open_ports) {
  std::vector<IngressRule> r;
  auto add = [&](IngressRule x) {
    if (std::find(r.begin(), r.end(), x) == r.end()) r.push_back(x);
  };
  add({"tcp", ssh_port, ssh_port, false});
  add({"tcp", role.engine_port, role.engine_port, false});
  if (role.swarm_master) add({"tcp", role.swarm_port, role.swarm_port, false});
  if (role.swarm_mode) add({"tcp", 2377, 2377, true});
  // Overlay networks (swarm mode, and classic swarm over a KV store): gossip and VXLAN.
  if (role.swarm_mode || role.swarm_master || role.swarm_agent) {
    add({"tcp", 7946, 7946, true});
    add({"udp", 7946, 7946, true});
    add({"udp", 4789, 4789, true});
  }
  if (role.kv_port > 0) add({"tcp", role.kv_port, role.kv_port, true});
  for (const auto &p : open_ports) {
    auto slash = p.find('/');
    std::string proto = slash == std::string::npos ? "tcp" : p.substr(slash + 1);
    if (auto port = parse_port(std::string_view(p).substr(0, slash)))
      add({proto, *port, *port, false});
  }
  return r;
}

std::vector<InstanceInfo> parse_instances(const XmlNode &doc) {
  std::vector<InstanceInfo> out;
  auto collect = [&](const XmlNode &set) {
    for (const XmlNode *it : set.all("item"))
      out.push_back({it->str("instanceId"), it->str("instanceState/name"), it->str("ipAddress"),
                     it->str("privateIpAddress"), it->str("instanceType")});
  };
  if (const XmlNode *rs = doc.child("reservationSet")) {
    for (const XmlNode *r : rs->all("item"))
      if (const XmlNode *is = r->child("instancesSet")) collect(*is);
  } else if (const XmlNode *is = doc.child("instancesSet")) { // RunInstancesResponse
    collect(*is);
  }
  return out;
}

std::vector<FlagSpec> Ec2Driver::create_flags() const {
  using K = FlagSpec::Kind;
  return {
      {"amazonec2-access-key", K::String, "", "",
       "AWS Access Key (else AWS_ACCESS_KEY_ID, else the profile); kept in the machine directory, "
       "mode 0600"},
      {"amazonec2-secret-key", K::String, "", "",
       "AWS Secret Key (else AWS_SECRET_ACCESS_KEY); never written to config.json. A secret given "
       "as a flag is visible to every local user in /proc/PID/cmdline (and ps) while swarmctl "
       "runs: prefer AWS_SECRET_ACCESS_KEY or --amazonec2-profile"},
      {"amazonec2-session-token", K::String, "", "",
       "AWS Session Token (else AWS_SESSION_TOKEN); as a flag it is visible in /proc/PID/cmdline "
       "like --amazonec2-secret-key"},
      {"amazonec2-profile", K::String, "", "",
       "Profile of ~/.aws/credentials and ~/.aws/config (else AWS_PROFILE, else default)"},
      {"amazonec2-region", K::String, "", "",
       "AWS region (else AWS_DEFAULT_REGION, AWS_REGION, the profile's region, us-east-1)"},
      {"amazonec2-endpoint", K::String, "", "AWS_ENDPOINT",
       "EC2 endpoint URL (other clouds, tests)"},
      {"amazonec2-insecure-transport", K::Bool, "false", "AWS_INSECURE_TRANSPORT",
       "Do not verify the endpoint's TLS certificate"},
      {"amazonec2-ami", K::String, "", "AWS_AMI", "AMI ID (default: Ubuntu LTS of the region)"},
      {"amazonec2-ami-name", K::String, "", "AWS_AMI_NAME",
       "Look the AMI up by name pattern (newest match), e.g. "
       "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"},
      {"amazonec2-ami-owner", K::String, "099720109477", "AWS_AMI_OWNER",
       "Owner for --amazonec2-ami-name (default: Canonical)"},
      {"amazonec2-instance-type", K::String, "t2.micro", "AWS_INSTANCE_TYPE", "AWS instance type"},
      {"amazonec2-device-name", K::String, "/dev/sda1", "AWS_DEVICE_NAME", "AWS root device name"},
      {"amazonec2-root-size", K::Int, "16", "AWS_ROOT_SIZE", "AWS root disk size (in GB)"},
      {"amazonec2-volume-type", K::String, "gp2", "AWS_VOLUME_TYPE", "Amazon EBS volume type"},
      {"amazonec2-vpc-id", K::String, "", "AWS_VPC_ID",
       "AWS VPC id (default: the account's default VPC)"},
      {"amazonec2-subnet-id", K::String, "", "AWS_SUBNET_ID", "AWS VPC subnet id"},
      {"amazonec2-zone", K::String, "a", "AWS_ZONE", "AWS zone for instance (i.e. a,b,c,d,e)"},
      {"amazonec2-security-group", K::List, "", "AWS_SECURITY_GROUP",
       "AWS VPC security group (default: swarmctl)"},
      {"amazonec2-security-group-readonly", K::Bool, "false", "AWS_SECURITY_GROUP_READONLY",
       "Skip adding default rules to security groups"},
      {"amazonec2-open-port", K::List, "", "",
       "Make the specified port number accessible from the Internet (port or port/proto)"},
      {"amazonec2-tags", K::String, "", "AWS_TAGS",
       "AWS tags key-value pairs (comma-separated, e.g. key1,value1,key2,value2)"},
      {"amazonec2-iam-instance-profile", K::String, "", "AWS_INSTANCE_PROFILE",
       "AWS IAM Instance Profile"},
      {"amazonec2-ssh-user", K::String, "ubuntu", "AWS_SSH_USER", "Set the name of the ssh user"},
      {"amazonec2-ssh-port", K::Int, "22", "AWS_SSH_PORT", "SSH port"},
      {"amazonec2-ssh-keypath", K::String, "", "AWS_SSH_KEYPATH",
       "SSH private key path (its .pub next to it)"},
      {"amazonec2-keypair-name", K::String, "", "AWS_KEYPAIR_NAME",
       "Existing AWS key pair to use (needs --amazonec2-ssh-keypath)"},
      {"amazonec2-request-spot-instance", K::Bool, "false", "",
       "Set this flag to request spot instance"},
      {"amazonec2-spot-price", K::String, "0.50", "", "AWS spot instance bid price (in dollar)"},
      {"amazonec2-block-duration-minutes", K::Int, "0", "",
       "AWS spot instance duration in minutes (60, 120, 180, 240, 300, or 360)"},
      {"amazonec2-private-address-only", K::Bool, "false", "", "Only use a private IP address"},
      {"amazonec2-use-private-address", K::Bool, "false", "",
       "Force the usage of private IP address"},
      {"amazonec2-monitoring", K::Bool, "false", "",
       "Set this flag to enable CloudWatch monitoring"},
      {"amazonec2-use-ebs-optimized-instance", K::Bool, "false", "",
       "Create an EBS optimized instance"},
      {"amazonec2-retries", K::Int, "5", "",
       "Set retry count for recoverable failures (use -1 to disable)"},
      {"amazonec2-userdata", K::String, "", "AWS_USERDATA",
       "Path to file with cloud-init user data"},
      {"amazonec2-cluster-interface", K::String, "", "",
       "Interface for --cluster-advertise (default: eth0, ens5 on Nitro instance types)"},
  };
}

} // namespace sc::ec2
