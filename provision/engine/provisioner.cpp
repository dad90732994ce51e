#include <fmt/format.h>
#include <provision/engine/provisioner.hpp>

namespace sc {

Result<std::unique_ptr<Provisioner>> select_provisioner(const HostFacts &f, ServiceManager hint) {
  const auto &id = f.os.id;
  if (id == "boot2docker")
    return std::make_unique<Provisioner>("boot2docker", Provisioner::Kind::Boot2docker);
  bool debian_like = id == "debian" || id == "ubuntu" || id == "raspbian" ||
                     (" " + f.os.id_like + " ").find(" debian ") != std::string::npos ||
                     (" " + f.os.id_like + " ").find(" ubuntu ") != std::string::npos;
  if (!debian_like)
    return fail(Errc::unsupported,
                fmt::format("OS type not recognized: {} (supported: Debian, Ubuntu, boot2docker)",
                            f.os.pretty_name.empty() ? id : f.os.pretty_name));
  std::string family = id == "ubuntu" ? "ubuntu" : "debian";
  bool systemd = hint == ServiceManager::Systemd || (hint == ServiceManager::Auto && f.systemd);
  if (hint == ServiceManager::Sysvinit) systemd = false;
  if (systemd)
    return std::make_unique<Provisioner>(family + "(systemd)", Provisioner::Kind::Systemd);
  return std::make_unique<Provisioner>(family + "(sysvinit)", Provisioner::Kind::Sysvinit);
}

} // namespace sc
