#pragma once
// `ls` rendering (docker-machine's table through Go's tabwriter, --format templates, json) and
// its --filter language.
#include <nlohmann/json.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct LsRow {
  std::string name, active, driver, state, url, swarm, docker, error, response_time;
  nlohmann::json swarm_options, engine_options;
  bool active_host = false, active_swarm = false;
};

// format: "" (default table), "table <template>", "<template>" (no header), "json".
Result<std::string> render_ls(const std::vector<LsRow> &rows, std::string_view format);
// Go text/tabwriter with minwidth 5, tabwidth 1, padding 3, padchar ' ' (docker-machine's).
std::string tabwrite(const std::string &text);

struct LsFilter {
  std::vector<std::string> driver, state, name, swarm, label;
};
struct LsFilterSubject {
  std::string name, driver, state, swarm_master;
  std::vector<std::string> labels; // "k=v"
};
// Errors: "Unsupported filter syntax." / "Unsupported filter key 'x'".
Result<LsFilter> parse_ls_filters(const std::vector<std::string> &filters);
bool ls_filter_match(const LsFilter &f, const LsFilterSubject &s);
bool ls_filter_needs_state(const LsFilter &f);

} // namespace sc
