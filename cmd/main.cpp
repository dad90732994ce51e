#include <cmd/app.hpp>
#include <cstring>
#include <drivers/local/local.hpp>

int main(int argc, char **argv) {
  // The local driver re-executes swarmctl to become a host's init (see drivers/local).
  if (argc >= 2 && std::strcmp(argv[1], "__local-host-init") == 0)
    return sc::local::host_init_main(argc, argv);
  return sc::run_app(argc, argv);
}
