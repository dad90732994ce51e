#include <cmd/cluster_up.hpp>
#include <cmd/cmd_context.hpp>
#include <cmd/commands.hpp>
#include <fmt/format.h>
#include <future>
#include <optional>
#include <provision/machine/cluster_file.hpp>
#include <provision/machine/cluster_role.hpp>
#include <provision/machine/create_flow.hpp>
#include <provision/machine/remove_flow.hpp>

namespace sc {

namespace {

// Removes the machines of the file that exist in the reverse of up_order's tiers: the nodes
// together, then the master, the KV machine last. Results are reported in file order.
int run_down(Services &s, const std::string &file, bool quiet) {
  auto f = load_cluster_file(file);
  if (!f) return report(s, f.error());
  const ClusterMachine *kv = f->kv();
  const ClusterMachine *master = f->master();
  auto tier = [&](const ClusterMachine &cm) {
    if (kv && cm.name == kv->name) return 2;
    return master && cm.name == master->name ? 1 : 0;
  };
  std::vector<std::optional<Status>> results(f->machines.size());
  for (int t = 0; t <= 2; ++t) {
    std::vector<std::future<void>> jobs;
    for (size_t i = 0; i < f->machines.size(); ++i) {
      const auto &cm = f->machines[i];
      if (tier(cm) != t || !s.store->exists(cm.name)) continue;
      jobs.push_back(std::async(std::launch::async, [&s, &results, i, name = cm.name] {
        auto st = remove_machine(s, name, false, nullptr);
        if (st) remove_machine_contexts(s, name);
        results[i] = st;
      }));
    }
    for (auto &j : jobs)
      j.get();
  }
  int rc = 0;
  for (size_t i = 0; i < f->machines.size(); ++i) {
    if (!results[i]) continue;
    const auto &name = f->machines[i].name;
    if (*results[i]) {
      if (!quiet) s.ui.info("Successfully removed " + name);
    } else {
      rc = report(s, results[i]->error().context(fmt::format("Error removing host \"{}\"", name)));
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
