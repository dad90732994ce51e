#include <filesystem>
#include <fmt/format.h>
#include <provision/machine/connection.hpp>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/net.hpp>
#include <provision/util/ports.hpp>

namespace sc {

int swarm_port(const HostRecord &rec) {
  auto hp = parse_host_port(rec.swarm.host, k_swarm_port);
  return hp ? hp->port : k_swarm_port;
}

Result<std::string> swarm_url(const HostRecord &rec, const std::string &engine_url) {
  if (rec.swarm.mode) return engine_url;
  auto hp = parse_host_port(engine_url, k_engine_port);
  if (!hp) return fail(hp.error());
  auto sp = parse_host_port(rec.swarm.host, k_swarm_port);
  if (!sp) return fail(sp.error());
  return fmt::format("tcp://{}:{}", hp->host, sp->port);
}

Result<std::string> checked_url(Services &s, Machine &m, bool swarm) {
  if (swarm && !m.rec.swarm.master)
    return fail(
        Errc::generic,
        fmt::format(
            "\"{}\" is not a swarm master. The --swarm flag is intended for use with swarm masters",
            m.rec.name));
  auto st = m.driver->state();
  if (st && *st != State::Running) return fail(Errc::generic, "Host is not running");
  SC_TRY(refresh_certs_if_ip_changed(s, m));
  // A none-driver machine recorded before swarmctl copied the client certificates.
  if (!m.driver->provisionable() &&
      !std::filesystem::exists(s.store->machine_dir(m.rec.name) / "ca.pem"))
    SC_TRY(install_client_certs(s, m));
  auto u = m.driver->url();
  if (!u) return fail(u.error());
  // The URL ends up in shell code (`eval $(swarmctl env)`): nothing but tcp://HOST:PORT.
  SC_TRY_CTX(check_engine_url(*u), fmt::format("machine \"{}\"", m.rec.name));
  auto hp = parse_host_port(*u, k_engine_port);
  if (!hp) return fail(hp.error());
  auto check = docker_tls_check(hp->host, hp->port, client_tls(s, m), std::chrono::seconds(20),
                                s.store->machine_dir(m.rec.name) / "tls-session");
  if (!check)
    return fail(
        Errc::generic,
        fmt::format("Error checking and/or regenerating the certs: There was an error validating "
                    "certificates for host \"{}:{}\": {}\n"
                    "You can attempt to regenerate them using '{} regenerate-certs [name]'.\n"
                    "Be advised that this will trigger a Docker daemon restart which might stop "
                    "running containers.\n",
                    hp->host, hp->port, check.error().message, s.program));
  if (!swarm) return *u;
  return swarm_url(m.rec, *u);
}

} // namespace sc
