#pragma once
namespace sc {
// Parses the command line, runs the command, returns the process exit code.
int run_app(int argc, char **argv);
} // namespace sc
