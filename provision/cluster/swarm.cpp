#include <fmt/format.h>
#include <provision/cluster/kv.hpp>
#include <provision/cluster/network.hpp>
#include <provision/cluster/swarm_classic.hpp>
#include <provision/cluster/swarm_mode.hpp>
#include <provision/util/net.hpp>
#include <provision/util/number.hpp>
#include <provision/util/ports.hpp>
#include <provision/util/shell_quote.hpp>
#include <sstream>

namespace sc {

namespace {
int port_of(const std::string &url, int def) {
  auto hp = parse_host_port(url, def);
  return hp ? hp->port : def;
}
void add_flags(std::vector<std::string> &a, const std::vector<std::string> &flags) {
  for (const auto &f : flags)
    a.push_back("--" + f);
}
} // namespace

std::vector<std::string> swarm_manager_args(const ClassicSwarmSpec &s) {
  int port = port_of(s.host, k_swarm_port);
  std::vector<std::string> a = {"--restart=always", "-p", fmt::format("0.0.0.0:{0}:{0}", port),
                                "-v", "/etc/docker:/etc/docker"};
  for (const auto &e : s.env)
    a.insert(a.end(), {"-e", e});
  a.push_back(s.image);
  if (s.experimental) a.push_back("--experimental");
  a.insert(a.end(),
           {"manage", "--tlsverify", "--tlscacert=/etc/docker/ca.pem",
            "--tlscert=/etc/docker/server.pem", "--tlskey=/etc/docker/server-key.pem", "-H", s.host,
            "--strategy", s.strategy, "--advertise", fmt::format("{}:{}", s.advertise_ip, port)});
  add_flags(a, s.manage_flags);
  a.push_back(s.discovery);
  return a;
}

std::vector<std::string> swarm_agent_args(const ClassicSwarmSpec &s) {
  std::vector<std::string> a = {"--restart=always"};
  for (const auto &e : s.env)
    a.insert(a.end(), {"-e", e});
  a.push_back(s.image);
  if (s.experimental) a.push_back("--experimental");
  a.insert(a.end(), {"join", "--advertise", fmt::format("{}:{}", s.advertise_ip, s.engine_port)});
  add_flags(a, s.join_flags);
  a.push_back(s.discovery);
  return a;
}

Status configure_classic_swarm(CommandRunner &r, const ClassicSwarmSpec &s) {
  auto docker = remote_docker(r);
  std::string script;
  if (s.master)
    script += ensure_container_snippet(docker, "swarm-agent-master", swarm_manager_args(s));
  if (s.agent) script += ensure_container_snippet(docker, "swarm-agent", swarm_agent_args(s));
  if (script.empty()) return ok();
  auto out = run_script(r, "start the swarm containers", script);
  if (!out) return fail(out.error());
  return ok();
}

Status check_engine_supports_cluster_store(const std::string &v) {
  // The major version: the leading digits ("20.10.24+dfsg1" -> 20, "24-ce" -> 24).
  auto major = parse_number<int>(std::string_view(v).substr(0, v.find_first_not_of("0123456789")));
  if (!major) return ok();
  if (*major >= 23)
    return fail(
        Errc::unsupported,
        fmt::format(
            "Docker {} has no cluster-store (removed in 23.0), which classic Swarm needs: pin "
            "--engine-version 20.10 (or another version <= 22) or use --swarm-mode",
            v));
  return ok();
}

Result<SwarmTokens> swarm_init(CommandRunner &r, const std::string &ip) {
  auto d = remote_docker(r);
  std::string script = fmt::format(
      "state=$({0} info -f '{{{{.Swarm.LocalNodeState}}}} {{{{.Swarm.ControlAvailable}}}}')\n"
      "case \"$state\" in\n"
      "  'active true') ;;\n"
      "  inactive*) {0} swarm init --advertise-addr {1} >/dev/null ;;\n"
      "  *) echo \"this engine is in swarm state '$state' and is not a manager\" >&2; exit 1 ;;\n"
      "esac\n"
      "{0} swarm join-token -q worker\n{0} swarm join-token -q manager\n",
      d, shell_quote(ip));
  auto out = run_script(r, "docker swarm init", script, std::chrono::minutes(2));
  if (!out) return fail(out.error());
  std::istringstream in(*out);
  SwarmTokens t;
  std::getline(in, t.worker);
  std::getline(in, t.manager);
  if (t.worker.rfind("SWMTKN-", 0) != 0 || t.manager.rfind("SWMTKN-", 0) != 0)
    return fail(Errc::parse, "docker swarm join-token printed no token");
  return t;
}

Status swarm_join(CommandRunner &r, const std::string &token, const std::string &manager,
                  const std::string &ip) {
  auto d = remote_docker(r);
  // The token is inside the script, which travels on stdin: never on a command line we log.
  std::string script =
      fmt::format("state=$({0} info -f '{{{{.Swarm.LocalNodeState}}}}')\n"
                  "if [ \"$state\" = active ]; then exit 0; fi\n"
                  "{0} swarm join --token {1} --advertise-addr {2} {3} >/dev/null\n",
                  d, shell_quote(token), shell_quote(ip), shell_quote(manager));
  auto out = run_script(r, "docker swarm join " + manager, script, std::chrono::minutes(2));
  if (!out) return fail(out.error());
  return ok();
}

Result<std::vector<NodeInfo>> swarm_nodes(CommandRunner &m) {
  auto out = run_script(
      m, "docker node ls",
      remote_docker(m) +
          " node ls --format '{{.Hostname}}|{{.Status}}|{{.Availability}}|{{.ManagerStatus}}'\n");
  if (!out) return fail(out.error());
  std::vector<NodeInfo> nodes;
  std::istringstream in(*out);
  std::string line;
  while (std::getline(in, line)) {
    NodeInfo n;
    std::istringstream l(line);
    std::getline(l, n.hostname, '|');
    std::getline(l, n.status, '|');
    std::getline(l, n.availability, '|');
    std::getline(l, n.manager_status, '|');
    if (!n.hostname.empty()) nodes.push_back(n);
  }
  return nodes;
}

Status ensure_network(CommandRunner &r, const NetworkSpec &n) {
  auto d = remote_docker(r);
  std::vector<std::string> args = {"-d", n.driver};
  if (n.attachable) args.push_back("--attachable");
  if (!n.subnet.empty()) args.insert(args.end(), {"--subnet", n.subnet});
  args.push_back(n.name);
  // The name and driver reach the shell only quoted, also inside the message.
  std::string script = fmt::format(
      "name={1}; want={3}\n"
      "have=$({0} network inspect -f '{{{{.Driver}}}}' \"$name\" 2>/dev/null || true)\n"
      "if [ -z \"$have\" ]; then {0} network create {2} >/dev/null; exit 0; fi\n"
      "if [ \"$have\" != \"$want\" ]; then\n"
      "  printf 'network %s exists with driver %s, not %s\\n' \"$name\" \"$have\" \"$want\" >&2; "
      "exit 1\nfi\n",
      d, shell_quote(n.name), shell_join(args), shell_quote(n.driver));
  auto out = run_script(r, "create network " + n.name, script);
  if (!out) return fail(out.error());
  return ok();
}

} // namespace sc
