#pragma once
// The key-value store container (Consul, etcd with the v2 API, ZooKeeper) on a host.
#include <provision/ssh/runner.hpp>
#include <provision/util/kv_kind.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct KvSpec {
  KvKind kind = KvKind::None;
  std::string image; // "" = kv_default_image(kind)
  int port = 0;      // 0 = kv_default_port(kind) (provision/util/kv_kind.hpp)
};

// The image swarmctl runs for the kind ("" for None).
std::string kv_default_image(KvKind kind);
// "consul://HOST:8500", "etcd://HOST:2379", "zk://HOST:2181" (port 0: the kind's own)
std::string kv_url(KvKind kind, const std::string &host, int port);
// The docker run arguments (after `docker run`) of the KV container, for tests and idempotency.
std::vector<std::string> kv_run_args(const KvSpec &spec, const std::string &host_ip);
// Runs (or keeps, when identical) the container swarmctl-kv with a restart policy and its port
// published, then waits until the store answers its health endpoint on the host (deadline 90 s).
// Errc::usage for KvKind::None.
Status run_kv(CommandRunner &r, const KvSpec &spec, const std::string &host_ip);
// The client URLs the members of the etcd at HOST:PORT advertise (GET /v2/members, asked from
// the host `r` runs on).
Result<std::vector<std::string>> etcd_client_urls(CommandRunner &r, const std::string &host,
                                                  int port);
// "" when one of `urls` is http://HOST:PORT, the address the cluster uses; otherwise a warning
// saying why the engines and the Swarm will lose the store and how to start etcd.
std::string etcd_advertise_problem(const std::vector<std::string> &urls, const std::string &host,
                                   int port);
// Leader and keys under the Docker prefix, as text.
Result<std::string> kv_status(CommandRunner &r, const KvSpec &spec);

// Helpers shared by the cluster steps.
// "docker" for root sessions, "sudo -n docker" otherwise.
std::string remote_docker(const CommandRunner &r);
// Runs a bash script on the host (sent on stdin, as root) and returns its stdout.
Result<std::string> run_script(CommandRunner &r, const std::string &what, const std::string &script,
                               std::chrono::milliseconds timeout = std::chrono::minutes(3));
// A bash snippet that (re)creates container NAME from `run_args` unless a container of that name
// already runs with the same arguments (compared through a hash label).
std::string ensure_container_snippet(const std::string &docker, const std::string &name,
                                     const std::vector<std::string> &run_args);

} // namespace sc
