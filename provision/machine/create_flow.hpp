#pragma once
// `create` as a function: used by the create command and by `up` for each machine.
#include <provision/machine/machine.hpp>
#include <provision/machine/provision_flow.hpp>
#include <string>

namespace sc {

struct CreateRequest {
  HostRecord rec;            // name, driver_name, engine/swarm/kv/auth options from flags
  FlagValues driver_flags;   // the chosen driver's flags (flag > env > default)
  bool no_provision = false; // stop after the driver created the machine
  std::string prefix;        // "(name) " for parallel output
  std::string swarm_join;    // swarm mode: machine name or address of the manager to join
  ProvisionOptions hooks;    // `up`: swarm_manager and before_engine_config
};

// Validates, bootstraps certs, runs the pre-create check (Errc::precreate), reserves the name,
// creates the machine (rolling the driver back if that fails), then provisions it. A
// provisioning failure keeps the machine with status "failed" and says how to resume.
Status create_machine(Services &s, CreateRequest req);

// Removes machine `name` when its create died before the host was ready (nothing of it is worth
// keeping): true when it did. Refused while another process is creating it.
Result<bool> drop_interrupted_create(Services &s, const std::string &name);

// `up` for one machine: nothing if it is provisioned (started if stopped), resumes a create that
// failed or died while provisioning, starts over one that died before its host was ready, or
// creates it. *existed: the machine was there before.
Status up_machine(Services &s, CreateRequest req, const ProvisionOptions &po, bool *existed);

// Expands a discovery URL that names a machine ("consul://consul" -> "consul://IP:8500").
Result<std::string> resolve_discovery(Services &s, const std::string &url);
// A cluster-store engine option that names a machine (cluster-store=etcd://consul:8500) gets the
// machine's address like the discovery URL: the hosts cannot resolve machine names.
Status resolve_cluster_store(Services &s, HostRecord &rec);

} // namespace sc
