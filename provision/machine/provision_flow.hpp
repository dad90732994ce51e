#pragma once
// Provisioning of one machine: SSH, OS detection, Docker install, TLS engine, then the cluster
// role (KV store, classic swarm, swarm mode). Shared by create, provision, regenerate-certs, up.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <provision/crypto/ca.hpp>
#include <provision/dockerapi/docker_client.hpp>
#include <provision/machine/machine.hpp>
#include <provision/ssh/libssh_runner.hpp>

namespace sc {

// Where a swarm-mode node joins: the manager's address and tokens (secrets: never logged).
struct SwarmJoinTarget {
  std::string manager_name;
  std::string manager_addr; // IP:2377
  std::string worker_token, manager_token;
};
using ManagerProvider = std::function<Result<SwarmJoinTarget>()>;

struct ProvisionOptions {
  std::string prefix;            // "(node1) " when several machines are worked on at once
  bool certs_only = false;       // regenerate-certs: new server cert + engine restart only
  std::string swarm_join;        // swarm mode: manager machine name or address to join
  ManagerProvider swarm_manager; // swarm mode: overrides swarm_join (used by `up`)
  // Called before the engine gets its configuration (used by `up`: engines whose cluster-store
  // is the cluster's KV store wait until that store answers, or their discovery stalls, and are
  // configured one at a time). The lock it returns is held until the engine answers or its
  // configuration failed: owned by the flow, released by its scope, never by another hook.
  std::function<Result<std::unique_lock<std::mutex>>()> engine_turn;
  std::chrono::milliseconds ssh_wait{std::chrono::minutes(3)};
};

// Opens the machine's SSH session (one per host, reused), waiting for SSH up to `wait`.
// `compression`: zlib on the connection (`ssh NAME -C`).
Result<std::unique_ptr<LibsshRunner>>
connect_machine(Services &s, Machine &m, std::chrono::milliseconds wait, bool compression = false);
// Unit tests only: while set, provision_machine() takes the machine's command runner from `hook`
// instead of opening its SSH session (the flow tests' scripted runner: no sshd runs in a unit
// test). Set it before any flow runs; an empty function restores SSH.
using TestRunnerHook = std::function<Result<std::unique_ptr<CommandRunner>>(Machine &m)>;
void set_test_runner_hook(TestRunnerHook hook);
// Client TLS files for the machine (DOCKER_CERT_PATH = machine dir).
TlsFiles client_tls(const Services &s, const Machine &m);
// The machine's CA and client certificate: its record's paths (the store's certs/, or the
// --tls-* files given at create).
CertPaths cert_paths(const HostRecord &rec);
// Loads (or creates where the paths say) the machine's CA and client certificate and copies
// ca.pem, cert.pem and key.pem into the machine dir (DOCKER_CERT_PATH), for every driver.
Result<CertAuthority> install_client_certs(Services &s, const Machine &m);
// Copies the CA and client certs into the machine dir and issues its server certificate for
// `ip` (+ localhost + --tls-san). Records the IP in rec.cert_ip.
Status issue_machine_certs(Services &s, Machine &m, const std::string &ip);
// Full provisioning (create/provision) or certs-only (regenerate-certs). Saves the record.
Status provision_machine(Services &s, Machine &m, const ProvisionOptions &o);
// Polls GET /_ping over TLS until it answers or the deadline passes.
Status wait_for_engine(Services &s, const Machine &m, std::chrono::milliseconds timeout);
// When the driver reports an IP the server certificate does not cover (DHCP, EC2 stop/start),
// regenerate it and restart the engine (docker-machine made users do this by hand, #531).
Status refresh_certs_if_ip_changed(Services &s, Machine &m);

} // namespace sc
