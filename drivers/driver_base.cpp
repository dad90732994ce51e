#include <drivers/driver_base.hpp>
#include <fmt/format.h>

namespace sc {

void DriverBase::bind(const DriverContext &ctx) {
  m_name = ctx.machine_name;
  m_dir = ctx.machine_dir;
  m_store = ctx.store_path;
  m_ui = ctx.ui;
  m_role = ctx.role;
}

nlohmann::json DriverBase::base_json(const BaseKeys &k, const nlohmann::json &own) const {
  nlohmann::json j = {
      {"IPAddress", k.ip},     {"MachineName", m_name},        {"SSHUser", k.ssh_user},
      {"SSHPort", k.ssh_port}, {"SSHKeyPath", k.ssh_key_path}, {"StorePath", m_store.string()}};
  if (k.swarm_keys) {
    j["SwarmMaster"] = false;
    j["SwarmHost"] = "";
    j["SwarmDiscovery"] = "";
  }
  j.update(own);
  return j;
}

Status DriverBase::read_record(const std::function<void()> &read) const {
  try {
    read();
  } catch (const std::exception &e) {
    return fail(Errc::parse, fmt::format("{} driver config: {}", m_driver_name, e.what()));
  }
  return ok();
}

} // namespace sc
