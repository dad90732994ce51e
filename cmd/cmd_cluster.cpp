#include <chrono>
#include <cmd/cmd_context.hpp>
#include <cmd/commands.hpp>
#include <condition_variable>
#include <drivers/registry.hpp>
#include <fmt/format.h>
#include <future>
#include <mutex>
#include <provision/machine/cluster_file.hpp>
#include <provision/machine/cluster_role.hpp>
#include <provision/machine/create_flow.hpp>
#include <provision/machine/remove_flow.hpp>
#include <set>

namespace sc {

namespace {

// Driver options from the cluster file, completed with environment variables and defaults.
Result<FlagValues> fill_driver_flags(const std::string &driver,
                                     const std::map<std::string, std::vector<std::string>> &given) {
  auto d = make_driver(driver);
  if (!d) return fail(Errc::usage, fmt::format("unknown driver \"{}\"", driver));
  FlagValues fv;
  std::set<std::string> known;
  for (const auto &sp : d->create_flags()) {
    known.insert(sp.name);
    auto it = given.find(sp.name);
    if (it != given.end())
      fv.set(sp.name, it->second);
    else if (!sp.env.empty() && std::getenv(sp.env.c_str()) && *std::getenv(sp.env.c_str()))
      fv.set(sp.name, {std::getenv(sp.env.c_str())});
    else if (!sp.def.empty())
      fv.set(sp.name, {sp.def});
  }
  for (const auto &[k, v] : given)
    if (!known.count(k))
      return fail(Errc::usage,
                  fmt::format("driver option \"{}\" is not a flag of the {} driver", k, driver));
  return fv;
}

CreateRequest request_for(const ClusterFile &f, const ClusterMachine &cm) {
  CreateRequest req;
  auto &r = req.rec;
  r.name = cm.name;
  r.driver_name = cm.driver;
  r.swarm_cluster = f.name;
  const auto &e = cm.engine;
  r.engine.install_method = e.install_method.empty() ? "package" : e.install_method;
  r.engine.version = e.version;
  r.engine.storage_driver = e.storage_driver;
  r.engine.arbitrary_flags = e.opts;
  r.engine.labels = e.labels;
  r.engine.labels.push_back("swarmctl.cluster=" + f.name);
  r.engine.env = e.env;
  r.engine.insecure_registry = e.insecure_registries;
  r.engine.registry_mirror = e.registry_mirrors;
  r.preload_images = images_for_role(f, cm.role);
  if (cm.role == "kv") {
    r.kv.kind = f.kv_kind;
    r.kv.image = f.kv_image;
    r.kv.port = f.kv_port ? f.kv_port : kv_port_for(f.kv_kind);
    return req;
  }
  r.swarm.is_swarm = true;
  r.swarm.agent = true;
  r.swarm.master = cm.role == "master";
  r.swarm.strategy = f.swarm_strategy;
  if (!f.swarm_image.empty()) r.swarm.image = f.swarm_image;
  if (f.swarm_mode == SwarmKind::SwarmMode) {
    r.swarm.mode = true;
  } else if (const auto *kv = f.kv()) {
    r.swarm.discovery =
        kv_discovery_url(f.kv_kind, kv->name, f.kv_port ? f.kv_port : kv_port_for(f.kv_kind));
  }
  return req;
}

struct Outcome {
  std::string name;
  Status status;
  double seconds = 0;
  bool existed = false;
};

// Admits jobs in ticket order, at most `limit` at a time (0 = no limit). Tickets follow the
// dependency order (KV machine, master, the rest), so a job never waits for one not yet admitted.
class OrderedGate {
public:
  explicit OrderedGate(size_t limit) : m_limit(limit) {}
  void enter(size_t ticket) {
    std::unique_lock lk(m_mu);
    m_cv.wait(lk, [&] { return m_next == ticket && (m_limit == 0 || m_running < m_limit); });
    ++m_next;
    ++m_running;
    m_cv.notify_all();
  }
  void leave() {
    std::lock_guard lk(m_mu);
    --m_running;
    m_cv.notify_all();
  }

private:
  std::mutex m_mu;
  std::condition_variable m_cv;
  size_t m_limit, m_next = 0, m_running = 0;
};

int run_up(Services &s, const std::string &file, bool quiet, size_t max_jobs) {
  auto f = load_cluster_file(file);
  if (!f) return report(s, f.error());
  if (auto st = s.store->init(); !st) return report(s, st.error());
  auto t0 = std::chrono::steady_clock::now();
  bool quiet_steps = !s.ui.debug_enabled;
  if (!quiet)
    s.ui.info(fmt::format("Bringing up cluster {}: {} machines", f->name, f->machines.size()));

  std::mutex mu;
  std::vector<Outcome> outcomes;
  auto record = [&](const std::string &name, Status st, double secs, bool existed) {
    std::lock_guard lk(mu);
    if (!quiet) {
      // One line per machine even while the machines' own steps are silenced (on a TTY, the
      // result replaces the machine's live line).
      std::string key = "(" + name + ") ";
      std::string text = st ? fmt::format("{} in {:.1f}s",
                                          existed ? "up to date" : "created and provisioned", secs)
                            : fmt::format("FAILED after {:.1f}s", secs);
      if (s.ui.board) s.ui.board->finish(key, text);
      if (st && !s.ui.board) s.ui.raw_out(key + text + "\n");
      if (!st) s.ui.error(key + (s.ui.board ? "" : text + ": ") + st.error().message);
    }
    outcomes.push_back(Outcome{name, st, secs, existed});
  };
  auto elapsed = [](auto start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<std::string> rows;
  for (const auto &cm : f->machines)
    rows.push_back("(" + cm.name + ") ");
  Ui::BoardScope board(s.ui, rows, !quiet); // on a TTY: one live line per machine
  bool saved_quiet = s.ui.quiet;
  s.ui.quiet = quiet_steps || quiet;

  // Classic swarm: the KV machine must exist (its IP is in every engine's cluster-store).
  const ClusterMachine *kv = f->kv();
  std::vector<std::future<void>> jobs;
  // A KV machine whose create died half way is made again, before the others need its address.
  if (auto d = kv ? drop_interrupted_create(s, kv->name) : Result<bool>(false); !d)
    return report(s, d.error());
  bool kv_created_now = false;
  if (kv && f->swarm_mode == SwarmKind::Classic && !s.store->exists(kv->name)) {
    // Only the driver's part (seconds): the KV machine's address goes into the other engines'
    // cluster-store; it is provisioned below, in parallel with everything else.
    auto req = request_for(*f, *kv);
    auto fv = fill_driver_flags(kv->driver, kv->driver_options);
    if (!fv) return report(s, fv.error());
    req.driver_flags = *fv;
    req.no_provision = true;
    auto start = std::chrono::steady_clock::now();
    auto st = create_machine(s, req);
    if (!st) {
      s.ui.quiet = saved_quiet;
      record(kv->name, st, elapsed(start), false);
      return report(s,
                    Error{Errc::generic,
                          fmt::format("cluster {}: the KV machine could not be created", f->name)});
    }
    kv_created_now = true;
  }
  // Classic swarm: engines get their cluster-store only once the store answers (Docker's
  // discovery gives up on a store that refused it at start-up and the overlay never meshes).
  auto kv_promise = std::make_shared<std::promise<Status>>();
  std::shared_future<Status> kv_ready = kv_promise->get_future().share();
  bool gate_on_kv = kv && f->swarm_mode == SwarmKind::Classic;
  if (!gate_on_kv) kv_promise->set_value(ok());
  auto engine_turn = std::make_shared<std::mutex>();
  // Swarm mode: nodes join once the master has initialised the swarm.
  auto manager_promise = std::make_shared<std::promise<Result<SwarmJoinTarget>>>();
  std::shared_future<Result<SwarmJoinTarget>> manager = manager_promise->get_future().share();
  const ClusterMachine *master = f->master();

  // All driver options are checked before any job starts (jobs wait on each other).
  std::vector<FlagValues> flags;
  for (const auto &cm : f->machines) {
    auto fv = fill_driver_flags(cm.driver, cm.driver_options);
    if (!fv) {
      s.ui.quiet = saved_quiet;
      return report(s, fv.error().context(cm.name));
    }
    flags.push_back(*fv);
  }
  // Dependency order: the KV machine, then the master, then the others in file order.
  std::vector<size_t> order;
  for (size_t i = 0; i < f->machines.size(); ++i)
    if (kv && f->machines[i].name == kv->name) order.push_back(i);
  for (size_t i = 0; i < f->machines.size(); ++i)
    if (master && f->machines[i].name == master->name && !(kv && kv->name == master->name))
      order.push_back(i);
  for (size_t i = 0; i < f->machines.size(); ++i)
    if (!(kv && f->machines[i].name == kv->name) &&
        !(master && f->machines[i].name == master->name))
      order.push_back(i);
  auto gate = std::make_shared<OrderedGate>(max_jobs);
  for (size_t ticket = 0; ticket < order.size(); ++ticket) {
    size_t i = order[ticket];
    const auto &cm = f->machines[i];
    auto req = request_for(*f, cm);
    req.driver_flags = flags[i];
    ProvisionOptions po;
    po.prefix = "(" + cm.name + ") ";
    bool is_master = master && cm.name == master->name;
    bool is_kv = kv && cm.name == kv->name;
    if (f->swarm_mode == SwarmKind::SwarmMode && !is_master) {
      po.swarm_manager = [manager]() { return manager.get(); };
      req.swarm_join = master ? master->name : "";
    }
    if (gate_on_kv && !is_kv) {
      // Engines (re)start one at a time: an engine's overlay driver joins the serf mesh through
      // one neighbour it discovers in the store and does not retry until another node appears,
      // so a neighbour that registered but does not listen yet can leave an engine isolated.
      // Started in turn, every engine finds only neighbours that already answer.
      std::string kv_name = kv->name;
      po.engine_turn = [kv_ready, kv_name, engine_turn]() -> Result<std::unique_lock<std::mutex>> {
        Status st = kv_ready.get();
        if (!st)
          return fail(Errc::generic, fmt::format("the KV store machine {} is not ready", kv_name));
        return std::unique_lock(*engine_turn);
      };
    }
    req.hooks = po;
    jobs.push_back(std::async(
        std::launch::async, [&, req, po, is_master, is_kv, gate, ticket, name = cm.name]() mutable {
          gate->enter(ticket);
          auto start = std::chrono::steady_clock::now();
          bool existed = false;
          req.prefix = po.prefix;
          Status st = up_machine(s, req, po, &existed);
          if (is_kv) {
            existed = existed && !kv_created_now;
            if (gate_on_kv) kv_promise->set_value(st ? ok() : Status(fail(st.error())));
          }
          if (is_master && f->swarm_mode == SwarmKind::SwarmMode) {
            if (st)
              manager_promise->set_value(swarm_manager_from_store(s, name));
            else
              manager_promise->set_value(
                  fail(Error{Errc::generic, "the swarm master " + name + " failed"}));
          }
          record(name, st, elapsed(start), existed);
          gate->leave();
        }));
  }
  if (f->swarm_mode == SwarmKind::SwarmMode && !master)
    manager_promise->set_value(fail(Error{Errc::usage, "no swarm master in the cluster file"}));
  for (auto &j : jobs)
    j.get();
  board.end();
  s.ui.quiet = saved_quiet;

  bool failed = false;
  for (const auto &o : outcomes)
    failed = failed || !o.status;
  bool networks_failed = false;
  if (!failed && master) {
    if (auto st = finish_cluster_up(s, *f, quiet); !st) {
      networks_failed = failed = true;
      s.ui.error(st.error().message);
    }
  }
  if (failed) {
    std::string names;
    for (const auto &o : outcomes)
      if (!o.status) names += (names.empty() ? "" : ", ") + o.name;
    return report(s, Error{Errc::generic, fmt::format("cluster {}: failed: {}", f->name,
                                                      networks_failed ? "networks" : names)});
  }
  if (!quiet)
    s.ui.info(fmt::format(
        "Cluster {} is up ({:.1f}s). Point docker at it with: eval $({} env{} {})", f->name,
        elapsed(t0), s.program, f->swarm_mode == SwarmKind::Classic ? " --swarm" : "",
        master ? master->name : ""));
  return 0;
}

int run_down(Services &s, const std::string &file, bool quiet) {
  auto f = load_cluster_file(file);
  if (!f) return report(s, f.error());
  std::vector<std::future<std::pair<std::string, Status>>> jobs;
  for (const auto &cm : f->machines) {
    if (!s.store->exists(cm.name)) continue;
    jobs.push_back(
        std::async(std::launch::async, [&s, name = cm.name]() -> std::pair<std::string, Status> {
          auto st = remove_machine(s, name, false, nullptr);
          if (st) remove_machine_contexts(s, name);
          return {name, st};
        }));
  }
  int rc = 0;
  for (auto &j : jobs) {
    auto [name, st] = j.get();
    if (st) {
      if (!quiet) s.ui.info("Successfully removed " + name);
    } else {
      rc = report(s, st.error().context(fmt::format("Error removing host \"{}\"", name)));
    }
  }
  return rc;
}

} // namespace

void add_cluster(CLI::App &app, Services &s, int &rc) {
  {
    auto file = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    auto jobs = std::make_shared<size_t>(0);
    auto *c = app.add_subcommand(
        "up", "Bring up (or complete) the cluster described in a YAML file, in parallel");
    c->add_option("-f,--file", *file, "Cluster file")->required();
    c->add_flag("-q,--quiet", *quiet, "Print nothing but errors");
    c->add_option("-j,--jobs", *jobs, "Machines worked on at once (default 0: all)");
    c->callback([=, &s, &rc] { rc = run_up(s, *file, *quiet, *jobs); });
  }
  {
    auto file = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    auto *c =
        app.add_subcommand("down", "Remove every machine of the cluster described in a YAML file");
    c->add_option("-f,--file", *file, "Cluster file")->required();
    c->add_flag("-q,--quiet", *quiet, "Print nothing but errors");
    c->callback([=, &s, &rc] { rc = run_down(s, *file, *quiet); });
  }
  {
    auto *kv = app.add_subcommand("kv", "Key-value store commands");
    kv->require_subcommand(1);
    auto names = std::make_shared<std::vector<std::string>>();
    auto *st = kv->add_subcommand(
        "status", "Show the KV store's leader and the keys under the Docker prefix");
    st->add_option("name", *names, "Machine running the KV store");
    st->callback([=, &s, &rc] { rc = report_status(s, print_kv_status(s, *names)); });
  }
  {
    auto *net = app.add_subcommand("network", "Overlay network commands (run on the swarm master)");
    net->require_subcommand(1);
    auto spec = std::make_shared<ClusterNetwork>();
    auto master = std::make_shared<std::string>();
    auto *cr = net->add_subcommand("create", "Create a network on the swarm master (idempotent)");
    cr->add_option("name", spec->name, "Network name")->required();
    cr->add_option("-d,--driver", spec->driver, "Network driver (default overlay)");
    cr->add_option("--subnet", spec->subnet, "Subnet in CIDR format");
    auto attachable = std::make_shared<bool>(false);
    cr->add_flag("--attachable", *attachable, "Enable manual container attachment (swarm mode)");
    cr->add_option("-m,--machine", *master,
                   "Machine to run it on (default: the swarm master in the store)");
    cr->callback([=, &s, &rc] {
      ClusterNetwork n = *spec;
      n.attachable = *attachable;
      rc = report_status(s, create_network_cmd(s, *master, n));
    });
  }
}

} // namespace sc
