#include <cmd/cmd_context.hpp>
#include <cmd/commands.hpp>
#include <fmt/format.h>
#include <provision/machine/connection.hpp>
#include <provision/machine/docker_context.hpp>
#include <provision/util/fs.hpp>

namespace sc {

namespace {

struct ContextOptions {
  std::string machine, name;
  bool swarm = false;
};

Status make_context(Services &s, const ContextOptions &o) {
  auto m = load_machine(s, o.machine);
  if (!m) return fail(m.error());
  auto url = checked_url(s, *m, o.swarm);
  if (!url) return fail(url.error().context("Error checking TLS connection"));
  auto cfg = docker_config_dir();
  if (!cfg) return fail(cfg.error());
  DockerContextSpec spec;
  spec.name = o.name.empty() ? o.machine : o.name;
  spec.host = *url;
  spec.machine = o.machine;
  spec.store = s.store->root();
  auto dir = s.store->machine_dir(o.machine);
  for (auto [file, dst] :
       {std::pair{"ca.pem", &spec.ca}, {"cert.pem", &spec.cert}, {"key.pem", &spec.key}}) {
    auto data = read_file(dir / file);
    if (!data) return fail(data.error().context("docker context"));
    *dst = std::move(*data);
  }
  SC_TRY(write_docker_context(*cfg, spec));
  s.ui.info(fmt::format("Docker context \"{}\" points at {}{}. Use it with: docker --context {} "
                        "... (or: docker context use {})",
                        spec.name, *url, o.swarm ? " (swarm manager)" : "", spec.name, spec.name));
  return ok();
}

} // namespace

void add_context(CLI::App &app, Services &s, int &rc) {
  auto o = std::make_shared<ContextOptions>();
  auto *c = app.add_subcommand(
      "context", "Create or update a Docker CLI context for a machine (docker --context NAME)");
  c->add_option("name", o->machine, "Machine name")->required();
  c->add_flag("--swarm", o->swarm, "Point the context at the swarm manager instead of the engine");
  c->add_option("--name", o->name, "Context name (default: the machine's name)");
  c->callback([o, &s, &rc] { rc = report_status(s, make_context(s, *o)); });
}

void remove_machine_contexts(Services &s, const std::string &name) {
  auto cfg = docker_config_dir();
  if (!cfg) return; // no HOME, no DOCKER_CONFIG: no context can have been written
  auto removed = remove_docker_contexts(*cfg, name, s.store->root());
  if (!removed) {
    s.ui.warn(fmt::format("{}: docker context not removed: {}", name, removed.error().message));
    return;
  }
  for (const auto &ctx : *removed)
    s.ui.debug(fmt::format("removed docker context {}", ctx));
}

} // namespace sc
