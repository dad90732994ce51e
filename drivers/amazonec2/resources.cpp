#include <algorithm>
#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>
#include <provision/ssh/keys.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/number.hpp>
#include <provision/util/poll.hpp>

namespace sc::ec2 {

std::string base64_encode(std::string_view in);
std::string random_token(size_t bytes);

namespace {
constexpr const char *k_managed_tag = "swarmctl-managed";

struct Present {
  std::string proto;
  int from = 0, to = 0;
  bool anywhere = false;
  std::vector<std::string> groups;
};

std::vector<Present> permissions(const XmlNode &group) {
  std::vector<Present> out;
  for (const XmlNode *p : group.items("ipPermissions")) {
    Present x;
    x.proto = p->str("ipProtocol");
    x.from = parse_number<int>(p->str("fromPort")).value_or(x.from);
    x.to = parse_number<int>(p->str("toPort")).value_or(x.to);
    for (const XmlNode *r : p->items("ipRanges"))
      if (r->str("cidrIp") == "0.0.0.0/0") x.anywhere = true;
    for (const XmlNode *g : p->items("groups"))
      x.groups.push_back(g->str("groupId"));
    out.push_back(x);
  }
  return out;
}

bool covered(const IngressRule &r, const std::vector<Present> &ps, const std::string &self) {
  for (const auto &p : ps) {
    bool proto = p.proto == "-1" || p.proto == r.proto;
    bool ports = p.proto == "-1" || (p.from <= r.from && r.to <= p.to);
    if (!proto || !ports) continue;
    if (p.anywhere) return true;
    if (r.self && std::find(p.groups.begin(), p.groups.end(), self) != p.groups.end()) return true;
  }
  return false;
}

void add_rule(Params &p, int n, const IngressRule &r, const std::string &self) {
  p.emplace_back(fmt::format("IpPermissions.{}.IpProtocol", n), r.proto);
  p.emplace_back(fmt::format("IpPermissions.{}.FromPort", n), std::to_string(r.from));
  p.emplace_back(fmt::format("IpPermissions.{}.ToPort", n), std::to_string(r.to));
  if (r.self)
    p.emplace_back(fmt::format("IpPermissions.{}.Groups.1.GroupId", n), self);
  else
    p.emplace_back(fmt::format("IpPermissions.{}.IpRanges.1.CidrIp", n), "0.0.0.0/0");
}
} // namespace

Status Ec2Driver::ensure_key_pair() {
  std::error_code ec;
  if (!m_ssh_keypath.empty()) {
    auto k = read_file(m_ssh_keypath);
    if (!k) return fail(k.error());
    SC_TRY(atomic_write(key_path(), *k, 0600));
    if (fs::exists(m_ssh_keypath + ".pub", ec)) {
      auto pub = read_file(m_ssh_keypath + ".pub");
      if (!pub) return fail(pub.error());
      SC_TRY(atomic_write(key_path().string() + ".pub", *pub, 0644));
    }
  } else {
    // RSA: accepted by ImportKeyPair everywhere (ed25519 is not for every AMI/region).
    SC_TRY(generate_ssh_key(key_path(), KeyType::Rsa));
  }
  if (!m_keypair_name.empty()) return ok(); // an existing key pair, not ours to delete
  auto pub = read_file(key_path().string() + ".pub");
  if (!pub) return fail(pub.error());
  auto c = client();
  SC_TRY(c);
  // A suffix keeps a stale key pair of an earlier machine with the same name from blocking us.
  std::string name = m_name + "-" + random_token(4);
  auto r =
      (*c)->call("ImportKeyPair", {{"KeyName", name}, {"PublicKeyMaterial", base64_encode(*pub)}});
  if (!r) return fail(r.error());
  m_keypair_name = name;
  m_key_created = true;
  return ok();
}

Result<std::string> Ec2Driver::ensure_security_group(const std::string &name) {
  auto c = client();
  SC_TRY(c);
  auto describe = [&]() -> Result<std::optional<XmlNode>> {
    Params p;
    add_filter(p, 1, "group-name", {name});
    add_filter(p, 2, "vpc-id", {m_vpc_id});
    auto r = (*c)->call("DescribeSecurityGroups", p);
    if (!r) return fail(r.error());
    auto items = r->items("securityGroupInfo");
    if (items.empty()) return std::optional<XmlNode>();
    return std::optional<XmlNode>(*items[0]);
  };
  auto g = describe();
  if (!g) return fail(g.error());
  if (!*g) {
    info(fmt::format("Creating security group {} in {}", name, m_vpc_id));
    Params p{{"GroupName", name},
             {"GroupDescription", "swarmctl machines"},
             {"VpcId", m_vpc_id},
             {"TagSpecification.1.ResourceType", "security-group"},
             {"TagSpecification.1.Tag.1.Key", k_managed_tag},
             {"TagSpecification.1.Tag.1.Value", "true"}};
    auto r = (*c)->call("CreateSecurityGroup", p);
    // Another create running in parallel made it first: use theirs.
    if (!r && r.error().code != Errc::already_exists) return fail(r.error());
    auto st = poll_until(
        "security group visible", std::chrono::seconds(60),
        [&]() -> Status {
          g = describe();
          if (!g) return fail(g.error());
          if (!*g) return fail(Errc::not_found, "not visible yet");
          return ok();
        },
        std::chrono::milliseconds(100), std::chrono::milliseconds(2000));
    SC_TRY(st);
  }
  std::string id = (*g)->str("groupId");
  // Known from now on, so that a rollback (remove) deletes a group this create made even when
  // authorising its rules fails (e.g. RulesPerSecurityGroupLimitExceeded).
  if (std::find(m_group_ids.begin(), m_group_ids.end(), id) == m_group_ids.end())
    m_group_ids.push_back(id);
  if (!m_group_readonly) {
    auto present = permissions(**g);
    std::vector<IngressRule> missing;
    for (const auto &r : rules_for_role(m_role, m_ssh_port, m_open_ports))
      if (!covered(r, present, id)) missing.push_back(r);
    if (!missing.empty()) SC_TRY(authorize(id, missing));
  }
  return id;
}

Status Ec2Driver::authorize(const std::string &id, const std::vector<IngressRule> &rules) {
  auto c = client();
  SC_TRY(c);
  Params p{{"GroupId", id}};
  for (size_t i = 0; i < rules.size(); ++i)
    add_rule(p, static_cast<int>(i + 1), rules[i], id);
  auto r = (*c)->call("AuthorizeSecurityGroupIngress", p);
  if (r) return ok();
  if (r.error().code != Errc::already_exists) return fail(r.error());
  // A parallel create added some of them: the call is all-or-nothing, so go one by one.
  for (const auto &rule : rules) {
    Params one{{"GroupId", id}};
    add_rule(one, 1, rule, id);
    auto x = (*c)->call("AuthorizeSecurityGroupIngress", one);
    if (!x && x.error().code != Errc::already_exists) return fail(x.error());
  }
  return ok();
}

// Who holds the group is what DeleteSecurityGroup depends on: network interfaces. (The
// instance.group-id filter of DescribeInstances would do on AWS, but emulators such as moto only
// record groups given outside NetworkInterfaces.) This machine's instance counts as leaving.
Result<std::pair<int, int>> Ec2Driver::group_users(Client &c, const std::string &gid) {
  Params p;
  add_filter(p, 1, "group-id", {gid});
  auto r = c.call("DescribeNetworkInterfaces", p);
  if (!r) return fail(r.error());
  std::pair<int, int> n{0, 0};
  std::vector<std::string> ids;
  for (const XmlNode *eni : r->items("networkInterfaceSet")) {
    auto iid = eni->str("attachment/instanceId");
    if (iid.empty())
      ++n.first; // a load balancer, an unattached ENI...: not ours to judge
    else
      ids.push_back(iid);
  }
  if (ids.empty()) return n;
  Params q;
  add_filter(q, 1, "instance-id", ids);
  auto d = c.call("DescribeInstances", q);
  if (!d) return fail(d.error());
  for (const auto &in : parse_instances(*d)) {
    if (in.state == "terminated") continue;
    (in.state == "shutting-down" || in.id == m_instance_id ? n.second : n.first)++;
  }
  return n;
}

Status Ec2Driver::cleanup_security_groups() {
  auto c = client();
  SC_TRY(c);
  for (const auto &gid : m_group_ids) {
    // Only groups swarmctl created (tagged), and only when no other instance uses them.
    Params dp{{"GroupId.1", gid}};
    auto g = (*c)->call("DescribeSecurityGroups", dp);
    if (!g) {
      if (g.error().code == Errc::not_found) continue;
      return fail(g.error());
    }
    auto items = g->items("securityGroupInfo");
    if (items.empty()) continue;
    bool managed = false;
    for (const XmlNode *t : items[0]->items("tagSet"))
      if (t->str("key") == k_managed_tag) managed = true;
    if (!managed) continue;
    // Instances that keep the group: any live one. Shutting-down ones (ours, or machines
    // removed in parallel) are going away: wait for them, so that parallel removals of the last
    // machines still delete the group (each waits; one deletes, the others see it gone).
    auto users = [&] { return group_users(**c, gid); }; // (live, shutting down)
    auto u = users();
    if (!u) return fail(u.error());
    if (u->first > 0) continue;
    if (u->second > 0) {
      // AWS refuses to delete a group while a terminating instance still holds it.
      auto st = poll_until(
          fmt::format("instances leaving security group {}", gid), std::chrono::minutes(5),
          [&]() -> Status {
            auto n = users();
            if (!n) return fail(n.error());
            if (n->first > 0) return ok(); // a new machine joined meanwhile: keep the group
            if (n->second > 0)
              return fail(Errc::generic,
                          fmt::format("{} instance(s) still shutting down", n->second));
            return ok();
          },
          std::chrono::milliseconds(500), std::chrono::milliseconds(5000));
      if (!st) {
        warn(fmt::format("security group {} kept: {}", gid, st.error().message));
        continue;
      }
      auto again = users();
      if (!again || again->first > 0) continue;
    }
    auto d = (*c)->call("DeleteSecurityGroup", {{"GroupId", gid}});
    if (d)
      info(fmt::format("Deleted security group {} (no machine uses it any more)", gid));
    else if (d.error().message.find("DependencyViolation") != std::string::npos)
      warn(fmt::format("security group {} is still in use by another resource and was kept: {}",
                       gid, d.error().message));
    else if (d.error().code != Errc::not_found)
      return fail(d.error());
  }
  return ok();
}

Status Ec2Driver::remove() {
  auto c = client();
  SC_TRY(c);
  if (!m_instance_id.empty()) {
    auto r = (*c)->call("TerminateInstances", {{"InstanceId.1", m_instance_id}});
    if (!r && r.error().code != Errc::not_found)
      return fail(r.error().context("Error terminating instance"));
    if (!r) warn(fmt::format("instance {} was already gone", m_instance_id));
  }
  if (!m_spot_request_id.empty()) {
    auto r =
        (*c)->call("CancelSpotInstanceRequests", {{"SpotInstanceRequestId.1", m_spot_request_id}});
    if (!r && r.error().code != Errc::not_found) warn(r.error().message);
  }
  if (m_key_created && !m_keypair_name.empty()) {
    auto r = (*c)->call("DeleteKeyPair", {{"KeyName", m_keypair_name}});
    if (!r && r.error().code != Errc::not_found)
      return fail(r.error().context("Error deleting key pair"));
  }
  return cleanup_security_groups();
}

} // namespace sc::ec2
