#pragma once
// The amazonec2 driver's class, shared by driver.cpp (flags, record, state), create.cpp
// (pre-create check, launch) and resources.cpp (security groups, key pairs, removal).
#include <drivers/amazonec2/client.hpp>
#include <drivers/amazonec2/credentials.hpp>
#include <drivers/amazonec2/driver.hpp>
#include <drivers/driver_base.hpp>
#include <mutex>

namespace sc::ec2 {

// Ubuntu LTS AMIs per region (docker-machine's table); "" when the region is not in it.
std::string default_ami(const std::string &region);
// 2404 for "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423"; 0 when the name
// is not an Ubuntu LTS release (YY.04, YY even).
int ubuntu_lts_version(const std::string &image_name);
// Graviton (arm64) instance types: t4g, m6g, c7gn, x2gd, g5g (g4dn is x86).
bool arm_instance_type(const std::string &instance_type);
bool known_region(const std::string &region);
// EC2 instance state name -> State (pending/running/stopping/stopped/shutting-down/terminated).
State map_state(std::string_view ec2_state);
// Network interface name the instance's OS uses: "ens5" for Nitro instance families, else "eth0".
std::string interface_for_instance_type(const std::string &type);

struct IngressRule {
  std::string proto; // tcp | udp
  int from = 0, to = 0;
  bool self = false; // source: the group itself (cluster traffic) instead of 0.0.0.0/0
  bool operator==(const IngressRule &) const = default;
};
// The rules a machine needs: SSH and the engine port from anywhere, the classic swarm port for
// masters, cluster ports (2377/tcp for swarm mode, 7946/tcp+udp, 4789/udp for overlay networks,
// the KV port) only from members of the group, plus --amazonec2-open-port (from anywhere).
std::vector<IngressRule> rules_for_role(const MachineRole &role, int ssh_port,
                                        const std::vector<std::string> &open_ports);

struct InstanceInfo {
  std::string id, state, public_ip, private_ip, type;
};
std::vector<InstanceInfo> parse_instances(const XmlNode &describe_instances_response);

class Ec2Driver : public RecordDriver<Ec2Driver> {
public:
  Ec2Driver() : RecordDriver("amazonec2") {}
  // model.cpp
  std::vector<FlagSpec> create_flags() const override;
  // driver.cpp
  Status configure(const DriverContext &ctx, const FlagValues &flags) override;
  Result<State> state() override;
  std::optional<std::vector<Result<State>>>
  batch_states(const std::vector<Driver *> &others) override;
  Result<std::string> ip() override;
  Result<SshEndpoint> ssh_endpoint() override;
  ClusterNetworking network() const override;
  Result<std::string> cluster_address() override;
  int engine_port() const override { return m_role.engine_port; }
  Status start() override;
  Status stop() override;
  Status kill() override;
  Status restart() override;
  // create.cpp
  Status pre_create_check() override;
  Status create() override;
  // resources.cpp
  Status remove() override;

  // For tests: an HTTP transport other than libcurl, and the environment.
  void set_http(std::shared_ptr<HttpClient> h) { m_http = std::move(h); }
  void set_env(EnvLookup env) { m_env = std::move(env); }

private:
  friend class RecordDriver<Ec2Driver>;
  Status configure_access(const FlagValues &flags);
  Result<Client *> client();
  Result<AwsCredentials> credentials();
  fs::path key_path() const { return m_dir / "id_rsa"; }
  fs::path flag_credentials_file() const { return m_dir / "aws-credentials"; }
  // record.cpp: the record's keys read back (driver_base.hpp RecordDriver), and the others.
  template <class Self, class Field> static void record_fields(Self &d, Field &&field);
  nlohmann::json unread_keys() const override;
  void info(const std::string &msg) const;
  void warn(const std::string &msg) const;
  void remember(const InstanceInfo &in);
  Result<InstanceInfo> describe_instance();
  Status wait_for_state(const std::string &want, std::chrono::milliseconds timeout);
  // create.cpp
  Status resolve_network();
  Status resolve_ami();
  Result<std::string> latest_ubuntu_lts(Client &c);
  Status launch();
  Status launch_spot(const Params &spec);
  Params launch_params(const std::string &prefix) const;
  // resources.cpp
  Status ensure_key_pair();
  Result<std::string> ensure_security_group(const std::string &name);
  Status authorize(const std::string &group_id, const std::vector<IngressRule> &rules);
  Status cleanup_security_groups();
  // Holders of security group `gid`: (live, shutting down or this machine's instance).
  Result<std::pair<int, int>> group_users(Client &c, const std::string &gid);

  EnvLookup m_env = process_env();
  std::shared_ptr<HttpClient> m_http;
  std::unique_ptr<Client> m_client;
  std::mutex m_mu;

  // Configuration (config.json)
  std::string m_region = "us-east-1", m_endpoint, m_ami, m_ami_name, m_ami_owner = "099720109477";
  std::string m_instance_type = "t2.micro", m_volume_type = "gp2", m_device_name = "/dev/sda1";
  std::string m_zone = "a", m_vpc_id, m_subnet_id, m_iam_profile, m_spot_price = "0.50";
  std::string m_user = "ubuntu", m_userdata_file, m_ssh_keypath, m_keypair_name, m_cluster_iface;
  std::vector<std::string> m_group_names{"swarmctl"}, m_group_ids, m_open_ports, m_tags;
  int m_root_size = 16, m_ssh_port = 22, m_block_minutes = 0, m_retries = 5;
  bool m_group_readonly = false, m_spot = false, m_private_only = false, m_use_private = false;
  bool m_monitoring = false, m_ebs_optimized = false, m_insecure = false, m_key_created = false;
  CredentialSource m_cred_source;
  // Create-time only (never saved): credentials found by configure, or why none were found.
  std::optional<AwsCredentials> m_create_creds;
  std::optional<Error> m_cred_error;

  // Results (config.json)
  std::string m_instance_id, m_spot_request_id, m_public_ip, m_private_ip;
  bool m_ip_fresh = false; // IPs were read from EC2 during this process
};

} // namespace sc::ec2
