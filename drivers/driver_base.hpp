#pragma once
// What every driver has in common (docker-machine's drivers.BaseDriver): its name, the context
// bind() attaches (machine name, directory, store, ui, role), and the keys every record's "Driver"
// object starts with.
#include <drivers/driver.hpp>
#include <functional>
#include <string_view>

namespace sc {

// docker-machine's common record keys: IPAddress, MachineName, SSHUser, SSHPort, SSHKeyPath,
// StorePath, and SwarmMaster/SwarmHost/SwarmDiscovery (written empty: swarmctl keeps the swarm
// options in HostOptions; the amazonec2 record never had them).
struct BaseKeys {
  std::string ip;
  std::string ssh_user;
  int ssh_port = 0;
  std::string ssh_key_path;
  bool swarm_keys = true;
};

class DriverBase : public Driver {
public:
  explicit DriverBase(std::string_view name) : m_driver_name(name) {}
  std::string driver_name() const override { return m_driver_name; }
  // Keeps the context; drivers that derive names from it extend this.
  void bind(const DriverContext &ctx) override;

protected:
  // The record: the common keys (MachineName and StorePath from the context) and the driver's.
  nlohmann::json base_json(const BaseKeys &k, const nlohmann::json &own) const;
  // For from_json: runs `read` (j.value() calls, which throw on a value of the wrong type); an
  // exception becomes Errc::parse "<driver> driver config: <what>" (one line).
  Status read_record(const std::function<void()> &read) const;

  std::string m_name; // the machine's name
  fs::path m_dir;     // STORE/machines/NAME
  fs::path m_store;   // STORE
  Ui *m_ui = nullptr;
  MachineRole m_role;

private:
  std::string m_driver_name;
};

} // namespace sc
