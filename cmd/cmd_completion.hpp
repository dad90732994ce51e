#pragma once
// `swarmctl completion bash|zsh|fish`: completion scripts built from the parser's own tables.
#include <CLI/CLI.hpp>
#include <cmd/format/completion.hpp>
#include <provision/machine/machine.hpp>

namespace sc {
// The commands, flags (driver flags by driver) and value kinds of the fully built `root` app.
CompletionModel completion_model(CLI::App &root);
// Registers `completion SHELL` on `app` (which must hold every command, `create` included).
void add_completion(CLI::App &app, Services &s, int &rc);
} // namespace sc
