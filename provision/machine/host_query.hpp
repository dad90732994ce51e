#pragma once
// The per-machine query behind `ls` and `active`: state, URL, Docker version, all machines in
// parallel (bounded pool), each bounded by a timeout; batch state calls where a driver can.
#include <chrono>
#include <optional>
#include <provision/machine/machine.hpp>
#include <string>
#include <vector>

namespace sc {

struct HostQuery {
  std::string name;
  std::optional<HostRecord> rec; // nullopt when config.json failed to load
  std::string driver_name;
  State state = State::None;
  std::string url;
  std::string docker_version; // "v20.10.24" or "Unknown"
  std::string error;
  bool timed_out = false;
};

struct QueryOptions {
  std::chrono::milliseconds timeout{10000};
  bool want_state = true;
  bool want_docker = true;
};

// Loads machines (records + bound drivers), in parallel over the cores; one result per name.
std::vector<Result<Machine>> load_machines(Services &s, const std::vector<std::string> &names);
// Records only (no driver), in parallel; one result per name.
std::vector<Result<HostRecord>> load_records(Services &s, const std::vector<std::string> &names);
std::vector<HostQuery> query_hosts(Services &s, const std::vector<std::string> &names,
                                   const QueryOptions &o);

} // namespace sc
