#include <cmd/ls_rows.hpp>
#include <fmt/format.h>
#include <map>
#include <provision/machine/connection.hpp>

namespace sc {

std::vector<LsRow> ls_rows(const std::vector<HostQuery> &qs, const std::string &docker_host) {
  // SWARM column: the master that shares a host's discovery URL.
  std::map<std::string, std::string> master_by_discovery;
  for (const auto &q : qs)
    if (q.rec && q.rec->swarm.master && !q.rec->swarm.discovery.empty())
      master_by_discovery[q.rec->swarm.discovery] = q.name;
  std::string swarm_mode_master;
  for (const auto &q : qs)
    if (q.rec && q.rec->swarm.master && q.rec->swarm.mode) swarm_mode_master = q.name;

  std::vector<LsRow> rows;
  for (const auto &q : qs) {
    LsRow r;
    r.name = q.name;
    r.driver = q.driver_name;
    r.state = std::string(state_name(q.state));
    if (q.timed_out) {
      rows.push_back(r);
      continue;
    }
    r.url = q.url;
    r.docker = q.docker_version;
    r.error = q.error;
    r.active = "-";
    if (q.rec) {
      const auto &sw = q.rec->swarm;
      r.swarm_options = nlohmann::json{{"IsSwarm", sw.is_swarm},
                                       {"Master", sw.master},
                                       {"Discovery", sw.discovery},
                                       {"Host", sw.host}};
      r.engine_options = nlohmann::json{{"Labels", q.rec->engine.labels}};
      if (sw.mode) {
        if (sw.master)
          r.swarm = q.name + " (master)";
        else if (sw.is_swarm)
          r.swarm = swarm_mode_master;
      } else if (!sw.discovery.empty()) {
        auto it = master_by_discovery.find(sw.discovery);
        if (sw.master)
          r.swarm = q.name + " (master)";
        else if (it != master_by_discovery.end())
          r.swarm = it->second;
      }
      if (q.state == State::Running && !docker_host.empty()) {
        if (q.url == docker_host) {
          r.active = "*";
          r.active_host = true;
        } else if (sw.master && !sw.mode) {
          if (auto su = swarm_url(*q.rec, q.url); su && docker_host == *su) {
            r.active = "* (swarm)";
            r.active_swarm = true;
          }
        }
      }
    }
    rows.push_back(r);
  }
  return rows;
}

} // namespace sc
