#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <mutex>
#include <provision/machine/host_query.hpp>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/net.hpp>
#include <provision/util/ports.hpp>
#include <provision/util/process.hpp>
#include <thread>

namespace sc {

namespace {
using Clock = std::chrono::steady_clock;

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<HostQuery> results;
  std::vector<bool> done;
  std::vector<Machine> machines;
  std::vector<std::optional<Result<State>>> batch;
  size_t finished = 0;
  std::atomic<size_t> next{0};
  Clock::time_point deadline;      // the caller's: no answer counts after it
  std::atomic<bool> closed{false}; // set at the deadline: workers take no new machine
};

void query_one(Services &s, Shared &sh, size_t i, const QueryOptions &o) {
  // Only the answers are written back (under the lock); the record is read, never copied.
  struct {
    State state = State::None;
    std::string url, docker_version, error;
  } q;
  q.state = sh.results[i].state;
  q.error = sh.results[i].error;
  const std::optional<HostRecord> &rec = sh.results[i].rec;
  Machine &m = sh.machines[i];
  // A create still running elsewhere, or one whose process died: said as such, never as a plain
  // Running machine (nor one to `rm -f` while it is being made).
  CreateProgress cp = rec ? create_progress(s, *rec) : CreateProgress{};
  if (cp.unfinished && (cp.live || rec->status == MachineStatus::Creating)) {
    q.state = cp.live ? State::Creating : State::Error;
    q.error = cp.error;
  } else if (m.driver) {
    Result<State> st = State::None;
    if (sh.batch[i])
      st = *sh.batch[i];
    else if (o.want_state)
      st = m.driver->state();
    if (!st) {
      q.state = State::Error;
      q.error = st.error().message;
    } else {
      q.state = *st;
    }
    if (q.state == State::Running) {
      auto u = m.driver->url();
      if (u)
        q.url = *u;
      else
        q.error = u.error().message;
      // A machine created with --no-provision has no engine (nor certificates) to ask.
      bool has_engine = !rec || (rec->status != MachineStatus::Created &&
                                 rec->status != MachineStatus::Creating && !cp.unfinished);
      // Only a tcp:// URL names an engine: `create -d none --url none` records "none", which is no
      // host to look up (docker-machine's own tests make such machines).
      if (o.want_docker && u && has_engine && u->rfind("tcp://", 0) != 0) {
        q.docker_version = "Unknown";
        q.error = fmt::format("Unable to query docker version: \"{}\" is not a tcp:// URL", *u);
      } else if (o.want_docker && u && has_engine) {
        auto hp = parse_host_port(*u, k_engine_port);
        if (hp) {
          // Bounded by the caller's deadline too: a hung engine keeps no worker past it.
          auto left =
              std::chrono::duration_cast<std::chrono::milliseconds>(sh.deadline - Clock::now());
          auto v =
              docker_version(hp->host, hp->port, client_tls(s, m),
                             std::max(std::min(left, o.timeout), std::chrono::milliseconds(1)));
          if (v)
            q.docker_version = "v" + *v;
          else {
            q.docker_version = "Unknown";
            q.error = "Unable to query docker version: " + v.error().message;
          }
        }
      }
    }
    if (q.error == "Host is not running") q.error.clear();
    if (cp.unfinished) q.error = cp.error;
  }
  std::lock_guard lk(sh.mu);
  if (sh.closed) return; // too late: the caller reports a timeout
  HostQuery &r = sh.results[i];
  r.state = q.state;
  r.url = std::move(q.url);
  r.docker_version = std::move(q.docker_version);
  r.error = std::move(q.error);
  sh.done[i] = true;
  ++sh.finished;
  sh.cv.notify_all();
}
} // namespace

namespace {
// fn(i) for i in [0, n), on up to 8 threads (one per core; one thread per 64 items at least).
template <class F> void parallel_for(size_t n, F &&fn) {
  size_t threads =
      std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 8, n / 64 + 1});
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;)
      fn(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t)
    pool.emplace_back(work);
  work();
  for (auto &t : pool)
    t.join();
}
} // namespace

std::vector<Result<Machine>> load_machines(Services &s, const std::vector<std::string> &names) {
  std::vector<Result<Machine>> out;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i)
    out.emplace_back(fail(Errc::generic, "not loaded"));
  parallel_for(names.size(), [&](size_t i) { out[i] = load_machine(s, names[i]); });
  return out;
}

std::vector<Result<HostRecord>> load_records(Services &s, const std::vector<std::string> &names) {
  std::vector<Result<HostRecord>> out;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i)
    out.emplace_back(fail(Errc::generic, "not loaded"));
  parallel_for(names.size(), [&](size_t i) { out[i] = s.store->load(names[i]); });
  return out;
}

namespace {
// Runs the queries on up to 32 threads until all are answered or the deadline (the timeout, plus
// 500 ms for the answers in flight) passes; machines not answered by then are Timeout. Every
// thread is joined before returning: a query in flight at the deadline ends within its own bound
// (an engine's and a driver's programs: the deadline; a driver's TCP probe: 3 s at most; a cloud
// API call: its HTTP timeouts) and its answer is dropped. No thread outlives the call (nor main).
std::vector<HostQuery> collect(Services &s, Shared &sh, const QueryOptions &o) {
  size_t n = sh.results.size();
  sh.deadline = Clock::now() + o.timeout + std::chrono::milliseconds(500);
  std::vector<std::thread> pool;
  for (size_t w = 0; w < std::min<size_t>(n, 32); ++w)
    pool.emplace_back([&sh, &s, &o, n] {
      ProcessDeadline bound(sh.deadline); // a driver's program (VBoxManage) too
      for (size_t i; !sh.closed && (i = sh.next.fetch_add(1)) < n;)
        query_one(s, sh, i, o);
    });
  {
    std::unique_lock lk(sh.mu);
    sh.cv.wait_until(lk, sh.deadline, [&] { return sh.finished == n; });
    sh.closed = true;
  }
  for (auto &t : pool)
    t.join();
  std::vector<HostQuery> out = std::move(sh.results);
  for (size_t i = 0; i < n; ++i) {
    if (!sh.done[i]) {
      HostQuery t;
      t.name = out[i].name;
      t.driver_name = out[i].driver_name;
      t.rec = out[i].rec;
      t.state = State::Timeout;
      t.timed_out = true;
      out[i] = t;
    }
  }
  return out;
}
} // namespace

std::vector<HostQuery> query_hosts(Services &s, const std::vector<std::string> &names,
                                   const QueryOptions &o) {
  auto sh = std::make_unique<Shared>();
  size_t n = names.size();
  sh->results.resize(n);
  sh->done.assign(n, false);
  sh->machines.resize(n);
  sh->batch.resize(n);
  // Records are loaded up front so that drivers can batch; parsing a thousand of them is CPU work,
  // spread over the cores.
  auto loaded = load_machines(s, names);
  std::map<std::string, std::vector<size_t>> by_driver;
  for (size_t i = 0; i < n; ++i) {
    auto &q = sh->results[i];
    q.name = names[i];
    auto &m = loaded[i];
    if (!m) {
      q.driver_name = "not found";
      q.state = State::Error;
      q.error = m.error().message;
      std::replace(q.error.begin(), q.error.end(), '\n', ' ');
      continue;
    }
    q.rec = m->rec; // the machine keeps its own (its driver and TLS paths use it)
    q.driver_name = m->rec.driver_name;
    sh->machines[i] = std::move(*m);
    by_driver[q.driver_name].push_back(i);
  }
  if (o.want_state) {
    for (auto &[driver, idx] : by_driver) {
      if (idx.size() < 2) continue;
      std::vector<Driver *> ds;
      for (auto i : idx)
        ds.push_back(sh->machines[i].driver.get());
      auto states = ds[0]->batch_states(ds);
      if (!states || states->size() != idx.size()) continue;
      for (size_t k = 0; k < idx.size(); ++k)
        sh->batch[idx[k]] = std::move((*states)[k]);
    }
  }
  return collect(s, *sh, o);
}

} // namespace sc
