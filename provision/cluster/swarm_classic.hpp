#pragma once
// Classic (2016) Swarm: the swarm-agent-master (manage) and swarm-agent (join) containers.
#include <provision/ssh/runner.hpp>
#include <provision/util/ports.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct ClassicSwarmSpec {
  bool master = false, agent = true, experimental = false;
  std::string discovery, image = "swarm:latest", strategy = "spread", host = k_default_swarm_host;
  std::string advertise_ip;
  int engine_port = k_engine_port;
  std::vector<std::string> manage_flags, join_flags, env;
};

// `docker run` arguments of the manager and the agent (docker-machine §5.1, but advertising the
// --swarm-host port instead of a hard-coded 3376, and --swarm-addr when given).
std::vector<std::string> swarm_manager_args(const ClassicSwarmSpec &s);
std::vector<std::string> swarm_agent_args(const ClassicSwarmSpec &s);
// Creates or replaces the containers (no-op when they already run with the same arguments).
Status configure_classic_swarm(CommandRunner &r, const ClassicSwarmSpec &s);
// Docker >= 23 removed --cluster-store: classic swarm cannot work there.
Status check_engine_supports_cluster_store(const std::string &docker_version);

} // namespace sc
