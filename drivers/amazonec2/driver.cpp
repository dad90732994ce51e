#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>
#include <provision/util/number.hpp>
#include <provision/util/poll.hpp>
#include <provision/util/text.hpp>
#include <set>

namespace sc {
namespace ec2 {

namespace {
// --amazonec2-open-port values: PORT or PORT/tcp|udp.
Status check_open_ports(const std::vector<std::string> &ports) {
  for (const auto &p : ports) {
    auto slash = p.find('/');
    auto proto = slash == std::string::npos ? "tcp" : p.substr(slash + 1);
    auto port = parse_port(std::string_view(p).substr(0, slash));
    if (!port || (proto != "tcp" && proto != "udp"))
      return fail(Errc::usage,
                  fmt::format("--amazonec2-open-port: '{}' is not PORT or PORT/tcp|udp", p));
  }
  return ok();
}

// --amazonec2-tags "k1,v1,k2,v2": the list, an even count.
Result<std::vector<std::string>> parse_tags(const std::string &t) {
  std::vector<std::string> tags;
  if (t.empty()) return tags;
  for (auto piece : split(t, ','))
    tags.emplace_back(piece);
  if (tags.size() % 2)
    return fail(Errc::usage, "--amazonec2-tags: expected key,value pairs (an even count)");
  return tags;
}
} // namespace

// The endpoint, region and credentials (their absence is an error only when EC2 is called).
Status Ec2Driver::configure_access(const FlagValues &f) {
  m_endpoint = f.str("amazonec2-endpoint");
  m_insecure = f.boolean("amazonec2-insecure-transport");
  if (m_insecure && m_endpoint.empty())
    return fail(Errc::usage, "--amazonec2-insecure-transport requires --amazonec2-endpoint");
  if (!m_endpoint.empty()) {
    auto u = parse_url(m_endpoint);
    if (!u) return fail(u.error().context("--amazonec2-endpoint"));
  }
  CredentialInput ci{f.str("amazonec2-access-key"), f.str("amazonec2-secret-key"),
                     f.str("amazonec2-session-token"), f.str("amazonec2-profile")};
  auto profile = profile_name(ci.flag_profile, m_env);
  m_region = resolve_region(f.str("amazonec2-region"), profile, m_env);
  auto found = discover_credentials(ci, m_env);
  if (!found) {
    if (found.error().code == Errc::usage) return fail(found.error());
    m_cred_error = found.error();
  } else {
    m_cred_source = found->first;
    m_create_creds = found->second;
  }
  return ok();
}

Status Ec2Driver::configure(const DriverContext &ctx, const FlagValues &f) {
  bind(ctx);
  auto num = [&](const char *n, long long def, int &out) -> Status {
    auto v = f.integer(n, def);
    SC_TRY(v);
    out = static_cast<int>(*v);
    return ok();
  };
  SC_TRY(configure_access(f));
  m_ami = f.str("amazonec2-ami");
  m_ami_name = f.str("amazonec2-ami-name");
  m_ami_owner = f.str("amazonec2-ami-owner", "099720109477");
  m_instance_type = f.str("amazonec2-instance-type", "t2.micro");
  m_device_name = f.str("amazonec2-device-name", "/dev/sda1");
  SC_TRY(num("amazonec2-root-size", 16, m_root_size));
  m_volume_type = f.str("amazonec2-volume-type", "gp2");
  m_vpc_id = f.str("amazonec2-vpc-id");
  m_subnet_id = f.str("amazonec2-subnet-id");
  m_zone = f.str("amazonec2-zone", "a");
  auto groups = f.list("amazonec2-security-group");
  groups.erase(std::remove(groups.begin(), groups.end(), std::string()), groups.end());
  m_group_names = groups.empty() ? std::vector<std::string>{"swarmctl"} : groups;
  m_group_readonly = f.boolean("amazonec2-security-group-readonly");
  m_open_ports = f.list("amazonec2-open-port");
  SC_TRY(check_open_ports(m_open_ports));
  auto tags = parse_tags(f.str("amazonec2-tags"));
  if (!tags) return fail(tags.error());
  m_tags = std::move(*tags);
  m_iam_profile = f.str("amazonec2-iam-instance-profile");
  m_user = f.str("amazonec2-ssh-user", "ubuntu");
  SC_TRY(num("amazonec2-ssh-port", 22, m_ssh_port));
  m_ssh_keypath = f.str("amazonec2-ssh-keypath");
  m_keypair_name = f.str("amazonec2-keypair-name");
  m_spot = f.boolean("amazonec2-request-spot-instance");
  m_spot_price = f.str("amazonec2-spot-price", "0.50");
  SC_TRY(num("amazonec2-block-duration-minutes", 0, m_block_minutes));
  if (m_block_minutes != 0 &&
      (m_block_minutes < 60 || m_block_minutes > 360 || m_block_minutes % 60))
    return fail(Errc::usage,
                "--amazonec2-block-duration-minutes: one of 60, 120, 180, 240, 300, 360");
  m_private_only = f.boolean("amazonec2-private-address-only");
  m_use_private = f.boolean("amazonec2-use-private-address");
  m_monitoring = f.boolean("amazonec2-monitoring");
  m_ebs_optimized = f.boolean("amazonec2-use-ebs-optimized-instance");
  SC_TRY(num("amazonec2-retries", 5, m_retries));
  m_userdata_file = f.str("amazonec2-userdata");
  m_cluster_iface = f.str("amazonec2-cluster-interface");
  if (m_ssh_port <= 0 || m_ssh_port > 65535)
    return fail(Errc::usage, "--amazonec2-ssh-port: out of range");
  if (m_root_size <= 0) return fail(Errc::usage, "--amazonec2-root-size: must be positive");
  return ok();
}

void Ec2Driver::info(const std::string &msg) const {
  if (m_ui) m_ui->info(fmt::format("({}) {}", m_name, msg));
}
void Ec2Driver::warn(const std::string &msg) const {
  if (m_ui) m_ui->warn(fmt::format("({}) warning: {}", m_name, msg));
}

Result<AwsCredentials> Ec2Driver::credentials() {
  if (m_create_creds) return *m_create_creds;
  if (m_cred_error) return fail(*m_cred_error);
  return resolve_credentials(m_cred_source, flag_credentials_file(), m_env);
}

Result<Client *> Ec2Driver::client() {
  std::lock_guard lk(m_mu);
  if (!m_client) {
    if (m_endpoint.empty() && !known_region(m_region))
      return fail(Errc::usage, fmt::format("Invalid region specified: {}", m_region));
    if (!m_http) m_http = make_curl_client();
    ClientConfig cfg;
    cfg.endpoint = m_endpoint.empty() ? default_endpoint(m_region) : m_endpoint;
    cfg.region = m_region;
    cfg.insecure_transport = m_insecure;
    cfg.ui = m_ui;
    cfg.retry.max_retries = m_retries < 0 ? 0 : m_retries;
    cfg.credentials = [this] { return credentials(); };
    m_client = std::make_unique<Client>(cfg, m_http);
  }
  return m_client.get();
}

void Ec2Driver::remember(const InstanceInfo &in) {
  m_public_ip = in.public_ip;
  m_private_ip = in.private_ip;
  m_ip_fresh = true;
}

Result<InstanceInfo> Ec2Driver::describe_instance() {
  if (m_instance_id.empty())
    return fail(Errc::not_found, fmt::format("machine {} has no EC2 instance", m_name));
  auto c = client();
  SC_TRY(c);
  auto r = (*c)->call("DescribeInstances", {{"InstanceId.1", m_instance_id}});
  if (!r) return fail(r.error());
  auto list = parse_instances(*r);
  if (list.empty())
    return fail(Errc::not_found, fmt::format("instance {} not found", m_instance_id));
  remember(list[0]);
  return list[0];
}

Status Ec2Driver::wait_for_state(const std::string &want, std::chrono::milliseconds timeout) {
  std::string dead; // a state the instance never leaves: stop waiting at once
  auto st = poll_until(
      fmt::format("instance {} {}", m_instance_id, want), timeout,
      [&]() -> Status {
        auto in = describe_instance();
        // Right after RunInstances the id may not be visible yet (eventual consistency).
        if (!in) return fail(in.error());
        if (in->state == want) return ok();
        if (in->state == "terminated" || (want == "running" && in->state == "shutting-down")) {
          dead = in->state;
          return ok();
        }
        return fail(Errc::generic, fmt::format("state is {}", in->state));
      },
      std::chrono::milliseconds(200), std::chrono::milliseconds(5000));
  if (st && !dead.empty())
    return fail(Errc::generic,
                fmt::format("instance {} is {} (waiting for {})", m_instance_id, dead, want));
  return st;
}

Result<State> Ec2Driver::state() {
  auto in = describe_instance();
  if (!in) return fail(in.error());
  return map_state(in->state);
}

Result<std::string> Ec2Driver::ip() {
  if (!m_ip_fresh && !m_instance_id.empty()) {
    auto in = describe_instance();
    if (!in) return fail(in.error());
  }
  bool priv = m_private_only || m_use_private;
  const std::string &a = priv ? m_private_ip : m_public_ip;
  if (a.empty())
    return fail(Errc::not_found, fmt::format("instance {} has no {} IP address", m_instance_id,
                                             priv ? "private" : "public"));
  return a;
}

Result<SshEndpoint> Ec2Driver::ssh_endpoint() {
  auto a = ip();
  if (!a) return fail(a.error());
  return SshEndpoint{*a, m_ssh_port, m_user, key_path()};
}

ClusterNetworking Ec2Driver::network() const {
  if (!m_cluster_iface.empty()) return {m_cluster_iface, true, ""};
  return {interface_for_instance_type(m_instance_type), false, ""};
}

// The public IP is NAT'ed by EC2 and never configured on the instance; the private one is.
Result<std::string> Ec2Driver::cluster_address() {
  if (m_private_ip.empty()) {
    auto any = ip(); // refreshes both addresses
    if (!any && m_private_ip.empty()) return fail(any.error());
  }
  if (m_private_ip.empty())
    return fail(Errc::not_found,
                fmt::format("instance {} has no private IP address", m_instance_id));
  return m_private_ip;
}

Status Ec2Driver::start() {
  auto c = client();
  SC_TRY(c);
  SC_TRY((*c)->call("StartInstances", {{"InstanceId.1", m_instance_id}}));
  m_ip_fresh = false;
  return wait_for_state("running", std::chrono::minutes(5));
}

Status Ec2Driver::stop() {
  auto c = client();
  SC_TRY(c);
  SC_TRY((*c)->call("StopInstances", {{"InstanceId.1", m_instance_id}}));
  return wait_for_state("stopped", std::chrono::minutes(5));
}

Status Ec2Driver::kill() {
  auto c = client();
  SC_TRY(c);
  SC_TRY((*c)->call("StopInstances", {{"InstanceId.1", m_instance_id}, {"Force", "true"}}));
  return wait_for_state("stopped", std::chrono::minutes(5));
}

Status Ec2Driver::restart() {
  auto c = client();
  SC_TRY(c);
  SC_TRY((*c)->call("RebootInstances", {{"InstanceId.1", m_instance_id}}));
  return ok();
}

std::optional<std::vector<Result<State>>>
Ec2Driver::batch_states(const std::vector<Driver *> &others) {
  // One DescribeInstances per (endpoint, region, credential source), filtered by instance id so
  // that a vanished instance does not fail the whole call.
  std::vector<Result<State>> out(others.size(), Result<State>(State::None));
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < others.size(); ++i) {
    auto *d = dynamic_cast<Ec2Driver *>(others[i]);
    if (!d) return std::nullopt;
    if (d->m_instance_id.empty()) {
      out[i] = fail(Errc::not_found, fmt::format("machine {} has no EC2 instance", d->m_name));
      continue;
    }
    groups[d->m_endpoint + "|" + d->m_region + "|" + d->m_cred_source.to_string()].push_back(i);
  }
  for (auto &[key, idx] : groups) {
    auto *lead = static_cast<Ec2Driver *>(others[idx[0]]);
    auto c = lead->client();
    std::map<std::string, InstanceInfo> found;
    Error err{Errc::generic, ""};
    for (size_t b = 0; b < idx.size() && c; b += 199) {
      Params p;
      std::vector<std::string> ids;
      for (size_t k = b; k < std::min(idx.size(), b + 199); ++k)
        ids.push_back(static_cast<Ec2Driver *>(others[idx[k]])->m_instance_id);
      add_filter(p, 1, "instance-id", ids);
      auto r = (*c)->call("DescribeInstances", p);
      if (!r) {
        err = r.error();
        break;
      }
      for (auto &in : parse_instances(*r))
        found[in.id] = in;
    }
    if (!c) err = c.error();
    for (auto i : idx) {
      auto *d = static_cast<Ec2Driver *>(others[i]);
      if (!err.message.empty()) {
        out[i] = fail(err);
      } else if (auto it = found.find(d->m_instance_id); it != found.end()) {
        d->remember(it->second);
        out[i] = map_state(it->second.state);
      } else {
        out[i] = fail(Errc::not_found, fmt::format("instance {} not found", d->m_instance_id));
      }
    }
  }
  return out;
}

} // namespace ec2

std::unique_ptr<Driver> make_amazonec2_driver() {
  return std::make_unique<ec2::Ec2Driver>();
}
} // namespace sc
