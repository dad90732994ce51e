#pragma once
// Docker CLI contexts for machines, written in the Docker CLI's own store format (what
// `docker context create --docker host=...,ca=...,cert=...,key=...` writes), without running
// docker:
//   CONFIG/contexts/meta/<sha256(name)>/meta.json
//     {"Name":..., "Metadata":{"Description":..., "SwarmctlMachine":..., "SwarmctlStore":...},
//      "Endpoints":{"docker":{"Host":"tcp://IP:2376","SkipTLSVerify":false}}}
//   CONFIG/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem
// CONFIG is $DOCKER_CONFIG, else ~/.docker. The Swarmctl* metadata marks a context as made by
// swarmctl for one machine of one store: only such a context is ever overwritten or removed.
#include <filesystem>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {
namespace fs = std::filesystem;

struct DockerContextSpec {
  std::string name;          // context name
  std::string host;          // tcp://IP:PORT
  std::string machine;       // machine name
  fs::path store;            // absolute store path
  std::string ca, cert, key; // PEM contents
};

// $DOCKER_CONFIG, else $HOME/.docker.
Result<fs::path> docker_config_dir();
// Creates or updates the context. A context of that name not made by swarmctl for this machine
// and store is left alone: Errc::already_exists with one line saying so.
Status write_docker_context(const fs::path &config_dir, const DockerContextSpec &spec);
// Removes every context swarmctl made for `machine` of `store`; returns their names. The Docker
// CLI's current context (config.json "currentContext") is reset when it was one of them.
Result<std::vector<std::string>> remove_docker_contexts(const fs::path &config_dir,
                                                        const std::string &machine,
                                                        const fs::path &store);

} // namespace sc
