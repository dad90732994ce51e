#include <openssl/evp.h>
#include <openssl/rand.h>

#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>
#include <provision/util/fs.hpp>
#include <provision/util/poll.hpp>

namespace sc::ec2 {

namespace {
std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                          reinterpret_cast<const unsigned char *>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}
std::string random_hex(size_t bytes) {
  std::string b(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char *>(b.data()), static_cast<int>(bytes)) != 1)
    b = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  return hex(b);
}
} // namespace

std::string base64_encode(std::string_view in) {
  return base64(in);
}
std::string random_token(size_t bytes) {
  return random_hex(bytes);
}

Status Ec2Driver::resolve_network() {
  auto c = client();
  SC_TRY(c);
  if (m_vpc_id.empty() && m_subnet_id.empty()) {
    auto r = (*c)->call("DescribeAccountAttributes", {{"AttributeName.1", "default-vpc"}});
    if (r) {
      for (const XmlNode *a : r->items("accountAttributeSet"))
        if (a->str("attributeName") == "default-vpc")
          for (const XmlNode *v : a->items("attributeValueSet"))
            if (auto id = v->str("attributeValue"); !id.empty() && id != "none") m_vpc_id = id;
    } else if (r.error().code == Errc::auth) {
      return fail(r.error());
    }
    if (m_vpc_id.empty()) {
      Params p;
      add_filter(p, 1, "isDefault", {"true"});
      auto v = (*c)->call("DescribeVpcs", p);
      if (!v) return fail(v.error());
      for (const XmlNode *it : v->items("vpcSet")) {
        m_vpc_id = it->str("vpcId");
        break;
      }
    }
    if (m_vpc_id.empty())
      return fail(
          Errc::precreate,
          "amazonec2 driver requires either the --amazonec2-subnet-id or --amazonec2-vpc-id "
          "option or an AWS Account with a default vpc-id");
  }
  if (!m_subnet_id.empty()) {
    Params p;
    add_filter(p, 1, "subnet-id", {m_subnet_id});
    auto r = (*c)->call("DescribeSubnets", p);
    if (!r) return fail(r.error());
    auto items = r->items("subnetSet");
    if (items.empty())
      return fail(Errc::precreate,
                  fmt::format("subnet {} not found in region {}", m_subnet_id, m_region));
    auto vpc = items[0]->str("vpcId");
    if (!m_vpc_id.empty() && vpc != m_vpc_id)
      return fail(Errc::precreate,
                  fmt::format("subnet {} belongs to {}, not to --amazonec2-vpc-id {}", m_subnet_id,
                              vpc, m_vpc_id));
    m_vpc_id = vpc;
    return ok();
  }
  std::string az = m_region + m_zone;
  Params p;
  add_filter(p, 1, "availability-zone", {az});
  add_filter(p, 2, "vpc-id", {m_vpc_id});
  auto r = (*c)->call("DescribeSubnets", p);
  if (!r) return fail(r.error());
  for (const XmlNode *s : r->items("subnetSet")) {
    if (m_subnet_id.empty() || s->str("defaultForAz") == "true") m_subnet_id = s->str("subnetId");
  }
  if (m_subnet_id.empty())
    return fail(
        Errc::precreate,
        fmt::format(
            "unable to find a subnet that is both in the zone {} and belonging to VPC ID {}", az,
            m_vpc_id));
  return ok();
}

Result<std::string> Ec2Driver::latest_ubuntu_lts(Client &c) {
  std::string arch = arm_instance_type(m_instance_type) ? "arm64" : "amd64";
  Params p{{"Owner.1", m_ami_owner}};
  add_filter(p, 1, "name", {"ubuntu/images/hvm-ssd*/ubuntu-*-" + arch + "-server-*"});
  add_filter(p, 2, "state", {"available"});
  auto r = c.call("DescribeImages", p);
  if (!r) return fail(r.error());
  std::string best, best_key;
  for (const XmlNode *im : r->items("imagesSet")) {
    auto name = im->str("name");
    int v = ubuntu_lts_version(name);
    if (v == 0) continue;
    // Highest release first, then the newest build (ISO dates sort as text; the name embeds one).
    auto key = fmt::format("{:04}|{}|{}", v, im->str("creationDate"), name);
    if (key > best_key) {
      best_key = key;
      best = im->str("imageId");
    }
  }
  return best;
}

Status Ec2Driver::resolve_ami() {
  auto c = client();
  SC_TRY(c);
  if (m_ami.empty() && !m_ami_name.empty()) {
    Params p{{"Owner.1", m_ami_owner}};
    add_filter(p, 1, "name", {m_ami_name});
    add_filter(p, 2, "state", {"available"});
    auto r = (*c)->call("DescribeImages", p);
    if (!r) return fail(r.error());
    std::string best_date;
    for (const XmlNode *im : r->items("imagesSet")) {
      // ISO 8601 dates sort as text; without dates the name (which embeds a date) decides.
      auto key = im->str("creationDate") + "|" + im->str("name");
      if (m_ami.empty() || key > best_date) {
        best_date = key;
        m_ami = im->str("imageId");
      }
    }
    if (m_ami.empty())
      return fail(Errc::precreate, fmt::format("no AMI named '{}' owned by {} in {}", m_ami_name,
                                               m_ami_owner, m_region));
    return ok();
  }
  if (m_ami.empty()) {
    // The default: the newest Ubuntu LTS server image Canonical publishes in this region for the
    // instance's architecture (docker-machine's table of 16.04 AMIs is years out of date); the
    // table stays as the fallback when the lookup finds nothing.
    auto found = latest_ubuntu_lts(**c);
    if (!found) return fail(found.error());
    if (!found->empty()) {
      m_ami = *found;
      return ok();
    }
    m_ami = default_ami(m_region);
  }
  if (m_ami.empty())
    return fail(
        Errc::precreate,
        fmt::format("no default AMI for region {}: use --amazonec2-ami or --amazonec2-ami-name",
                    m_region));
  auto r = (*c)->call("DescribeImages", {{"ImageId.1", m_ami}});
  if (!r && r.error().code != Errc::not_found) return fail(r.error());
  if (!r || r->items("imagesSet").empty())
    return fail(Errc::precreate, fmt::format("AMI {} not found in region {}", m_ami, m_region));
  return ok();
}

Status Ec2Driver::pre_create_check() {
  if (m_cred_error) return fail(Errc::precreate, m_cred_error->message);
  if (m_endpoint.empty() && !known_region(m_region))
    return fail(
        Errc::precreate,
        fmt::format("Invalid region specified: {} (use --amazonec2-endpoint for other regions)",
                    m_region));
  if (!m_keypair_name.empty() && m_ssh_keypath.empty())
    return fail(Errc::precreate,
                fmt::format("--amazonec2-keypair-name {} needs --amazonec2-ssh-keypath: the "
                            "private key of that key pair",
                            m_keypair_name));
  if (!m_ssh_keypath.empty()) {
    std::error_code ec;
    if (!fs::exists(m_ssh_keypath, ec))
      return fail(Errc::precreate, fmt::format("SSH key {} does not exist", m_ssh_keypath));
    if (m_keypair_name.empty() && !fs::exists(m_ssh_keypath + ".pub", ec))
      return fail(
          Errc::precreate,
          fmt::format("SSH public key {}.pub does not exist (needed to import the key pair)",
                      m_ssh_keypath));
  }
  if (!m_userdata_file.empty()) {
    auto u = read_file(m_userdata_file);
    if (!u)
      return fail(Errc::precreate, fmt::format("--amazonec2-userdata: {}", u.error().message));
  }
  auto fix = [](Error e) {
    e.code = Errc::precreate;
    return fail(e);
  };
  if (auto st = resolve_ami(); !st) return fix(st.error());
  if (auto st = resolve_network(); !st) return fix(st.error());
  if (!m_keypair_name.empty()) {
    auto c = client();
    SC_TRY(c);
    auto r = (*c)->call("DescribeKeyPairs", {{"KeyName.1", m_keypair_name}});
    if (!r || r->items("keySet").empty())
      return fail(
          Errc::precreate,
          fmt::format("There is no keypair with the name {}. Please verify the key name provided.",
                      m_keypair_name));
  }
  return ok();
}

Params Ec2Driver::launch_params(const std::string &pre) const {
  Params p{{pre + "ImageId", m_ami},
           {pre + "InstanceType", m_instance_type},
           {pre + "KeyName", m_keypair_name},
           {pre + "Placement.AvailabilityZone", m_region + m_zone},
           {pre + "NetworkInterface.1.DeviceIndex", "0"},
           {pre + "NetworkInterface.1.SubnetId", m_subnet_id},
           {pre + "NetworkInterface.1.AssociatePublicIpAddress", m_private_only ? "false" : "true"},
           {pre + "NetworkInterface.1.DeleteOnTermination", "true"},
           {pre + "BlockDeviceMapping.1.DeviceName", m_device_name},
           {pre + "BlockDeviceMapping.1.Ebs.VolumeSize", std::to_string(m_root_size)},
           {pre + "BlockDeviceMapping.1.Ebs.VolumeType", m_volume_type},
           {pre + "BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true"},
           {pre + "Monitoring.Enabled", m_monitoring ? "true" : "false"},
           {pre + "EbsOptimized", m_ebs_optimized ? "true" : "false"}};
  for (size_t i = 0; i < m_group_ids.size(); ++i)
    p.emplace_back(fmt::format("{}NetworkInterface.1.SecurityGroupId.{}", pre, i + 1),
                   m_group_ids[i]);
  if (!m_iam_profile.empty()) p.emplace_back(pre + "IamInstanceProfile.Name", m_iam_profile);
  return p;
}

Status Ec2Driver::create() {
  info("Launching instance...");
  SC_TRY_CTX(ensure_key_pair(), "key pair");
  if (m_cred_source.kind == CredentialSource::Kind::Flag && m_create_creds)
    SC_TRY_CTX(write_flag_credentials(flag_credentials_file(), *m_create_creds), "store AWS keys");
  auto groups = [&]() -> Status {
    m_group_ids.clear();
    for (const auto &g : m_group_names) {
      auto id = ensure_security_group(g); // adds the group to m_group_ids once it is known
      if (!id) return fail(id.error().context(fmt::format("security group {}", g)));
    }
    return ok();
  };
  SC_TRY(groups());
  auto launched = launch();
  // An `rm` of the last machine using the shared group may delete it between our lookup and the
  // launch (docker-machine lost such creates): make the group again, launch once more.
  if (!launched && launched.error().message.find("InvalidGroup.NotFound") != std::string::npos) {
    info("The security group is gone (deleted meanwhile, e.g. by a concurrent rm); making it "
         "again...");
    SC_TRY(groups());
    launched = launch();
  }
  SC_TRY(launched);
  info(fmt::format("Instance {} is running ({})", m_instance_id,
                   m_public_ip.empty() ? m_private_ip : m_public_ip));
  return ok();
}

Status Ec2Driver::launch() {
  auto c = client();
  SC_TRY(c);
  Params p = m_spot ? launch_params("LaunchSpecification.") : launch_params("");
  if (!m_userdata_file.empty()) {
    auto u = read_file(m_userdata_file);
    if (!u) return fail(u.error().context("--amazonec2-userdata"));
    p.emplace_back(m_spot ? "LaunchSpecification.UserData" : "UserData", base64(*u));
  }
  // Same token on every retry of this launch: EC2 starts at most one instance for it.
  p.emplace_back("ClientToken", m_name + "-" + random_hex(8));
  std::vector<std::pair<std::string, std::string>> tags{{"Name", m_name},
                                                        {"swarmctl-machine", m_name}};
  for (size_t i = 0; i + 1 < m_tags.size(); i += 2)
    tags.emplace_back(m_tags[i], m_tags[i + 1]);
  if (m_spot) {
    SC_TRY(launch_spot(p));
    // Spot launch specifications cannot carry instance tags: tag once the instance exists.
    Params tp{{"ResourceId.1", m_instance_id}};
    for (size_t i = 0; i < tags.size(); ++i) {
      tp.emplace_back(fmt::format("Tag.{}.Key", i + 1), tags[i].first);
      tp.emplace_back(fmt::format("Tag.{}.Value", i + 1), tags[i].second);
    }
    SC_TRY(poll_until(
        "tag instance", std::chrono::seconds(60),
        [&]() -> Status {
          auto r = (*c)->call("CreateTags", tp);
          if (!r) return fail(r.error());
          return ok();
        },
        std::chrono::milliseconds(200), std::chrono::milliseconds(2000)));
  } else {
    p.emplace_back("MinCount", "1");
    p.emplace_back("MaxCount", "1");
    // Tags in the launch request itself: the instance is never untagged, even if we die now.
    p.emplace_back("TagSpecification.1.ResourceType", "instance");
    for (size_t i = 0; i < tags.size(); ++i) {
      p.emplace_back(fmt::format("TagSpecification.1.Tag.{}.Key", i + 1), tags[i].first);
      p.emplace_back(fmt::format("TagSpecification.1.Tag.{}.Value", i + 1), tags[i].second);
    }
    auto r = (*c)->call("RunInstances", p);
    if (!r) return fail(r.error().context("Error launching instance"));
    auto list = parse_instances(*r);
    if (list.empty()) return fail(Errc::parse, "RunInstances: no instance in the response");
    m_instance_id = list[0].id;
  }
  SC_TRY(wait_for_state("running", std::chrono::minutes(5)));
  auto want_private = m_private_only || m_use_private;
  return poll_until(
      "instance IP address", std::chrono::minutes(2),
      [&]() -> Status {
        auto in = describe_instance();
        if (!in) return fail(in.error());
        if ((want_private ? in->private_ip : in->public_ip).empty())
          return fail(Errc::generic, "no IP yet");
        return ok();
      },
      std::chrono::milliseconds(200), std::chrono::milliseconds(3000));
}

Status Ec2Driver::launch_spot(const Params &spec) {
  auto c = client();
  SC_TRY(c);
  Params p = spec;
  p.emplace_back("SpotPrice", m_spot_price);
  p.emplace_back("InstanceCount", "1");
  if (m_block_minutes > 0) p.emplace_back("BlockDurationMinutes", std::to_string(m_block_minutes));
  auto r = (*c)->call("RequestSpotInstances", p);
  if (!r) return fail(r.error().context("Error requesting spot instance"));
  auto items = r->items("spotInstanceRequestSet");
  if (items.empty()) return fail(Errc::parse, "RequestSpotInstances: no request in the response");
  m_spot_request_id = items[0]->str("spotInstanceRequestId");
  info(fmt::format("Waiting for spot instance request {}...", m_spot_request_id));
  // A request that is cancelled, failed or closed never gets an instance: stop waiting at once
  // (it used to take the whole 10-minute deadline to notice).
  std::string dead;
  auto st = poll_until(
      "spot instance request fulfilled", std::chrono::minutes(10),
      [&]() -> Status {
        auto d = (*c)->call("DescribeSpotInstanceRequests",
                            {{"SpotInstanceRequestId.1", m_spot_request_id}});
        if (!d) return fail(d.error());
        auto it = d->items("spotInstanceRequestSet");
        if (it.empty()) return fail(Errc::not_found, "request not visible yet");
        auto state = it[0]->str("state");
        // "request-canceled-and-instance-running": the request is over but its instance lives —
        // adopt it rather than leak it.
        if (state == "cancelled" && !it[0]->str("instanceId").empty()) {
          m_instance_id = it[0]->str("instanceId");
          return ok();
        }
        if (state == "cancelled" || state == "failed" || state == "closed") {
          auto code = it[0]->str("status/code");
          auto msg = it[0]->str("status/message");
          dead = fmt::format("spot instance request {} is {}{}{}", m_spot_request_id, state,
                             code.empty() ? "" : " (" + code + ")", msg.empty() ? "" : ": " + msg);
          return ok();
        }
        m_instance_id = it[0]->str("instanceId");
        if (m_instance_id.empty()) return fail(Errc::generic, fmt::format("state {}", state));
        return ok();
      },
      std::chrono::milliseconds(500), std::chrono::milliseconds(5000));
  if (st && !dead.empty()) return fail(Errc::generic, dead);
  return st;
}

} // namespace sc::ec2
