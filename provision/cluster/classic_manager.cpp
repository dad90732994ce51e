#include <fmt/format.h>
#include <functional>
#include <nlohmann/json.hpp>
#include <provision/cluster/classic_manager.hpp>
#include <provision/cluster/kv.hpp>
#include <provision/util/shell_quote.hpp>

namespace sc {

Result<std::vector<ClassicNode>> parse_manager_nodes(const std::string &info_json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(info_json);
  } catch (const std::exception &e) {
    return fail(Errc::parse, fmt::format("manager /info is not JSON: {}", e.what()));
  }
  if (!j.is_object() || !j.contains("SystemStatus") || !j["SystemStatus"].is_array())
    return fail(Errc::parse, "no SystemStatus in /info: not a classic Swarm manager");
  std::vector<ClassicNode> nodes;
  for (const auto &pair : j["SystemStatus"]) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      continue;
    auto key = pair[0].get<std::string>();
    auto value = pair[1].get<std::string>();
    // A node starts with " name" (one space); its details follow as "  └ Key".
    if (key.size() > 1 && key[0] == ' ' && key[1] != ' ') {
      nodes.push_back(ClassicNode{key.substr(1), value, ""});
    } else if (!nodes.empty() && key.size() > 2 && key.substr(0, 2) == "  " &&
               key.ends_with(" Status")) {
      nodes.back().status = value;
    }
  }
  return nodes;
}

std::string nodes_not_healthy(const std::vector<ClassicNode> &nodes,
                              const std::vector<std::string> &expected) {
  std::string missing;
  for (const auto &name : expected) {
    std::string why = "is not listed";
    for (const auto &n : nodes)
      if (n.name == name) why = n.status == "Healthy" ? "" : "is " + n.status;
    if (!why.empty()) missing += (missing.empty() ? "" : ", ") + name + " " + why;
  }
  return missing;
}

std::string network_keeper_name(const std::string &network, const std::string &machine) {
  return fmt::format("swarmctl-keep-{}-{}", network, machine);
}

std::vector<std::string> network_keeper_args(const std::string &network,
                                             const std::string &swarm_image) {
  return {"--restart=always",
          "--net",
          network,
          "--label",
          "swarmctl.network-keeper=" + network,
          swarm_image,
          "manage",
          "-H",
          "unix:///keeper.sock",
          "file:///dev/null"};
}

Status ensure_network_keeper(CommandRunner &r, const std::string &network,
                             const std::string &machine, const std::string &swarm_image,
                             std::chrono::seconds timeout) {
  auto docker = remote_docker(r);
  auto name = shell_quote(network_keeper_name(network, machine));
  std::string args = shell_join(network_keeper_args(network, swarm_image));
  std::string hash = fmt::format("{:016x}", std::hash<std::string>{}(args));
  // The network reaches this engine through the cluster store a moment after its creation
  // elsewhere ("network ... not found" until then); a join that failed half-way can leave an
  // endpoint of the same name behind, which only a forced disconnect removes.
  std::string script = fmt::format(
      "end=$((SECONDS + {0}))\nlast=\n"
      "while :; do\n"
      "  have=$({1} inspect -f '{{{{index .Config.Labels \"swarmctl.hash\"}}}} "
      "{{{{.State.Running}}}}' {2} 2>/dev/null || true)\n"
      "  [ \"$have\" = \"{3} true\" ] && exit 0\n"
      "  {1} rm -f {2} >/dev/null 2>&1 || true\n"
      "  if last=$({1} run -d --name {2} --label swarmctl.hash={3} {4} 2>&1 >/dev/null); then "
      "exit 0; fi\n"
      "  case \"$last\" in *'already exists in network'*) {1} network disconnect -f {5} {2} "
      ">/dev/null 2>&1 || true ;; esac\n"
      "  [ $SECONDS -ge $end ] && break\n"
      "  sleep 0.3\n"
      "done\n"
      "echo \"no container could join network {6} within {0} s: $last\" >&2\nexit 1\n",
      timeout.count(), docker, name, hash, args, shell_quote(network), network);
  auto out = run_script(r, "keep network " + network, script, timeout + std::chrono::seconds(60));
  if (!out) return fail(out.error());
  return ok();
}

} // namespace sc
