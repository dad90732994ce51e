#pragma once
// docker-machine's well-known ports, in the lowest layer so that every room (drivers, store,
// engine, cluster, cmd) names them from one place. The swarm manager of a given machine is found
// through swarm_port()/swarm_url() (provision/machine/connection.hpp), which read its --swarm-host.
#include <string>

namespace sc {

// The Docker engine's TLS port (dockerd -H tcp://0.0.0.0:2376), docker-machine's default.
inline constexpr int k_engine_port = 2376;
// The classic Swarm manager's port when --swarm-host does not name one.
inline constexpr int k_swarm_port = 3376;
// The default --swarm-host: the classic manager listens on every address at k_swarm_port.
inline const std::string k_default_swarm_host = "tcp://0.0.0.0:" + std::to_string(k_swarm_port);

} // namespace sc
