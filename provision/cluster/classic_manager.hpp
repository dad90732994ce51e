#pragma once
// What a classic Swarm manager (swarm 1.x `manage`) says about its nodes, and the containers
// that keep a classic overlay network's sandbox alive on every engine.
#include <chrono>
#include <provision/ssh/runner.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

// One engine as the manager lists it in GET /info ("SystemStatus": [" node0", "IP:2376"],
// ["  └ Status", "Healthy"], ...). Status is Pending, Healthy, Unhealthy or Disconnected; a node
// not refreshed yet has the name "(unknown)".
struct ClassicNode {
  std::string name, addr, status;
};

// Parses the body of the manager's GET /info. A body without SystemStatus (an engine, not a
// manager) is an Errc::parse error.
Result<std::vector<ClassicNode>> parse_manager_nodes(const std::string &info_json);

// "" when every name in `expected` is listed Healthy; otherwise what is missing, e.g.
// "node1 is Pending, node2 is not listed".
std::string nodes_not_healthy(const std::vector<ClassicNode> &nodes,
                              const std::vector<std::string> &expected);

// Docker 20.10's classic overlay driver leaves one of dockerd's OS threads in a network's sandbox
// namespace when the last container of that network leaves the host (the neighbour-miss watcher
// unlocks its thread without restoring the namespace). Any later request scheduled on that
// thread fails with "connect: network is unreachable": cluster-store writes fail, `docker run`
// fails and can leave a stale endpoint. A container that stays attached to the network on every
// engine keeps the sandbox, so the thread is never leaked: the network keeper.
//
// The keeper's container name: unique per machine, since endpoint names are cluster-wide.
std::string network_keeper_name(const std::string &network, const std::string &machine);
// `docker run` arguments: the classic Swarm image (present on every swarm machine; `docker ps`
// through the manager hides swarm-image containers) running an idle manager on a unix socket
// inside the container, with no nodes.
std::vector<std::string> network_keeper_args(const std::string &network,
                                             const std::string &swarm_image);
// Starts (or keeps) the keeper of `network` on this engine. Retries until `timeout` while the
// network has not reached the engine through the cluster store, and clears a stale endpoint of
// the keeper's name (a failed earlier join) with `docker network disconnect -f`. Succeeds once a
// container runs attached to the network: the proof that containers can join it here.
Status ensure_network_keeper(CommandRunner &r, const std::string &network,
                             const std::string &machine, const std::string &swarm_image,
                             std::chrono::seconds timeout);

} // namespace sc
