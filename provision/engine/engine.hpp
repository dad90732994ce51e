#pragma once
// Installing and configuring the Docker engine on a host (OS-level steps, no driver, no store).
#include <provision/engine/facts.hpp>
#include <provision/engine/provisioner.hpp>
#include <provision/ssh/runner.hpp>
#include <provision/util/ports.hpp>
#include <provision/util/ui.hpp>
#include <string>
#include <vector>

namespace sc {

struct EngineConfig {
  std::string hostname;
  int port = k_engine_port;
  std::vector<std::string> labels; // provider=DRIVER already appended
  std::vector<std::string> insecure_registries, registry_mirrors;
  std::vector<std::string> arbitrary_flags; // "k=v" -> --k=v
  std::vector<std::string> env;             // "K=V"
  std::string storage_driver = "overlay2";
  std::string ca_pem, server_pem, server_key_pem;
  std::string install_method = "package"; // package | script | none
  std::string install_url = "https://get.docker.com";
  std::string version; // pin prefix, "" = any
};

// dockerd arguments in docker-machine's order (hosts, storage, TLS, labels, insecure registries,
// mirrors, arbitrary flags).
std::vector<std::string> dockerd_args(const EngineConfig &c);
// The value of the first "cluster-advertise=VALUE" flag ("eth0:2376"), "" when there is none.
std::string advertise_value(const std::vector<std::string> &arbitrary_flags);
// Puts `iface` in place of the interface of a "cluster-advertise=IFACE:PORT" flag; returns the
// interface it replaced, "" when there is no such flag or it already names `iface`.
std::string set_advertise_interface(std::vector<std::string> &arbitrary_flags,
                                    const std::string &iface);
// systemd's quoting of one ExecStart argument ($ -> $$, % -> %%, quotes and backslashes escaped).
std::string systemd_quote(const std::string &arg);
// systemd's quoting of one Environment= assignment: like systemd_quote but $ stays $ (systemd
// expands no variables there).
std::string systemd_env_quote(const std::string &assignment);
// The files a provisioner writes, rendered (for golden tests and for configure_engine).
Result<std::string> render_configure_script(const Provisioner &p, const EngineConfig &c);
Result<std::string> render_install_script(const HostFacts &f, const Provisioner &p,
                                          const EngineConfig &c);

// Installs Docker when missing (or when the pinned version differs). One round trip; a failure
// reports the failing step and the tail of its output.
Status install_docker(CommandRunner &r, const HostFacts &f, const Provisioner &p,
                      const EngineConfig &c);
// Hostname, certificates, engine configuration, (re)start, wait for the engine: one round trip.
Status configure_engine(CommandRunner &r, const Provisioner &p, const HostFacts &f,
                        const EngineConfig &c);
// Newer (or pinned) engine with the same configuration.
Status upgrade_engine(CommandRunner &r, const HostFacts &f, const Provisioner &p,
                      const EngineConfig &c);

} // namespace sc
