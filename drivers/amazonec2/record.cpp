// The amazonec2 driver's record (config.json "Driver"): docker-machine's keys and swarmctl's.
#include <drivers/amazonec2/ec2_driver.hpp>
#include <fmt/format.h>

namespace sc::ec2 {

nlohmann::json Ec2Driver::to_json() const {
  auto ip = (m_private_only || m_use_private) ? m_private_ip : m_public_ip;
  nlohmann::json own = {{"PrivateIPAddress", m_private_ip},
                        {"PublicIPAddress", m_public_ip},
                        {"CredentialSource", m_cred_source.to_string()},
                        {"Region", m_region},
                        {"Endpoint", m_endpoint},
                        {"InsecureTransport", m_insecure},
                        {"AMI", m_ami},
                        {"InstanceType", m_instance_type},
                        {"DeviceName", m_device_name},
                        {"RootSize", m_root_size},
                        {"VolumeType", m_volume_type},
                        {"VpcId", m_vpc_id},
                        {"SubnetId", m_subnet_id},
                        {"Zone", m_zone},
                        {"SecurityGroupNames", m_group_names},
                        {"SecurityGroupIds", m_group_ids},
                        {"SecurityGroupReadOnly", m_group_readonly},
                        {"OpenPorts", m_open_ports},
                        {"Tags", m_tags},
                        {"IamInstanceProfile", m_iam_profile},
                        {"RequestSpotInstance", m_spot},
                        {"SpotPrice", m_spot_price},
                        {"BlockDurationMinutes", m_block_minutes},
                        {"SpotInstanceRequestId", m_spot_request_id},
                        {"PrivateIPOnly", m_private_only},
                        {"UsePrivateIP", m_use_private},
                        {"Monitoring", m_monitoring},
                        {"UseEbsOptimizedInstance", m_ebs_optimized},
                        {"UserDataFile", m_userdata_file},
                        {"KeyName", m_keypair_name},
                        {"KeyCreatedBySwarmctl", m_key_created},
                        {"InstanceId", m_instance_id},
                        {"RetryCount", m_retries},
                        {"ClusterInterface", m_cluster_iface}};
  return base_json({ip, m_user, m_ssh_port, key_path().string(), false}, own);
}

Status Ec2Driver::from_json(const nlohmann::json &j) {
  return read_record([&] {
    m_user = j.value("SSHUser", "ubuntu");
    m_ssh_port = j.value("SSHPort", 22);
    m_private_ip = j.value("PrivateIPAddress", "");
    m_public_ip = j.value("PublicIPAddress", "");
    m_cred_source = CredentialSource::parse(j.value("CredentialSource", "env"));
    m_region = j.value("Region", "us-east-1");
    m_endpoint = j.value("Endpoint", "");
    m_insecure = j.value("InsecureTransport", false);
    m_ami = j.value("AMI", "");
    m_instance_type = j.value("InstanceType", "t2.micro");
    m_device_name = j.value("DeviceName", "/dev/sda1");
    m_root_size = j.value("RootSize", 16);
    m_volume_type = j.value("VolumeType", "gp2");
    m_vpc_id = j.value("VpcId", "");
    m_subnet_id = j.value("SubnetId", "");
    m_zone = j.value("Zone", "a");
    m_group_names = j.value("SecurityGroupNames", std::vector<std::string>{"swarmctl"});
    m_group_ids = j.value("SecurityGroupIds", std::vector<std::string>{});
    m_group_readonly = j.value("SecurityGroupReadOnly", false);
    m_open_ports = j.value("OpenPorts", std::vector<std::string>{});
    m_tags = j.value("Tags", std::vector<std::string>{});
    m_iam_profile = j.value("IamInstanceProfile", "");
    m_spot = j.value("RequestSpotInstance", false);
    m_spot_price = j.value("SpotPrice", "0.50");
    m_block_minutes = j.value("BlockDurationMinutes", 0);
    m_spot_request_id = j.value("SpotInstanceRequestId", "");
    m_private_only = j.value("PrivateIPOnly", false);
    m_use_private = j.value("UsePrivateIP", false);
    m_monitoring = j.value("Monitoring", false);
    m_ebs_optimized = j.value("UseEbsOptimizedInstance", false);
    m_userdata_file = j.value("UserDataFile", "");
    m_keypair_name = j.value("KeyName", "");
    m_key_created = j.value("KeyCreatedBySwarmctl", false);
    m_instance_id = j.value("InstanceId", "");
    m_retries = j.value("RetryCount", 5);
    m_cluster_iface = j.value("ClusterInterface", "");
  });
}

} // namespace sc::ec2
