#pragma once
// The driver interface: how swarmctl creates, starts, stops and finds a host. A provisioner never
// sees a driver; it gets a CommandRunner connected to ssh_endpoint().
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <provision/util/ports.hpp>
#include <provision/util/result.hpp>
#include <provision/util/ui.hpp>
#include <string>
#include <vector>

namespace sc {
namespace fs = std::filesystem;

// Creating: the machine's create is still running in another swarmctl process (not a driver's).
enum class State {
  None,
  Running,
  Paused,
  Saved,
  Stopped,
  Stopping,
  Starting,
  Error,
  Timeout,
  Creating
};
// "Running", "Stopped", ...; None is "".
std::string_view state_name(State s);
// Case-insensitive inverse of state_name.
std::optional<State> parse_state(std::string_view s);

struct SshEndpoint {
  std::string host;
  int port = 22;
  std::string user = "root";
  fs::path key_path; // private key (OpenSSH or PEM), 0600
};

// How the host starts services; Auto = let the provisioner look at PID 1.
enum class InitStyle { Auto, Systemd, Sysvinit };

// A create flag, declared as data so that the CLI, `create --help`, environment variables and
// the cluster YAML file (driver options as a map) all use the same list.
struct FlagSpec {
  enum class Kind { String, Int, Bool, List };
  std::string name; // without dashes: "virtualbox-memory"
  Kind kind = Kind::String;
  std::string def; // default as text ("" = none); for Bool "true"/"false"
  std::string env; // environment variable consulted when the flag is absent ("" = none)
  std::string help;
};

// Values of a driver's flags after parsing: flag > environment > default.
class FlagValues {
public:
  void set(const std::string &name, std::vector<std::string> values) {
    m_values[name] = std::move(values);
  }
  bool has(const std::string &name) const { return m_values.count(name) > 0; }
  std::string str(const std::string &name, const std::string &def = "") const;
  Result<long long> integer(const std::string &name, long long def = 0) const;
  bool boolean(const std::string &name, bool def = false) const;
  std::vector<std::string> list(const std::string &name) const;
  const std::map<std::string, std::vector<std::string>> &all() const { return m_values; }

private:
  std::map<std::string, std::vector<std::string>> m_values;
};

// What the machine will be used for: drivers that manage firewalls (EC2) open only what it needs.
struct MachineRole {
  int engine_port = k_engine_port;
  bool swarm_master = false; // classic swarm manager
  int swarm_port = k_swarm_port;
  bool swarm_agent = false;
  bool swarm_mode = false; // docker swarm init/join: 2377/tcp, 7946/tcp+udp, 4789/udp
  int kv_port = 0;         // key-value store published port, 0 = none
};

// Where the machine sits in a cluster's network, as the driver knows it before asking the host.
struct ClusterNetworking {
  // The interface of the cluster-advertise swarmctl sets ("eth0"; VirtualBox: eth1, EC2 Nitro
  // types: ens5). Provisioning looks for the interface holding cluster_address() and corrects
  // this guess when it differs, unless interface_given.
  std::string interface = "eth0";
  // The user named the interface (a driver flag): provisioning does not correct it.
  bool interface_given = false;
  // Drivers that assume the guest's address rather than read it (VirtualBox: the fixed DHCP
  // lease) name the network it lives in ("192.168.99.1/24"); after every boot the guest is asked
  // over SSH which address it has there, and adopt_ip() records a different one (the server
  // certificate is then regenerated). "" for the others.
  std::string assumed_ip_network;
};

struct DriverContext {
  std::string machine_name;
  fs::path store_path;  // STORE
  fs::path machine_dir; // STORE/machines/NAME (exists, 0700)
  Ui *ui = nullptr;
  MachineRole role;
};

class Driver {
public:
  virtual ~Driver() = default;
  virtual std::string driver_name() const = 0;
  virtual std::vector<FlagSpec> create_flags() const = 0;
  // Reads and validates flag values for a new machine. Errc::usage for bad values.
  virtual Status configure(const DriverContext &ctx, const FlagValues &flags) = 0;
  // Attaches a machine loaded from the store (after from_json) to its context.
  virtual void bind(const DriverContext &ctx) = 0;

  // Exit 3 on failure: return Errc::precreate with one clear line.
  virtual Status pre_create_check() = 0;
  // Creates the host. A failure leaves whatever was made in place and does NOT roll back: the
  // create flow (provision/machine/create_flow.cpp) is the one place that undoes a failed create,
  // by calling remove() on this same driver object and dropping the record. So every resource
  // must be findable by remove() from the moment it exists.
  virtual Status create() = 0;
  // Removes what the driver created; a machine that is already gone, or only partly created (a
  // failed create()), is success.
  virtual Status remove() = 0;
  virtual Status start();
  virtual Status stop();
  virtual Status restart();
  virtual Status kill();
  virtual Result<State> state() = 0;
  // Address used for the engine URL and certificates (cached in the record where possible).
  virtual Result<std::string> ip() = 0;
  // tcp://IP:PORT of the Docker engine.
  virtual Result<std::string> url();
  virtual Result<SshEndpoint> ssh_endpoint() = 0;

  virtual bool provisionable() const { return true; } // none driver: false
  virtual InitStyle init_style() const { return InitStyle::Auto; }
  virtual ClusterNetworking network() const { return {}; }
  // The address other machines reach this one at, as configured on the host (EC2: the private
  // one; the public address is NAT'ed). Fallible like ip(), which it may refresh.
  virtual Result<std::string> cluster_address() { return ip(); }
  // Records the address the guest reported in network().assumed_ip_network.
  virtual Status adopt_ip(const std::string &ip);
  virtual int engine_port() const { return k_engine_port; }
  // For drivers that can answer for many machines in one call (one DescribeInstances, one
  // `VBoxManage list runningvms`): states of `others` (all of this driver), in order. Default:
  // nullopt, meaning "ask each machine".
  virtual std::optional<std::vector<Result<State>>>
  batch_states(const std::vector<Driver *> &others) {
    return std::nullopt;
  }

  virtual nlohmann::json to_json() const = 0;
  virtual Status from_json(const nlohmann::json &j) = 0;
};

// Default error for unsupported operations: "<driver> driver does not support <op>".
Status unsupported_op(const Driver &d, std::string_view op);

} // namespace sc
