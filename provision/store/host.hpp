#pragma once
// The machine record (STORE/machines/NAME/config.json). The JSON shape is docker-machine's
// (ConfigVersion 3, same keys, so `inspect -f` templates written for docker-machine keep working)
// plus a "Swarmctl" object for what swarmctl adds. Paths under AuthOptions are recomputed from the
// store location on load, so a store directory can be moved or copied.
#include <nlohmann/json.hpp>
#include <optional>
#include <provision/util/kv_kind.hpp>
#include <provision/util/ports.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct EngineOptions {
  std::vector<std::string> arbitrary_flags; // --engine-opt: "k=v" -> --k=v
  std::vector<std::string> dns;
  std::string graph_dir;
  std::vector<std::string> env; // --engine-env K=V
  bool ipv6 = false;
  std::vector<std::string> insecure_registry;
  std::vector<std::string> labels; // --engine-label (provider=DRIVER added at render)
  std::string log_level;
  std::string storage_driver; // "" -> overlay2 at provision time
  bool selinux_enabled = false;
  bool tls_verify = true;
  std::vector<std::string> registry_mirror;
  std::string install_url = "https://get.docker.com";
  // swarmctl
  std::string install_method = "package"; // package | script | none
  std::string version;                    // pin, "" = distro/latest
  int port = k_engine_port;
};

struct SwarmOptions {
  bool is_swarm = false;
  std::string address; // --swarm-addr (docker-machine ignored it; we use it)
  std::string discovery;
  bool agent = false;
  bool master = false;
  std::string host = k_default_swarm_host;
  std::string image = "swarm:latest";
  std::string strategy = "spread";
  int heartbeat = 0;
  int overcommit = 0;
  std::vector<std::string> arbitrary_flags;
  std::vector<std::string> arbitrary_join_flags;
  std::vector<std::string> env; // null in JSON when empty (docker-machine)
  bool is_experimental = false;
  // swarmctl: swarm mode (docker swarm init/join) instead of classic containers
  bool mode = false;
  bool join_as_manager = false; // --swarm-manager
};

struct AuthOptions {
  // Computed from the store path on load (never trusted from disk).
  std::string cert_dir, ca_cert_path, ca_private_key_path, ca_cert_remote_path;
  std::string server_cert_path, server_key_path, client_key_path;
  std::string server_cert_remote_path, server_key_remote_path, client_cert_path;
  std::vector<std::string> server_cert_sans; // --tls-san (persisted)
  std::string store_path;                    // STORE/machines/NAME
  // The global --tls-ca-cert, --tls-ca-key, --tls-client-cert, --tls-client-key given at create
  // (absolute; persisted): they replace the store's certs/ files in the paths above.
  std::string tls_ca_cert, tls_ca_key, tls_client_cert, tls_client_key;
};

struct KvOptions {
  KvKind kind = KvKind::None; // "Kind": "" | consul | etcd | zookeeper
  std::string image;          // "" = default for kind
  int port = 0;               // 0 = default for kind
};

// How far a machine's create got ("Status" in the record's "Swarmctl" object, as these strings:
// creating, created, provisioning, provisioned, failed). Unknown: any other string in an older or
// foreign record; it matches no state and is written back as it was read.
enum class MachineStatus { Creating, Created, Provisioning, Provisioned, Failed, Unknown };
std::string_view status_name(MachineStatus s); // "creating"...; "" for Unknown
MachineStatus parse_status(std::string_view s);

struct HostRecord {
  int config_version = 3;
  std::string name;
  std::string driver_name;
  nlohmann::json driver = nlohmann::json::object(); // the driver's own to_json()
  EngineOptions engine;
  SwarmOptions swarm;
  AuthOptions auth;
  // swarmctl extras ("Swarmctl" object)
  int schema = 1;
  KvOptions kv;
  MachineStatus status = MachineStatus::Created;
  std::string unknown_status; // the text of an Unknown status, kept for the next save
  std::string failed_step;    // the step that failed, for `create` resume hints
  std::string cert_ip;        // IP the server certificate was issued for (auto-regenerate)
  std::string swarm_cluster;  // name of the `up` cluster that owns this machine, if any
  std::vector<std::string> preload_images; // image tarballs `docker load`ed after the engine is up
  // cluster-advertise was set by swarmctl (not given by the user): provisioning replaces the
  // driver's interface name with the one that holds the machine's cluster address on the host.
  // Unknown (nullopt) in records written before swarmctl recorded it: then a value equal to the
  // driver's own guess counts as automatic.
  std::optional<bool> auto_cluster_advertise;
};

// docker-machine's name rule: ^[a-zA-Z0-9][a-zA-Z0-9\-\.]*$
bool valid_machine_name(std::string_view name);

// JSON in docker-machine's shape and key order (4-space indent when dumped by the store).
nlohmann::ordered_json to_json(const HostRecord &h);
// Errc::parse with a clear message on a malformed document; a ConfigVersion newer than 3 is
// refused ("config version is from the future").
Result<HostRecord> host_from_json(const nlohmann::json &j);
// A record from the text of config.json: host_from_json after a JSON parse. Errc::parse, with
// the field's name for a field of the wrong type; nesting deeper than 64 is refused before
// parsing (the recursive code that copies and prints JSON would run out of stack).
Result<HostRecord> host_from_text(std::string_view text);
// Fills AuthOptions paths for machine `name` in store `store_path` (absolute).
void compute_auth_paths(HostRecord &h, const std::string &store_path);

} // namespace sc
