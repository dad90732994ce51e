#pragma once
// The cluster part of provisioning: KV store container, classic swarm containers, swarm mode
// init/join; and the checks that must pass before anything on the host is changed.
#include <provision/machine/cluster_file.hpp>
#include <provision/machine/engine_bridge.hpp>
#include <provision/machine/provision_flow.hpp>

namespace sc {

// Fails before the host is changed when its role cannot work (classic swarm on Docker >= 23).
Status check_role_prerequisites(Services &s, Machine &m, const HostFacts &facts);
// Runs the KV store, the classic swarm containers or swarm mode init/join (idempotent).
Status configure_cluster_role(Services &s, Machine &m, CommandRunner &r, const ProvisionOptions &o);
// The swarm-mode manager to join: a machine name from the store (initialises the swarm on it
// when needed), or "" for the one swarm-mode master in the store.
Result<SwarmJoinTarget> swarm_manager_from_store(Services &s, const std::string &name);
// Creates an overlay network on a manager machine (idempotent).
Status ensure_cluster_network(Services &s, Machine &master, const ClusterNetwork &net);
// Classic swarm: the machines whose agents share `master`'s discovery URL (master included).
std::vector<std::string> classic_members(Services &s, const HostRecord &master);
// Classic swarm: runs the network's keeper (provision/cluster/classic_manager.hpp) on every
// machine of `machines` at once; returns once a container is attached to the network on each.
Status keep_classic_network(Services &s, const std::vector<std::string> &machines,
                            const std::string &network);
// Classic swarm: polls the manager on `master` (GET /info on its --swarm-host port, TLS) until it
// lists every machine of `names` as Healthy.
Status wait_for_classic_nodes(Services &s, Machine &master, const std::vector<std::string> &names,
                              std::chrono::milliseconds timeout);
// `up`, once every machine of the file is up: the file's networks, each classic overlay with
// its keeper on every swarm machine (so `up` returns once a container can join it on every
// engine), then in classic mode the manager's view: every swarm machine listed Healthy.
Status finish_cluster_up(Services &s, const ClusterFile &f, bool quiet);
// `swarmctl kv status [NAME]`: leader and keys under the Docker prefix.
Status print_kv_status(Services &s, const std::vector<std::string> &names);
// `swarmctl network create`: on `machine`, or the swarm master found in the store.
Status create_network_cmd(Services &s, const std::string &machine, const ClusterNetwork &net);
// "consul://HOST:8500", "etcd://HOST:2379", "zk://HOST:2181" (port 0: the kind's own)
std::string kv_discovery_url(KvKind kind, const std::string &host, int port);

} // namespace sc
