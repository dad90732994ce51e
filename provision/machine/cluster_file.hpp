#pragma once
// The cluster file of `swarmctl up -f cluster.yml` (yaml-cpp). Errors carry line and column.
//
//   cluster: seed                      # name; machines are labelled swarmctl.cluster=seed
//   driver: virtualbox                 # default driver for every machine
//   driver_options: {virtualbox-memory: 512}   # flag names without dashes
//   engine: {install_method: package, version: "20.10", opts: [...], labels: [...], env: [...],
//            insecure_registries: [...], registry_mirrors: [...], storage_driver: overlay2}
//   kv: {name: consul, kind: consul, image: ..., port: 8500}     # optional
//   swarm: {mode: classic|swarm-mode, master: master, image: swarm:latest, strategy: spread}
//   nodes: {prefix: node, count: 3}    # or a list of names: [node0, node1]
//   machines:                          # optional per-machine overrides (driver, options, engine)
//     node2: {driver: amazonec2, driver_options: {...}, engine: {labels: [...]}}
//   images: [/path/busybox.tar]         # `docker load`ed into every engine; $VARS expanded,
//                                      # relative paths are relative to the file
//   networks: [{name: server-overlay-network, driver: overlay, attachable: true,
//   subnet: 10.0.9.0/24}]
#include <cstddef>
#include <map>
#include <provision/util/kv_kind.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct ClusterEngine {
  std::string install_method, version, storage_driver;
  std::vector<std::string> opts, labels, env, insecure_registries, registry_mirrors;
};

struct ClusterMachine {
  std::string name;
  std::string role; // kv | master | node
  std::string driver;
  std::map<std::string, std::vector<std::string>> driver_options;
  ClusterEngine engine;
};

struct ClusterNetwork {
  std::string name, driver = "overlay", subnet;
  bool attachable = true;
};

// The cluster's kind of Swarm, `swarm.mode` in the file: "classic" (manager and agent
// containers over a KV store) or "swarm-mode" (docker swarm init/join).
enum class SwarmKind { Classic, SwarmMode };

struct ClusterFile {
  std::string name;
  SwarmKind swarm_mode = SwarmKind::Classic;
  std::string swarm_image, swarm_strategy = "spread";
  KvKind kv_kind = KvKind::None; // None: no kv section
  std::string kv_image;
  int kv_port = 0;
  std::vector<ClusterMachine> machines; // kv first, then masters, then nodes
  std::vector<ClusterNetwork> networks;
  std::vector<std::string> images; // tarballs loaded into every engine (air-gapped hosts)
  const ClusterMachine *kv() const;
  const ClusterMachine *master() const;
};

// A cluster file is a page of YAML: one larger than this is refused unread.
inline constexpr std::size_t k_max_cluster_file = 1 << 20;

// Parses and validates; errors look like "cluster.yml:12:5: unknown key 'nodez'": file, line,
// column, the key and what it must be. Duplicate keys, unknown drivers and driver options that
// are not flags of their driver are refused with their position.
Result<ClusterFile> load_cluster_file(const std::string &path);
Result<ClusterFile> parse_cluster_yaml(const std::string &text, const std::string &source_name);

// The image archives of the file that a machine of this role loads: an archive holding only the
// KV store's image goes to the KV host only, one holding only the classic Swarm image to swarm
// machines only, any other to every machine.
std::vector<std::string> images_for_role(const ClusterFile &f, const std::string &role);

} // namespace sc
