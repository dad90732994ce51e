#pragma once
// Glue between the machine record (cmd) and the OS-level provisioning (provision/engine), which
// knows nothing of drivers or the store.
#include <provision/engine/engine.hpp>
#include <provision/engine/facts.hpp>
#include <provision/engine/provisioner.hpp>
#include <provision/machine/machine.hpp>

namespace sc {

// EngineConfig for a machine: its options, provider=<driver> label, and the PEM contents.
EngineConfig engine_config_for(const Services &s, const Machine &m, const std::string &ca_pem,
                               const std::string &server_pem, const std::string &server_key_pem);
// The driver's knowledge of the host's init, for the provisioner's choice.
ServiceManager service_manager_for(const Driver &d);
// "docker" as root, "sudo -n docker" otherwise.
std::string docker_cmd(const HostFacts &f);
// `swarmctl upgrade`: newer (or pinned) engine, same configuration.
Status upgrade_machine(Services &s, Machine &m);

} // namespace sc
