#pragma once
// Internals of the local driver: a host is a network namespace on a bridge swarmctl owns, an
// overlay root filesystem (lower = `/` or --local-rootfs, upper private on a tmpfs), and its own
// mount/UTS/IPC/PID namespaces whose PID 1 is swarmctl's tiny init running sshd and
// /etc/swarmctl/boot.d/* services.
#include <filesystem>
#include <provision/util/fs.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace sc::local {
namespace fs = std::filesystem;

inline const fs::path k_runtime = "/run/swarmctl";

struct HostSpec {
  std::string name;    // hostname
  std::string id;      // short unique id (hash of the machine dir)
  fs::path lower;      // root filesystem, "/" by default
  fs::path runtime;    // k_runtime/hosts/<id>: upper, work, root
  fs::path docker_dir; // bound on /var/lib/docker
  fs::path console;    // log of the host's init
  fs::path netns_file; // k_runtime/netns/<id>
};

struct Net {
  std::string bridge;  // swarmctl0
  std::string gateway; // 192.168.99.1
  int prefix = 24;
  std::string network; // 192.168.99.0
};

// Parses "192.168.99.1/24" (a host address, not the network address).
Result<Net> parse_cidr(const std::string &bridge, const std::string &cidr);
// Serialises bridge/NAT/lease changes of all swarmctl processes.
// Held until the lock goes out of scope (every return path).
Result<FileLock> lock_net();
// Mounts the runtime tmpfs when needed.
Status ensure_runtime();
// Bridge with the gateway address, ip_forward, NAT + FORWARD rules (idempotent).
Status ensure_bridge(const Net &n);
// Removes NAT/FORWARD rules and the bridge when no lease remains on it; unmounts the runtime
// tmpfs when no host remains at all.
Status cleanup_bridge_if_unused(const Net &n);
// A free address (or `wanted` when free), leased to `owner` (the machine dir) with O_EXCL.
Result<std::string> lease_ip(const Net &n, const std::string &wanted, const std::string &owner);
void release_ip(const Net &n, const std::string &ip);
// Removes every lease on the bridge held by `owner` (also one taken by a create that died before
// it recorded its address).
void release_leases_of(const Net &n, const std::string &owner);
// Another interface of the machine already has an address in the network.
Status check_cidr_free(const Net &n);
// netns file + veth pair: eth0 (ip/prefix, default route) inside, the peer on the bridge.
Status create_netns(const HostSpec &h, const Net &n, const std::string &ip);
Status delete_netns(const HostSpec &h);
std::string veth_name(const HostSpec &h);

// Files of the host's upper layer: sshd (host key, config, the machine's public key), hostname,
// hosts, whiteouts hiding the machine's Docker config and the store, --local-no-docker's purge.
struct UpperOptions {
  fs::path key_path;    // the machine's private key (generated here)
  std::string key_type; // "ed25519" | "rsa"
  fs::path store;       // hidden from the host when it lives in the lower layer
  bool no_docker = false;
};
Status prepare_upper(const HostSpec &h, const UpperOptions &o);

// Starts the host: re-executes swarmctl as `__local-host-init` (single-threaded, detached), which
// enters the netns, unshares the other namespaces and becomes the host's PID 1. Returns the init's
// PID (as seen from the machine).
Result<pid_t> boot(const HostSpec &h, const std::string &self_exe);
// /proc/<pid>/stat start time (to tell a PID apart from a reused one); 0 when the process is
// gone, a zombie or unreadable.
unsigned long long process_start_time(pid_t pid);
// The PID and start time the host's init wrote at boot (h.runtime/init.pid, root-only); {0, 0}
// when missing or malformed.
std::pair<pid_t, unsigned long long> read_init_pidfile(const HostSpec &h);
// Every process whose network namespace is the host's (h.netns_file bind-mounted): proof of
// identity that needs no recorded PID. Empty when the namespace is not mounted.
std::vector<pid_t> netns_pids(const HostSpec &h);
// Entry point of the hidden `swarmctl __local-host-init SPECFILE` command.
int host_init_main(int argc, char **argv);

} // namespace sc::local
