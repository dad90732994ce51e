#pragma once
// One provisioner per OS family and init: where the engine configuration goes and how the
// engine service is (re)started.
#include <memory>
#include <provision/engine/facts.hpp>
#include <provision/util/result.hpp>
#include <string>

namespace sc {

enum class ServiceManager { Auto, Systemd, Sysvinit };

class Provisioner {
public:
  enum class Kind { Systemd, Sysvinit, Boot2docker };
  Provisioner(std::string name, Kind kind) : m_name(std::move(name)), m_kind(kind) {}
  const std::string &name() const { return m_name; } // "debian(systemd)", "debian(sysvinit)", ...
  Kind kind() const { return m_kind; }
  bool apt() const { return m_kind != Kind::Boot2docker; }

private:
  std::string m_name;
  Kind m_kind;
};

// debian/ubuntu (or ID_LIKE debian) with systemd running -> systemd variant; without systemd as
// PID 1, or when the driver says so -> sysvinit variant; boot2docker; else Errc::unsupported
// "OS type not recognized: <PRETTY_NAME>".
Result<std::unique_ptr<Provisioner>> select_provisioner(const HostFacts &f, ServiceManager hint);

} // namespace sc
