#pragma once
// The rows of `ls` (ACTIVE and SWARM columns) from the machines' queries and $DOCKER_HOST.
#include <cmd/format/ls_format.hpp>
#include <provision/machine/host_query.hpp>
#include <string>
#include <vector>

namespace sc {
std::vector<LsRow> ls_rows(const std::vector<HostQuery> &qs, const std::string &docker_host);
} // namespace sc
