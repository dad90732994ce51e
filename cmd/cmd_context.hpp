#pragma once
// `swarmctl context [--swarm] [--name CTX] NAME`: a Docker CLI context for a machine (see
// provision/machine/docker_context.hpp), the modern alternative to `eval $(swarmctl env NAME)`.
#include <CLI/CLI.hpp>
#include <provision/machine/machine.hpp>

namespace sc {
void add_context(CLI::App &app, Services &s, int &rc);
// Removes the Docker contexts swarmctl made for machine `name` (rm, down); a failure is a
// warning: the machine itself is gone.
void remove_machine_contexts(Services &s, const std::string &name);
} // namespace sc
