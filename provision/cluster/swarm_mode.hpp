#pragma once
// Swarm mode (docker swarm init/join). Join tokens are secrets: they travel inside scripts sent
// on stdin and are never put in messages or logs.
#include <provision/ssh/runner.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct SwarmTokens {
  std::string worker, manager;
};
struct NodeInfo {
  std::string hostname, status, availability, manager_status;
};

// Initialises the swarm (no-op on an existing manager) and returns the join tokens.
Result<SwarmTokens> swarm_init(CommandRunner &r, const std::string &advertise_ip);
// Joins (no-op when the node is already part of a swarm).
Status swarm_join(CommandRunner &r, const std::string &token, const std::string &manager_addr,
                  const std::string &advertise_ip);
Result<std::vector<NodeInfo>> swarm_nodes(CommandRunner &manager);

} // namespace sc
