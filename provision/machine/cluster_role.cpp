#include <fmt/format.h>
#include <future>
#include <provision/cluster/classic_manager.hpp>
#include <provision/cluster/kv.hpp>
#include <provision/cluster/network.hpp>
#include <provision/cluster/swarm_classic.hpp>
#include <provision/cluster/swarm_mode.hpp>
#include <provision/dockerapi/docker_client.hpp>
#include <provision/machine/cluster_role.hpp>
#include <provision/machine/connection.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>

namespace sc {

std::string kv_discovery_url(KvKind kind, const std::string &host, int port) {
  return kv_url(kind, host, port);
}

Status check_role_prerequisites(Services &s, Machine &m, const HostFacts &facts) {
  bool classic = m.rec.swarm.is_swarm && !m.rec.swarm.mode;
  bool cluster_store = false;
  for (const auto &o : m.rec.engine.arbitrary_flags)
    cluster_store = cluster_store || o.rfind("cluster-store", 0) == 0;
  if ((classic || cluster_store) && facts.has_docker && !facts.docker_version.empty())
    return check_engine_supports_cluster_store(facts.docker_version);
  if ((classic || cluster_store) && !m.rec.engine.version.empty())
    return check_engine_supports_cluster_store(m.rec.engine.version);
  return ok();
}

namespace {
std::string advertise_ip(Machine &m) {
  if (!m.rec.swarm.address.empty()) {
    auto hp = parse_host_port(m.rec.swarm.address, 0);
    if (hp) return hp->host;
  }
  // Machines talk to each other at the cluster address (EC2: private; swarm-mode ports are only
  // open between members of the security group, which a public address would bypass).
  auto ip = m.driver->cluster_address();
  return ip ? *ip : "";
}

// A user's own etcd that advertises another client URL than the one the cluster uses (the
// walkthrough's trap: 127.0.0.1 or a container address) breaks every v2 client silently: say so.
void warn_etcd_advertise(Services &s, CommandRunner &r, const std::string &discovery,
                         const std::string &prefix) {
  if (discovery.rfind("etcd://", 0) != 0) return;
  auto hostport = discovery.substr(7, discovery.find('/', 7) - 7);
  auto hp = parse_host_port(hostport, kv_default_port(KvKind::Etcd));
  if (!hp) return;
  auto urls = etcd_client_urls(r, hp->host, hp->port);
  if (!urls) {
    s.ui.debug(prefix + urls.error().message);
    return;
  }
  if (auto problem = etcd_advertise_problem(*urls, hp->host, hp->port); !problem.empty())
    s.ui.warn(prefix + "Warning: " + problem);
}
} // namespace

Result<SwarmJoinTarget> swarm_manager_from_store(Services &s, const std::string &name) {
  std::string target = name;
  if (target.empty()) {
    for (const auto &n : s.store->list()) {
      auto rec = s.store->load(n);
      if (rec && rec->swarm.mode && rec->swarm.master) {
        if (!target.empty())
          return fail(Errc::usage,
                      "several swarm-mode masters in the store: choose one with --swarm-join NAME");
        target = n;
      }
    }
    if (target.empty())
      return fail(Errc::usage, "no swarm-mode master in the store: create one with --swarm-mode "
                               "--swarm-master, or pass --swarm-join");
  }
  auto m = load_machine(s, target);
  if (!m) return fail(m.error());
  auto r = connect_machine(s, *m, std::chrono::seconds(60));
  if (!r) return fail(r.error());
  auto ip = advertise_ip(*m);
  auto tokens = swarm_init(**r, ip);
  if (!tokens) return fail(tokens.error().context(fmt::format("swarm manager {}", target)));
  SwarmJoinTarget t;
  t.manager_name = target;
  t.manager_addr = fmt::format("{}:2377", ip);
  t.worker_token = tokens->worker;
  t.manager_token = tokens->manager;
  return t;
}

Status configure_cluster_role(Services &s, Machine &m, CommandRunner &r,
                              const ProvisionOptions &o) {
  const auto &p = o.prefix;
  auto ip = advertise_ip(m);
  if (m.rec.kv.kind != KvKind::None) {
    auto step =
        s.ui.step(fmt::format("Starting the {} key-value store", kv_kind_name(m.rec.kv.kind)), p);
    KvSpec spec{m.rec.kv.kind, m.rec.kv.image,
                m.rec.kv.port ? m.rec.kv.port : kv_default_port(m.rec.kv.kind)};
    SC_TRY_CTX(run_kv(r, spec, ip), r.target());
  }
  const auto &sw = m.rec.swarm;
  if (!sw.is_swarm) return ok();
  if (!sw.mode) {
    auto step = s.ui.step("Configuring swarm", p);
    ClassicSwarmSpec spec;
    spec.master = sw.master;
    spec.agent = sw.agent || sw.master;
    spec.discovery = sw.discovery;
    spec.image = sw.image;
    spec.strategy = sw.strategy;
    spec.host = sw.host;
    spec.advertise_ip = ip;
    spec.engine_port = m.driver->engine_port();
    spec.manage_flags = sw.arbitrary_flags;
    spec.join_flags = sw.arbitrary_join_flags;
    spec.env = m.rec.engine.env;
    spec.experimental = sw.is_experimental;
    SC_TRY_CTX(configure_classic_swarm(r, spec), r.target());
    warn_etcd_advertise(s, r, sw.discovery, p);
    return ok();
  }
  if (sw.master) {
    auto step = s.ui.step("Initialising swarm mode", p);
    auto t = swarm_init(r, ip);
    if (!t) return fail(t.error().context(r.target()));
    return ok();
  }
  auto step = s.ui.step("Joining the swarm", p);
  auto target = o.swarm_manager ? o.swarm_manager() : swarm_manager_from_store(s, o.swarm_join);
  if (!target) return fail(target.error());
  const auto &token = sw.join_as_manager ? target->manager_token : target->worker_token;
  SC_TRY_CTX(swarm_join(r, token, target->manager_addr, ip), r.target());
  return ok();
}

Status ensure_cluster_network(Services &s, Machine &master, const ClusterNetwork &net) {
  auto r = connect_machine(s, master, std::chrono::seconds(60));
  if (!r) return fail(r.error());
  NetworkSpec spec;
  spec.name = net.name;
  spec.driver = net.driver;
  spec.attachable = net.attachable && master.rec.swarm.mode;
  spec.subnet = net.subnet;
  return ensure_network(**r, spec);
}

std::vector<std::string> classic_members(Services &s, const HostRecord &master) {
  std::vector<std::string> names;
  for (const auto &n : s.store->list()) {
    auto rec = s.store->load(n);
    if (rec && rec->swarm.is_swarm && !rec->swarm.mode &&
        rec->swarm.discovery == master.swarm.discovery)
      names.push_back(n);
  }
  return names;
}

Status keep_classic_network(Services &s, const std::vector<std::string> &machines,
                            const std::string &network) {
  std::vector<std::future<Status>> jobs;
  for (const auto &name : machines)
    jobs.push_back(std::async(std::launch::async, [&s, &network, name]() -> Status {
      auto m = load_machine(s, name);
      if (!m) return fail(m.error());
      auto r = connect_machine(s, *m, std::chrono::seconds(60));
      if (!r) return fail(r.error());
      SC_TRY_CTX(
          ensure_network_keeper(**r, network, name, m->rec.swarm.image, std::chrono::seconds(60)),
          name);
      return ok();
    }));
  Status result = ok();
  for (auto &j : jobs)
    if (auto st = j.get(); !st && result) result = st;
  return result;
}

Status wait_for_classic_nodes(Services &s, Machine &master, const std::vector<std::string> &names,
                              std::chrono::milliseconds timeout) {
  auto ip = master.driver->ip();
  if (!ip) return fail(ip.error());
  int port = swarm_port(master.rec);
  // One connection for the whole wait: the manager keeps it open between polls.
  DockerClient manager(*ip, port, client_tls(s, master));
  return poll_until(fmt::format("Swarm manager on {}:{}: every node Healthy", *ip, port), timeout,
                    [&]() -> Status {
                      auto r = manager.request("GET", "/info", "", std::chrono::seconds(5));
                      if (!r) return fail(r.error());
                      if (r->status != 200)
                        return fail(Errc::generic,
                                    fmt::format("GET /info answered HTTP {}", r->status));
                      auto nodes = parse_manager_nodes(r->body);
                      if (!nodes) return fail(nodes.error());
                      auto missing = nodes_not_healthy(*nodes, names);
                      if (!missing.empty()) return fail(Errc::not_found, missing);
                      return ok();
                    });
}

Status finish_cluster_up(Services &s, const ClusterFile &f, bool quiet) {
  auto master = load_machine(s, f.master()->name);
  if (!master) return fail(master.error());
  bool classic = f.swarm_mode == SwarmKind::Classic;
  std::vector<std::string> swarm_machines;
  for (const auto &cm : f.machines)
    if (cm.role != "kv") swarm_machines.push_back(cm.name);
  for (const auto &net : f.networks) {
    SC_TRY_CTX(ensure_cluster_network(s, *master, net), "network " + net.name);
    if (classic && net.driver == "overlay")
      SC_TRY_CTX(keep_classic_network(s, swarm_machines, net.name), "network " + net.name);
    if (!quiet)
      s.ui.info(fmt::format("Network {} ({}) is ready on {}", net.name, net.driver,
                            classic ? "every swarm machine" : master->rec.name));
  }
  if (!classic) return ok();
  auto t0 = std::chrono::steady_clock::now();
  SC_TRY(wait_for_classic_nodes(s, *master, swarm_machines, std::chrono::seconds(60)));
  if (!quiet)
    s.ui.info(
        fmt::format("Swarm manager on {} lists {} healthy nodes (waited {:.1f}s)", master->rec.name,
                    swarm_machines.size(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  return ok();
}

Status print_kv_status(Services &s, const std::vector<std::string> &names) {
  auto name = name_or_default(s, names);
  if (!name) return fail(name.error());
  auto m = load_machine(s, *name);
  if (!m) return fail(m.error());
  if (m->rec.kv.kind == KvKind::None)
    return fail(Errc::usage,
                fmt::format("machine {} runs no key-value store (create it with --kv)", *name));
  auto r = connect_machine(s, *m, std::chrono::seconds(30));
  if (!r) return fail(r.error());
  KvSpec spec{m->rec.kv.kind, m->rec.kv.image,
              m->rec.kv.port ? m->rec.kv.port : kv_default_port(m->rec.kv.kind)};
  auto st = kv_status(**r, spec);
  if (!st) return fail(st.error());
  s.ui.raw_out(*st + (st->empty() || st->back() != '\n' ? "\n" : ""));
  return ok();
}

Status create_network_cmd(Services &s, const std::string &machine, const ClusterNetwork &net) {
  std::string target = machine;
  if (target.empty()) {
    for (const auto &n : s.store->list()) {
      auto rec = s.store->load(n);
      if (rec && rec->swarm.master) target = n;
    }
    if (target.empty())
      return fail(Errc::usage, "no swarm master in the store: pass --machine NAME");
  }
  auto m = load_machine(s, target);
  if (!m) return fail(m.error());
  SC_TRY(ensure_cluster_network(s, *m, net));
  if (m->rec.swarm.is_swarm && !m->rec.swarm.mode && net.driver == "overlay")
    SC_TRY(keep_classic_network(s, classic_members(s, m->rec), net.name));
  s.ui.raw_out(net.name + "\n");
  return ok();
}

} // namespace sc
