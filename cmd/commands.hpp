#pragma once
// One add_<group> per command file: registers subcommands on the CLI11 app. Each callback stores
// the command's exit code in `rc` (docker-machine's: 0 ok, 1 any error, 3 pre-create check failed).
#include <CLI/CLI.hpp>
#include <provision/machine/machine.hpp>

namespace sc {
void add_create(CLI::App &app, Services &s, int &rc);
void add_ls(CLI::App &app, Services &s, int &rc);   // ls, active
void add_env(CLI::App &app, Services &s, int &rc);  // env, config
void add_info(CLI::App &app, Services &s, int &rc); // inspect, ip, url, status, version
void add_actions(CLI::App &app, Services &s,
                 int &rc); // start stop restart kill rm provision regenerate-certs upgrade
void add_ssh(CLI::App &app, Services &s, int &rc);     // ssh, scp
void add_cluster(CLI::App &app, Services &s, int &rc); // kv, network, up, down

// Prints the error (one line, or docker-machine's multi-line text) and returns its exit code.
int report(Services &s, const Error &e);
int report_status(Services &s, const Status &st);

// Adds subcommand `name` whose arguments are machine names, bound to `names`; its footer says how
// many, as docker-machine's do ("Argument is a machine name." or "Argument(s) are one or more
// machine names."), then `more` (a sentence of its own, with its leading space).
CLI::App *add_machine_command(CLI::App &app, const std::string &name, const std::string &help,
                              std::vector<std::string> &names, bool several,
                              const std::string &more = "");

// Runs fn for one machine (the name given, or "default"); reports what fails (rc 0 or 1).
template <class F>
void one_machine(Services &s, int &rc, const std::vector<std::string> &names, F fn) {
  auto name = name_or_default(s, names);
  if (!name) {
    rc = report(s, name.error());
    return;
  }
  auto m = load_machine(s, *name);
  if (!m) {
    rc = report(s, m.error());
    return;
  }
  rc = report_status(s, fn(*m));
}
} // namespace sc
