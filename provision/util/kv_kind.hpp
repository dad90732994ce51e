#pragma once
// The key-value store a machine runs for a classic Swarm (create's --kv, a cluster file's
// kv.kind, a record's Swarmctl.KV.Kind): one enum and one table (name, URL scheme, port) in the
// lowest layer, so that the store, the cluster steps and the CLI spell each kind one way.
#include <provision/util/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sc {

// None: the machine runs no store (a record's Kind "").
enum class KvKind { None, Consul, Etcd, Zookeeper };

// "consul", "etcd", "zookeeper"; "" for None (as records write it).
std::string_view kv_kind_name(KvKind k);
// A kind from its name: "" is None; any other text fails with one line (Errc::usage):
// "unknown key-value store NAME".
Result<KvKind> parse_kv_kind(std::string_view name);
// Every kind's name, in the order help and messages list them: consul, etcd, zookeeper.
const std::vector<std::string> &kv_kind_names();
// The scheme of the store's discovery URL: consul, etcd, zk ("" for None).
std::string_view kv_scheme(KvKind k);
// The kind a discovery URL's scheme names; None for other schemes (token, nodes, file...).
KvKind kv_kind_of_scheme(std::string_view scheme);
// The store's own client port: consul 8500, etcd 2379, zookeeper 2181 (0 for None).
int kv_default_port(KvKind k);

} // namespace sc
