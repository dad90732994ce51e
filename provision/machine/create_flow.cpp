#include <drivers/registry.hpp>
#include <fmt/format.h>
#include <provision/crypto/ca.hpp>
#include <provision/machine/cluster_role.hpp>
#include <provision/machine/create_flow.hpp>
#include <provision/machine/provision_flow.hpp>
#include <provision/machine/remove_flow.hpp>
#include <provision/util/kv_kind.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>
#include <regex>

namespace sc {

namespace {
bool is_kv_scheme(const std::string &scheme) {
  return kv_kind_of_scheme(scheme) != KvKind::None;
}

bool has_engine_opt(const HostRecord &r, const std::string &key) {
  for (const auto &o : r.engine.arbitrary_flags)
    if (o.rfind(key + "=", 0) == 0 || o == key) return true;
  return false;
}
} // namespace

Result<std::string> resolve_discovery(Services &s, const std::string &url) {
  static const std::regex shape("^[^:]*://.*$");
  if (!std::regex_match(url, shape))
    return fail(
        Errc::usage,
        fmt::format(
            "Error parsing swarm discovery: Swarm Discovery URL was in the wrong format: {}", url));
  auto pos = url.find("://");
  std::string scheme = url.substr(0, pos);
  std::string rest = url.substr(pos + 3);
  std::string hostpart = rest.substr(0, rest.find('/'));
  std::string path = rest.size() > hostpart.size() ? rest.substr(hostpart.size()) : "";
  if (!is_kv_scheme(scheme)) return url;
  auto hp = parse_host_port(hostpart, kv_default_port(kv_kind_of_scheme(scheme)));
  if (!hp) return fail(Errc::usage, fmt::format("--swarm-discovery: {}", hp.error().message));
  if (is_ip_address(hp->host) || !s.store->exists(hp->host)) return url;
  auto m = load_machine(s, hp->host);
  if (!m) return fail(m.error());
  // The address machines reach each other at (EC2: the private one; the group's rules for the
  // KV port only admit members, whose traffic to a public address would arrive NAT'ed).
  auto ip = m->driver->cluster_address();
  if (!ip) return fail(ip.error().context(fmt::format("--swarm-discovery: machine {}", hp->host)));
  int port = hp->port;
  if (m->rec.kv.kind != KvKind::None && hostpart.find(':') == std::string::npos && m->rec.kv.port)
    port = m->rec.kv.port;
  return fmt::format("{}://{}:{}{}", scheme, *ip, port, path);
}

Status resolve_cluster_store(Services &s, HostRecord &rec) {
  for (auto &o : rec.engine.arbitrary_flags)
    if (o.rfind("cluster-store=", 0) == 0 && o.find("://") != std::string::npos) {
      auto d = resolve_discovery(s, o.substr(14));
      if (!d) return fail(d.error().context("--engine-opt cluster-store"));
      o = "cluster-store=" + *d;
    }
  return ok();
}

// docker-machine's BootstrapCertificates: the CA and client certificate the machine uses (the
// store's, or the --tls-* files) are created when missing, under the store lock (parallel creates
// make one CA).
static Status bootstrap_certificates(Services &s, const HostRecord &rec) {
  auto user = std::getenv("USER") ? std::string(std::getenv("USER")) : std::string("unknown");
  auto lock = s.store->lock();
  if (!lock) return fail(lock.error());
  std::vector<std::string> created;
  auto paths = cert_paths(rec);
  auto ca = CertAuthority::load_or_create(paths, user, &created);
  if (!ca) return fail(ca.error().context("Error generating certificates"));
  for (const auto &path : created) {
    if (path == paths.ca.string()) s.ui.info("Creating CA: " + path);
    if (path == paths.client_cert.string()) s.ui.info("Creating client certificate: " + path);
  }
  return ok();
}

namespace {
// The name is free and valid, machine names in discovery URLs and cluster-store resolved, the
// driver configured from its flags, cluster-advertise chosen.
Status prepare_create(Services &s, CreateRequest &req, Driver &driver) {
  auto &rec = req.rec;
  SC_TRY(resolve_cluster_store(s, rec));
  bool need_advertise = false;
  if (!rec.swarm.discovery.empty() && !rec.swarm.mode) {
    auto d = resolve_discovery(s, rec.swarm.discovery);
    if (!d) return fail(d.error());
    rec.swarm.discovery = *d;
    auto scheme = d->substr(0, d->find("://"));
    // Classic swarm over a KV store needs the engine's cluster-store: set it when not given.
    if (is_kv_scheme(scheme) && !has_engine_opt(rec, "cluster-store")) {
      rec.engine.arbitrary_flags.push_back("cluster-store=" + *d);
      need_advertise = !has_engine_opt(rec, "cluster-advertise");
    }
  }
  if (rec.kv.kind != KvKind::None && rec.kv.port == 0) rec.kv.port = kv_default_port(rec.kv.kind);
  SC_TRY(s.store->init());
  if (s.store->exists(rec.name)) {
    auto old = s.store->load(rec.name);
    if (old && old->status == MachineStatus::Failed)
      return fail(
          Errc::already_exists,
          fmt::format("Docker machine \"{}\" already exists (its creation failed at: {}). Run "
                      "`{} provision {}` to resume, or `{} rm -f {}` to start over",
                      rec.name, old->failed_step, s.program, rec.name, s.program, rec.name));
    return fail(Errc::already_exists,
                fmt::format("Docker machine \"{}\" already exists", rec.name));
  }
  compute_auth_paths(rec, s.store->root().string());
  SC_TRY(driver.configure(driver_context(s, rec), req.driver_flags));
  // After configure: the interface can depend on driver options (EC2: eth0 or ens5 by instance
  // type). A cluster-advertise of the user's own is never corrected.
  if (has_engine_opt(rec, "cluster-advertise")) rec.auto_cluster_advertise = false;
  if (need_advertise) {
    auto net = driver.network();
    rec.engine.arbitrary_flags.push_back(
        fmt::format("cluster-advertise={}:{}", net.interface, rec.engine.port));
    // Checked against the host's interfaces at provisioning, unless the user named the interface.
    rec.auto_cluster_advertise = !net.interface_given;
  }
  return ok();
}

// THE rollback of a failed create (drivers do not undo their own: driver.hpp). The record (and
// with it everything the driver will create, which it derives from the record) exists before
// the driver starts; its creation lock tells other processes it is being created. When the
// driver fails, remove() on the same driver object undoes what it made and the record goes.
// Returns the creation lock, which the caller holds until the create ends (provisioning
// included): `ls` and `rm` tell a live create from an interrupted one by it.
Result<FileLock> create_or_roll_back(Services &s, Machine &m, const std::string &p) {
  m.rec.status = MachineStatus::Creating;
  m.driver->bind(driver_context(s, m.rec));
  m.rec.driver = m.driver->to_json();
  auto creating = s.store->reserve(m.rec);
  if (!creating) return fail(creating.error());
  auto step = s.ui.step("Creating machine", p);
  if (auto st = m.driver->create(); !st) {
    auto rb = m.driver->remove();
    if (!rb) s.ui.warn(fmt::format("{}rollback: {}", p, rb.error().message));
    (void)s.store->remove(m.rec.name);
    return fail(
        st.error().context("Error creating machine: Error in driver during machine creation"));
  }
  return creating;
}

// A machine nothing is installed on (the none driver) still gets ca.pem, cert.pem, key.pem in
// DOCKER_CERT_PATH, or env/config point the docker client at files that do not exist.
Status finish_unprovisionable(Services &s, Machine &m) {
  if (auto st = install_client_certs(s, m); !st) {
    (void)s.store->remove(m.rec.name);
    return fail(st.error().context("Error creating machine"));
  }
  m.rec.status = MachineStatus::Provisioned;
  SC_TRY(save_machine(s, m));
  s.ui.info(fmt::format("To see how to connect your Docker Client to the Docker Engine running "
                        "on this virtual machine, run: {} env {}",
                        s.argv0, m.rec.name));
  return ok();
}

// Provisioning failures keep the machine, marked failed with the step, to be resumed.
Status mark_failed(Services &s, Machine &m, const std::string &step) {
  m.rec.status = MachineStatus::Failed;
  m.rec.failed_step = step;
  return save_machine(s, m);
}

Status wait_running(Services &s, Machine &m, const std::string &p) {
  auto step = s.ui.step("Waiting for machine to be running", p);
  auto st = poll_until("machine running", std::chrono::minutes(3), [&]() -> Status {
    auto state = m.driver->state();
    if (!state) return fail(state.error());
    if (*state != State::Running)
      return fail(Errc::generic, fmt::format("state is {}", state_name(*state)));
    return ok();
  });
  if (!st) {
    (void)mark_failed(s, m, "waiting for the machine to run");
    return fail(st.error().context("Error creating machine"));
  }
  return ok();
}
} // namespace

Status create_machine(Services &s, CreateRequest req) {
  auto &rec = req.rec;
  const auto &p = req.prefix;
  if (!valid_machine_name(rec.name))
    return fail(Errc::usage, "Error creating machine: Invalid hostname specified. Allowed hostname "
                             "chars are: 0-9a-zA-Z . -");
  auto driver = make_driver(rec.driver_name);
  if (!driver) return fail(Errc::usage, driver_not_found_message(rec.driver_name));
  SC_TRY(prepare_create(s, req, *driver));
  SC_TRY(bootstrap_certificates(s, rec));
  s.ui.info(p + "Running pre-create checks...");
  if (auto st = driver->pre_create_check(); !st)
    return fail(Errc::precreate,
                fmt::format("Error with pre-create check: \"{}\"", st.error().message));
  Machine m{rec, std::move(driver)};
  auto creating = create_or_roll_back(s, m, p);
  if (!creating) return fail(creating.error());
  // "provisioning" tells `ls` which step this process was at should it die (the creation lock
  // goes with it); "created" is the end of a --no-provision create.
  bool provisions = m.driver->provisionable() && !req.no_provision;
  m.rec.status = provisions ? MachineStatus::Provisioning : MachineStatus::Created;
  SC_TRY(save_machine(s, m));
  if (!m.driver->provisionable()) return finish_unprovisionable(s, m);
  if (req.no_provision) {
    s.ui.info(fmt::format(
        "{}Machine created without provisioning; run `{} provision {}` to install Docker.", p,
        s.program, rec.name));
    return ok();
  }
  SC_TRY(wait_running(s, m, p));
  ProvisionOptions po = req.hooks;
  po.prefix = p;
  po.swarm_join = req.swarm_join;
  if (auto st = provision_machine(s, m, po); !st) {
    (void)mark_failed(s, m, "provisioning");
    return fail(
        Errc::remote_failed,
        fmt::format("Error creating machine: Error running provisioning: {}\nThe machine was "
                    "created but not provisioned: fix the cause and run `{} provision {}` to "
                    "resume, or `{} rm -f {}`",
                    st.error().message, s.program, rec.name, s.program, rec.name));
  }
  s.ui.info(p + "Docker is up and running!");
  s.ui.info(fmt::format("To see how to connect your Docker Client to the Docker Engine running on "
                        "this virtual machine, run: {} env {}",
                        s.argv0, rec.name));
  return ok();
}

Result<bool> drop_interrupted_create(Services &s, const std::string &name) {
  if (!s.store->exists(name)) return false;
  auto rec = s.store->load(name);
  if (!rec) return fail(rec.error());
  auto cp = create_progress(s, *rec);
  if (cp.live)
    return fail(Errc::generic,
                fmt::format("machine {} is being created by another {} process", name, s.program));
  if (rec->status != MachineStatus::Creating) return false;
  SC_TRY(remove_machine(s, name, false, nullptr));
  return true;
}

Status up_machine(Services &s, CreateRequest req, const ProvisionOptions &po, bool *existed) {
  req.prefix = po.prefix;
  if (!s.store->exists(req.rec.name)) return create_machine(s, std::move(req));
  *existed = true;
  auto m = load_machine(s, req.rec.name);
  if (!m) return fail(m.error());
  if (m->rec.swarm_cluster != req.rec.swarm_cluster && !m->rec.swarm_cluster.empty())
    return fail(Errc::already_exists, fmt::format("machine {} belongs to cluster {}", req.rec.name,
                                                  m->rec.swarm_cluster));
  auto dropped = drop_interrupted_create(s, req.rec.name);
  if (!dropped) return fail(dropped.error());
  if (*dropped) {
    *existed = false;
    return create_machine(s, std::move(req));
  }
  auto st = m->driver->state();
  if (st && *st == State::Stopped) SC_TRY(m->driver->start());
  if (m->rec.status == MachineStatus::Provisioned) return ok();
  return provision_machine(s, *m, po);
}

} // namespace sc
