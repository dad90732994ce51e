#pragma once
// `up` and `down` of a cluster file: which machines, in which order, with what create request.
#include <cstddef>
#include <provision/machine/cluster_file.hpp>
#include <provision/machine/create_flow.hpp>
#include <string>
#include <vector>

namespace sc {

// Indices into f.machines in dependency order: the KV machine, then the master, then the others
// in file order. `up` admits machines in this order; `down` removes them in the reverse one.
std::vector<size_t> up_order(const ClusterFile &f);
// Driver options from the cluster file, completed with environment variables and defaults.
Result<FlagValues> fill_driver_flags(const std::string &driver,
                                     const std::map<std::string, std::vector<std::string>> &given);
// The create request of one machine of the file (its role, engine, swarm and KV settings).
CreateRequest request_for(const ClusterFile &f, const ClusterMachine &cm);

// `up -f FILE`: creates, resumes or starts every machine (at most max_jobs at once, 0 = all),
// then the cluster's networks. Returns the exit code.
int run_up(Services &s, const std::string &file, bool quiet, size_t max_jobs);

} // namespace sc
