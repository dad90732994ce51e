#pragma once
// Help screens, `help TOPIC` and man pages read from the CLI11 tables the parser uses: names,
// defaults, environment variables and usage lines of every flag (a driver's flags are the
// options `create` registers from the driver's own flag table), and each command's description
// (its CLI11 footer). One source: what --help shows is what the parser accepts.
#include <CLI/CLI.hpp>
#include <cmd/help_render.hpp>
#include <provision/machine/machine.hpp>
#include <string>
#include <vector>

namespace sc {

// The group name under which `create` registers a driver's flags.
std::string driver_group(const std::string &driver);

// A command as help shows it. For `create`: the shared flags plus `driver`'s (none when empty),
// sorted by their help line as docker-machine sorts them; every driver's when `all_drivers`.
CommandDoc command_doc(const CLI::App &cmd, const std::string &driver = "",
                       bool all_drivers = false);
// The program as help shows it: global flags and the commands (alphabetical, `help` last).
AppDoc app_doc(const CLI::App &app, const Services &s);

// The driver `create` is about, docker-machine's way: `-d X`, `--driver X`, `-d=X` or
// `--driver=X` among `args`, then $MACHINE_DRIVER, then virtualbox.
std::string create_driver_from(const std::vector<std::string> &args);

// Prints the help of the command named by `path` ({"network", "create"}; empty = the program)
// on stdout and returns 0; an unknown command gets docker-machine's "is not a ... command"
// line on stderr and 1, an unknown driver for `create` the driver error and 1.
int print_help(const CLI::App &app, Services &s, const std::vector<std::string> &path,
               const std::string &driver);

// Writes PROGRAM.1 and PROGRAM-COMMAND.1 for every command into `dir` (created if missing).
Status write_man_pages(const CLI::App &app, const Services &s, const fs::path &dir);

// `help [TOPIC]` (a command or a driver) and `help --man DIR`. Registered last: it documents
// the commands registered before it.
void add_help(CLI::App &app, Services &s, int &rc);

} // namespace sc
