#include <fmt/format.h>
#include <provision/machine/engine_bridge.hpp>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/fs.hpp>

namespace sc {

EngineConfig engine_config_for(const Services &s, const Machine &m, const std::string &ca_pem,
                               const std::string &server_pem, const std::string &server_key_pem) {
  const auto &e = m.rec.engine;
  EngineConfig c;
  c.hostname = m.rec.name;
  c.port = m.driver->engine_port();
  c.labels = e.labels;
  c.labels.push_back("provider=" + m.rec.driver_name);
  c.insecure_registries = e.insecure_registry;
  c.registry_mirrors = e.registry_mirror;
  c.arbitrary_flags = e.arbitrary_flags;
  c.env = e.env;
  c.storage_driver = e.storage_driver.empty() ? "overlay2" : e.storage_driver;
  c.ca_pem = ca_pem;
  c.server_pem = server_pem;
  c.server_key_pem = server_key_pem;
  c.install_method = e.install_method;
  c.install_url = e.install_url;
  c.version = e.version;
  return c;
}

ServiceManager service_manager_for(const Driver &d) {
  switch (d.init_style()) {
  case InitStyle::Systemd:
    return ServiceManager::Systemd;
  case InitStyle::Sysvinit:
    return ServiceManager::Sysvinit;
  default:
    return ServiceManager::Auto;
  }
}

std::string docker_cmd(const HostFacts &f) {
  return f.is_root ? "docker" : "sudo -n docker";
}

Status upgrade_machine(Services &s, Machine &m) {
  auto st = m.driver->state();
  if (st && *st != State::Running) {
    SC_TRY(m.driver->start());
  }
  auto r = connect_machine(s, m, std::chrono::minutes(2));
  if (!r) return fail(r.error());
  auto facts = gather_facts(**r);
  if (!facts) return fail(facts.error());
  auto prov = select_provisioner(*facts, service_manager_for(*m.driver));
  if (!prov) return fail(prov.error());
  auto dir = s.store->machine_dir(m.rec.name);
  auto ca = read_file(dir / "ca.pem");
  auto cert = read_file(dir / "server.pem");
  auto key = read_file(dir / "server-key.pem");
  if (!ca || !cert || !key)
    return fail(Errc::io, "server certificate files are missing: run regenerate-certs");
  auto cfg = engine_config_for(s, m, *ca, *cert, *key);
  s.ui.info(fmt::format("Upgrading docker on {}...", m.rec.name));
  SC_TRY_CTX(upgrade_engine(**r, *facts, **prov, cfg), m.rec.name);
  SC_TRY(wait_for_engine(s, m, std::chrono::seconds(90)));
  s.ui.info(fmt::format("Docker on {} is now {}", m.rec.name, "upgraded"));
  return ok();
}

} // namespace sc
