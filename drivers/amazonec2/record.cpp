// The amazonec2 driver's record (config.json "Driver"): docker-machine's keys and swarmctl's.
#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>

namespace sc::ec2 {

// The common keys it reads back, docker-machine's keys with swarmctl's (CredentialSource,
// Endpoint, InsecureTransport, KeyCreatedBySwarmctl, ClusterInterface), and the value a missing
// key reads as.
template <class Self, class Field> void Ec2Driver::record_fields(Self &d, Field &&f) {
  using Strings = std::vector<std::string>;
  f("SSHUser", d.m_user, "ubuntu");
  f("SSHPort", d.m_ssh_port, 22);
  f("PrivateIPAddress", d.m_private_ip, "");
  f("PublicIPAddress", d.m_public_ip, "");
  f("CredentialSource", d.m_cred_source, CredentialSource::parse("env"));
  f("Region", d.m_region, "us-east-1");
  f("Endpoint", d.m_endpoint, "");
  f("InsecureTransport", d.m_insecure, false);
  f("AMI", d.m_ami, "");
  f("InstanceType", d.m_instance_type, "t2.micro");
  f("DeviceName", d.m_device_name, "/dev/sda1");
  f("RootSize", d.m_root_size, 16);
  f("VolumeType", d.m_volume_type, "gp2");
  f("VpcId", d.m_vpc_id, "");
  f("SubnetId", d.m_subnet_id, "");
  f("Zone", d.m_zone, "a");
  f("SecurityGroupNames", d.m_group_names, Strings{"swarmctl"});
  f("SecurityGroupIds", d.m_group_ids, Strings{});
  f("SecurityGroupReadOnly", d.m_group_readonly, false);
  f("OpenPorts", d.m_open_ports, Strings{});
  f("Tags", d.m_tags, Strings{});
  f("IamInstanceProfile", d.m_iam_profile, "");
  f("RequestSpotInstance", d.m_spot, false);
  f("SpotPrice", d.m_spot_price, "0.50");
  f("BlockDurationMinutes", d.m_block_minutes, 0);
  f("SpotInstanceRequestId", d.m_spot_request_id, "");
  f("PrivateIPOnly", d.m_private_only, false);
  f("UsePrivateIP", d.m_use_private, false);
  f("Monitoring", d.m_monitoring, false);
  f("UseEbsOptimizedInstance", d.m_ebs_optimized, false);
  f("UserDataFile", d.m_userdata_file, "");
  f("KeyName", d.m_keypair_name, "");
  f("KeyCreatedBySwarmctl", d.m_key_created, false);
  f("InstanceId", d.m_instance_id, "");
  f("RetryCount", d.m_retries, 5);
  f("ClusterInterface", d.m_cluster_iface, "");
}

// RecordDriver's to_json and from_json (compiled wherever the vtable is) call these.
template void Ec2Driver::record_fields(const Ec2Driver &, RecordWriter &&);
template void Ec2Driver::record_fields(Ec2Driver &, RecordReader &&);

nlohmann::json Ec2Driver::unread_keys() const {
  auto ip = (m_private_only || m_use_private) ? m_private_ip : m_public_ip;
  return base_json({.ip = ip, .ssh_key_path = key_path().string(), .swarm_keys = false},
                   nlohmann::json::object());
}

} // namespace sc::ec2
