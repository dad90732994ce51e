#pragma once
// Everything a command needs, built once in main and passed to every command.
#include <drivers/driver.hpp>
#include <memory>
#include <provision/store/store.hpp>
#include <provision/util/ui.hpp>
#include <string>
#include <vector>

namespace sc {

struct GlobalOptions {
  std::string storage_path;
  bool debug = false;
  std::string tls_ca_cert, tls_ca_key, tls_client_cert, tls_client_key;
};

struct Services {
  GlobalOptions g;
  Ui ui;
  std::unique_ptr<Store> store;
  std::string program = "swarmctl";     // for messages
  std::string command_line;             // argv joined, for `env` usage hints
  std::vector<std::string> passthrough; // `ssh NAME [--] cmd...`: the remote command words
};

// A machine loaded from the store with its driver bound.
struct Machine {
  HostRecord rec;
  std::unique_ptr<Driver> driver;
};

DriverContext driver_context(const Services &s, const HostRecord &rec);
// Loads a machine and binds its driver. Missing: docker-machine's "does not exist" error.
Result<Machine> load_machine(Services &s, const std::string &name);
// Stores the driver state into the record and saves it atomically.
Status save_machine(Services &s, Machine &m);
// Where a machine's create stands. `unfinished`: its record says the create has not ended
// ("creating": the host is not ready; "provisioning"); `live`: the creating process still runs
// (it holds the store's creation lock); `error`: for one whose process died, where it stopped
// and the command that recovers (provision or rm -f).
struct CreateProgress {
  bool unfinished = false;
  bool live = false;
  std::string error;
};
CreateProgress create_progress(const Services &s, const HostRecord &rec);

// Resolves "no name given" to "default" like docker-machine.
Result<std::string> name_or_default(Services &s, const std::vector<std::string> &names);
Result<std::vector<std::string>> names_or_default(Services &s,
                                                  const std::vector<std::string> &names);

} // namespace sc
