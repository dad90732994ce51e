#include <unistd.h>

#include <cmd/commands.hpp>
#include <cmd/format/config_format.hpp>
#include <cmd/format/env_format.hpp>
#include <fmt/format.h>
#include <provision/machine/connection.hpp>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/net.hpp>
#include <provision/util/ports.hpp>

namespace sc {

namespace {
struct EnvOptions {
  std::vector<std::string> names;
  bool swarm = false, unset = false, no_proxy = false;
  std::string shell;
};

int run_env(Services &s, const EnvOptions &o) {
  Shell shell;
  if (!o.shell.empty()) {
    shell = parse_shell(o.shell);
  } else {
    auto d = detect_shell(getppid());
    if (!d) return report(s, d.error());
    shell = *d;
  }
  std::vector<std::pair<std::string, std::string>> vars;
  std::string ip;
  if (o.unset) {
    if (!o.names.empty())
      return report(
          s, Error{Errc::usage, "Error: Expected no machine name when the -u flag is present"});
    vars = {{"DOCKER_TLS_VERIFY", ""},
            {"DOCKER_HOST", ""},
            {"DOCKER_CERT_PATH", ""},
            {"DOCKER_MACHINE_NAME", ""}};
  } else {
    if (o.names.size() > 1)
      return report(s, Error{Errc::usage, "Error: Expected one machine name as an argument"});
    auto name = name_or_default(s, o.names);
    if (!name) return report(s, name.error());
    auto m = load_machine(s, *name);
    if (!m) return report(s, m.error());
    auto url = checked_url(s, *m, o.swarm);
    if (!url) return report(s, url.error().context("Error checking TLS connection"));
    // NO_PROXY gets the driver's IP, as docker-machine's GetIP() gives it (the none driver's
    // includes the port).
    auto dip = m->driver->ip();
    auto hp = parse_host_port(*url, k_engine_port);
    ip = dip ? *dip : (hp ? hp->host : "");
    vars = {{"DOCKER_TLS_VERIFY", "1"},
            {"DOCKER_HOST", *url},
            {"DOCKER_CERT_PATH", s.store->machine_dir(*name).string()},
            {"DOCKER_MACHINE_NAME", *name}};
  }
  if (o.no_proxy) {
    auto np = no_proxy_var(std::getenv("no_proxy"), std::getenv("NO_PROXY"), ip, o.unset);
    if (np) vars.push_back(*np);
  }
  auto text = render_env(shell, vars, o.unset, s.command_line);
  if (!text) return report(s, text.error());
  s.ui.raw_out(*text);
  return 0;
}
} // namespace

void add_env(CLI::App &app, Services &s, int &rc) {
  auto o = std::make_shared<EnvOptions>();
  auto *env = add_machine_command(
      app, "env", "Display the commands to set up the environment for the Docker client", o->names,
      false);
  env->add_flag("--swarm", o->swarm, "Display the Swarm config instead of the Docker daemon");
  env->add_option("--shell", o->shell,
                  "Force environment to be configured for a specified shell: [fish, cmd, "
                  "powershell, tcsh, emacs, bash, sh, zsh], default is auto-detect");
  env->add_flag("-u,--unset", o->unset, "Unset variables instead of setting them");
  env->add_flag("--no-proxy", o->no_proxy, "Add machine IP to NO_PROXY environment variable");
  env->callback([o, &s, &rc] { rc = run_env(s, *o); });

  auto names = std::make_shared<std::vector<std::string>>();
  auto swarm = std::make_shared<bool>(false);
  auto *cfg =
      add_machine_command(app, "config", "Print the connection config for machine", *names, false);
  cfg->add_flag("--swarm", *swarm, "Display the Swarm config instead of the Docker daemon");
  cfg->callback([names, swarm, &s, &rc] {
    one_machine(s, rc, *names, [&](Machine &m) -> Status {
      auto url = checked_url(s, m, *swarm);
      if (!url) return fail(url.error().context("Error running connection boilerplate"));
      auto dir = s.store->machine_dir(m.rec.name);
      s.ui.raw_out(render_config((dir / "ca.pem").string(), (dir / "cert.pem").string(),
                                 (dir / "key.pem").string(), *url));
      return ok();
    });
  });
}

} // namespace sc
