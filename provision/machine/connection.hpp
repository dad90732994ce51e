#pragma once
// Where a client connects to a machine: its engine, or its swarm manager (`--swarm`). One place
// for the swarm endpoint, used by env/config, ls's ACTIVE column, docker contexts and the
// drivers' firewall role.
#include <provision/machine/machine.hpp>
#include <string>

namespace sc {

// The classic Swarm manager's port: the port of --swarm-host (default tcp://0.0.0.0:3376).
int swarm_port(const HostRecord &rec);
// The manager endpoint for `--swarm`: classic Swarm listens on the engine's host at
// swarm_port(); in swarm mode the manager is the master's engine itself.
Result<std::string> swarm_url(const HostRecord &rec, const std::string &engine_url);
// docker-machine's connection check (libmachine/check): the URL to use (engine, or the swarm
// manager with `swarm`) after a TLS handshake with the machine's certs succeeded; the server
// certificate is regenerated first when the machine's IP changed.
Result<std::string> checked_url(Services &s, Machine &m, bool swarm);

} // namespace sc
