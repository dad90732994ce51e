#include <cmd/app.hpp>
#include <cstdio>
#include <cstring>
#include <drivers/local/local.hpp>
#include <exception>
#include <provision/util/sigpipe.hpp>

int main(int argc, char **argv) {
  // Product code returns errors instead of throwing and catches library exceptions where it
  // calls the library. This is the safety net for one that was missed: one line and exit 1
  // instead of std::terminate's abort (exit 134).
  try {
    // The local driver re-executes swarmctl to become a host's init (see drivers/local).
    if (argc >= 2 && std::strcmp(argv[1], "__local-host-init") == 0)
      return sc::local::host_init_main(argc, argv);
    // SIGPIPE policy (provision/util/sigpipe.hpp): write errors on sockets and pipes are
    // errors; a closed stdout ends the command quietly, as docker-machine's does.
    sc::ignore_sigpipe();
    return sc::run_app(argc, argv);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "swarmctl: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "swarmctl: internal error: unknown exception\n");
  }
  return 1;
}
