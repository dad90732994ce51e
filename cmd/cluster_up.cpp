#include <chrono>
#include <cmd/cluster_up.hpp>
#include <cmd/commands.hpp>
#include <condition_variable>
#include <drivers/registry.hpp>
#include <fmt/format.h>
#include <future>
#include <mutex>
#include <optional>
#include <provision/machine/cluster_role.hpp>
#include <provision/util/kv_kind.hpp>
#include <set>

namespace sc {

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
    r.kv.port = f.kv_port ? f.kv_port : kv_default_port(f.kv_kind);
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
        kv_discovery_url(f.kv_kind, kv->name, f.kv_port ? f.kv_port : kv_default_port(f.kv_kind));
  }
  return req;
}

std::vector<size_t> up_order(const ClusterFile &f) {
  const ClusterMachine *kv = f.kv();
  const ClusterMachine *master = f.master();
  auto is_kv = [&](size_t i) { return kv && f.machines[i].name == kv->name; };
  auto is_master = [&](size_t i) { return master && f.machines[i].name == master->name; };
  std::vector<size_t> order;
  for (size_t i = 0; i < f.machines.size(); ++i)
    if (is_kv(i)) order.push_back(i);
  for (size_t i = 0; i < f.machines.size(); ++i)
    if (is_master(i) && !is_kv(i)) order.push_back(i);
  for (size_t i = 0; i < f.machines.size(); ++i)
    if (!is_kv(i) && !is_master(i)) order.push_back(i);
  return order;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Outcome {
  std::string name;
  Status status;
  double seconds = 0;
  bool existed = false;
};

// The machines' results, recorded by the jobs as they end, with one line per machine.
class UpProgress {
public:
  UpProgress(Services &s, bool quiet) : m_s(s), m_quiet(quiet) {}
  void record(const std::string &name, Status st, double secs, bool existed) {
    std::lock_guard lk(m_mu);
    if (!m_quiet) {
      // One line per machine even while the machines' own steps are silenced (on a TTY, the
      // result replaces the machine's live line).
      std::string key = "(" + name + ") ";
      std::string text = st ? fmt::format("{} in {:.1f}s",
                                          existed ? "up to date" : "created and provisioned", secs)
                            : fmt::format("FAILED after {:.1f}s", secs);
      if (m_s.ui.board) m_s.ui.board->finish(key, text);
      if (st && !m_s.ui.board) m_s.ui.raw_out(key + text + "\n");
      if (!st) m_s.ui.error(key + (m_s.ui.board ? "" : text + ": ") + st.error().message);
    }
    outcomes.push_back(Outcome{name, st, secs, existed});
  }
  std::vector<Outcome> outcomes; // read once every job has ended

private:
  Services &m_s;
  bool m_quiet;
  std::mutex m_mu;
};

// Admits jobs in ticket order, at most `limit` at a time (0 = no limit). Tickets follow the
// dependency order (up_order), so a job never waits for one not yet admitted.
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

// What the jobs wait for. Classic swarm: engines get their cluster-store only once the store
// answers (Docker's discovery gives up on a store that refused it at start-up and the overlay
// never meshes), and (re)start one at a time. Swarm mode: nodes join once the master has
// initialised the swarm.
struct UpSync {
  std::shared_ptr<std::promise<Status>> kv_promise = std::make_shared<std::promise<Status>>();
  std::shared_future<Status> kv_ready = kv_promise->get_future().share();
  bool gate_on_kv = false;
  std::shared_ptr<std::mutex> engine_turn = std::make_shared<std::mutex>();
  std::shared_ptr<std::promise<Result<SwarmJoinTarget>>> manager_promise =
      std::make_shared<std::promise<Result<SwarmJoinTarget>>>();
  std::shared_future<Result<SwarmJoinTarget>> manager = manager_promise->get_future().share();
  bool kv_created_now = false; // the KV machine was created by this `up` (not "up to date")
};

struct Job {
  CreateRequest req;
  ProvisionOptions po;
  bool is_master = false, is_kv = false;
  size_t ticket = 0;
};

// Classic swarm: the KV machine must exist (its IP is in every engine's cluster-store). Only the
// driver's part (seconds) is done here; it is provisioned later, in parallel with everything
// else. A KV machine whose create died half way is made again first. An exit code on failure.
std::optional<int> create_kv_first(Services &s, const ClusterFile &f, UpProgress &progress,
                                   bool saved_quiet, bool *created_now) {
  const ClusterMachine *kv = f.kv();
  if (auto d = kv ? drop_interrupted_create(s, kv->name) : Result<bool>(false); !d)
    return report(s, d.error());
  if (!kv || f.swarm_mode != SwarmKind::Classic || s.store->exists(kv->name)) return std::nullopt;
  auto req = request_for(f, *kv);
  auto fv = fill_driver_flags(kv->driver, kv->driver_options);
  if (!fv) return report(s, fv.error());
  req.driver_flags = *fv;
  req.no_provision = true;
  auto start = std::chrono::steady_clock::now();
  auto st = create_machine(s, req);
  if (!st) {
    s.ui.quiet = saved_quiet;
    progress.record(kv->name, st, seconds_since(start), false);
    return report(s, Error{Errc::generic,
                           fmt::format("cluster {}: the KV machine could not be created", f.name)});
  }
  *created_now = true;
  return std::nullopt;
}

// All driver options are checked before any job starts (jobs wait on each other).
Result<std::vector<FlagValues>> all_driver_flags(const ClusterFile &f) {
  std::vector<FlagValues> flags;
  for (const auto &cm : f.machines) {
    auto fv = fill_driver_flags(cm.driver, cm.driver_options);
    if (!fv) return fail(fv.error().context(cm.name));
    flags.push_back(*fv);
  }
  return flags;
}

Job job_for(const ClusterFile &f, size_t i, const FlagValues &flags, const UpSync &sync) {
  const auto &cm = f.machines[i];
  const ClusterMachine *kv = f.kv();
  const ClusterMachine *master = f.master();
  Job job;
  job.req = request_for(f, cm);
  job.req.driver_flags = flags;
  auto &po = job.po;
  po.prefix = "(" + cm.name + ") ";
  job.is_master = master && cm.name == master->name;
  job.is_kv = kv && cm.name == kv->name;
  if (f.swarm_mode == SwarmKind::SwarmMode && !job.is_master) {
    po.swarm_manager = [manager = sync.manager]() { return manager.get(); };
    job.req.swarm_join = master ? master->name : "";
  }
  if (sync.gate_on_kv && !job.is_kv) {
    // Engines (re)start one at a time: an engine's overlay driver joins the serf mesh through
    // one neighbour it discovers in the store and does not retry until another node appears,
    // so a neighbour that registered but does not listen yet can leave an engine isolated.
    // Started in turn, every engine finds only neighbours that already answer.
    // The lock is owned by the flow until the engine answers (or its configuration failed).
    po.engine_turn = [kv_ready = sync.kv_ready, kv_name = kv->name,
                      engine_turn = sync.engine_turn]() -> Result<std::unique_lock<std::mutex>> {
      Status st = kv_ready.get();
      if (!st)
        return fail(Errc::generic, fmt::format("the KV store machine {} is not ready", kv_name));
      return std::unique_lock(*engine_turn);
    };
  }
  job.req.hooks = po;
  return job;
}

// One machine's job: waits for its turn, brings it up, tells the jobs waiting on it.
void run_job(Services &s, const ClusterFile &f, Job job, UpSync &sync, OrderedGate &gate,
             UpProgress &progress) {
  gate.enter(job.ticket);
  auto start = std::chrono::steady_clock::now();
  bool existed = false;
  job.req.prefix = job.po.prefix;
  const std::string name = job.req.rec.name;
  Status st = up_machine(s, job.req, job.po, &existed);
  if (job.is_kv) {
    existed = existed && !sync.kv_created_now;
    if (sync.gate_on_kv) sync.kv_promise->set_value(st ? ok() : Status(fail(st.error())));
  }
  if (job.is_master && f.swarm_mode == SwarmKind::SwarmMode) {
    if (st)
      sync.manager_promise->set_value(swarm_manager_from_store(s, name));
    else
      sync.manager_promise->set_value(
          fail(Error{Errc::generic, "the swarm master " + name + " failed"}));
  }
  progress.record(name, st, seconds_since(start), existed);
  gate.leave();
}

void run_jobs(Services &s, const ClusterFile &f, const std::vector<FlagValues> &flags,
              size_t max_jobs, UpSync &sync, UpProgress &progress) {
  auto order = up_order(f);
  OrderedGate gate(max_jobs);
  std::vector<std::future<void>> jobs;
  for (size_t ticket = 0; ticket < order.size(); ++ticket) {
    Job job = job_for(f, order[ticket], flags[order[ticket]], sync);
    job.ticket = ticket;
    jobs.push_back(std::async(std::launch::async, [&, job]() mutable {
      run_job(s, f, std::move(job), sync, gate, progress);
    }));
  }
  if (f.swarm_mode == SwarmKind::SwarmMode && !f.master())
    sync.manager_promise->set_value(
        fail(Error{Errc::usage, "no swarm master in the cluster file"}));
  for (auto &j : jobs)
    j.get();
}

// The cluster's networks once every machine is up, then the summary. The exit code.
int finish_up(Services &s, const ClusterFile &f, const std::vector<Outcome> &outcomes, bool quiet,
              std::chrono::steady_clock::time_point t0) {
  bool failed = false;
  for (const auto &o : outcomes)
    failed = failed || !o.status;
  const ClusterMachine *master = f.master();
  bool networks_failed = false;
  if (!failed && master) {
    if (auto st = finish_cluster_up(s, f, quiet); !st) {
      networks_failed = failed = true;
      s.ui.error(st.error().message);
    }
  }
  if (failed) {
    std::string names;
    for (const auto &o : outcomes)
      if (!o.status) names += (names.empty() ? "" : ", ") + o.name;
    return report(s, Error{Errc::generic, fmt::format("cluster {}: failed: {}", f.name,
                                                      networks_failed ? "networks" : names)});
  }
  if (!quiet)
    s.ui.info(fmt::format(
        "Cluster {} is up ({:.1f}s). Point docker at it with: eval $({} env{} {})", f.name,
        seconds_since(t0), s.program, f.swarm_mode == SwarmKind::Classic ? " --swarm" : "",
        master ? master->name : ""));
  return 0;
}

} // namespace

int run_up(Services &s, const std::string &file, bool quiet, size_t max_jobs) {
  auto f = load_cluster_file(file);
  if (!f) return report(s, f.error());
  if (auto st = s.store->init(); !st) return report(s, st.error());
  auto t0 = std::chrono::steady_clock::now();
  bool quiet_steps = !s.ui.debug_enabled;
  if (!quiet)
    s.ui.info(fmt::format("Bringing up cluster {}: {} machines", f->name, f->machines.size()));
  UpProgress progress(s, quiet);
  std::vector<std::string> rows;
  for (const auto &cm : f->machines)
    rows.push_back("(" + cm.name + ") ");
  Ui::BoardScope board(s.ui, rows, !quiet); // on a TTY: one live line per machine
  bool saved_quiet = s.ui.quiet;
  s.ui.quiet = quiet_steps || quiet;

  UpSync sync;
  if (auto rc = create_kv_first(s, *f, progress, saved_quiet, &sync.kv_created_now)) return *rc;
  sync.gate_on_kv = f->kv() && f->swarm_mode == SwarmKind::Classic;
  if (!sync.gate_on_kv) sync.kv_promise->set_value(ok());
  auto flags = all_driver_flags(*f);
  if (!flags) {
    s.ui.quiet = saved_quiet;
    return report(s, flags.error());
  }
  run_jobs(s, *f, *flags, max_jobs, sync, progress);
  board.end();
  s.ui.quiet = saved_quiet;
  return finish_up(s, *f, progress.outcomes, quiet, t0);
}

} // namespace sc
