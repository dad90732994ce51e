// The amazonec2 driver's record (config.json "Driver"): docker-machine's keys and swarmctl's.
#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>

namespace sc::ec2 {

// docker-machine's keys with swarmctl's (CredentialSource, Endpoint, InsecureTransport,
// KeyCreatedBySwarmctl, ClusterInterface), and the value a missing key reads as.
template <class Self, class Field> void Ec2Driver::record_fields(Self &d, Field &&f) {
  using Strings = std::vector<std::string>;
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

nlohmann::json Ec2Driver::to_json() const {
  auto ip = (m_private_only || m_use_private) ? m_private_ip : m_public_ip;
  nlohmann::json own = nlohmann::json::object();
  record_fields(*this, RecordWriter(own));
  return base_json({ip, m_user, m_ssh_port, key_path().string(), false}, own);
}

Status Ec2Driver::from_json(const nlohmann::json &j) {
  return read_record([&] {
    m_user = j.value("SSHUser", "ubuntu");
    m_ssh_port = j.value("SSHPort", 22);
    record_fields(*this, RecordReader(j));
  });
}

} // namespace sc::ec2
