#include <fmt/format.h>
#include <functional>
#include <nlohmann/json.hpp>
#include <provision/cluster/kv.hpp>
#include <provision/util/shell_quote.hpp>

namespace sc {

std::string kv_default_image(KvKind kind) {
  switch (kind) {
  case KvKind::Consul:
    return "progrium/consul:latest";
  case KvKind::Etcd:
    return "quay.io/coreos/etcd:v3.4.23";
  case KvKind::Zookeeper:
    return "zookeeper:3.8";
  case KvKind::None:
    break;
  }
  return "";
}

std::string kv_url(KvKind kind, const std::string &host, int port) {
  return fmt::format("{}://{}:{}", kv_scheme(kind), host, port ? port : kv_default_port(kind));
}

std::string remote_docker(const CommandRunner &r) {
  return r.target().rfind("root@", 0) == 0 ? "docker" : "sudo -n docker";
}

Result<std::string> run_script(CommandRunner &r, const std::string &what, const std::string &script,
                               std::chrono::milliseconds timeout) {
  bool root = r.target().rfind("root@", 0) == 0;
  std::string body = "umask 077; f=$(mktemp /tmp/swarmctl.XXXXXX) && cat > \"$f\" && bash \"$f\" "
                     "</dev/null; rc=$?; rm -f \"$f\"; exit $rc";
  std::string cmd = (root ? "sh -c '" : "sudo -n sh -c '") + body + "'";
  RunOptions o;
  o.stdin_data = "set -eu\n" + script;
  o.timeout = timeout;
  auto res = run_ok(r, what, cmd, o);
  if (!res) return fail(res.error());
  return res->out;
}

std::string ensure_container_snippet(const std::string &docker, const std::string &name,
                                     const std::vector<std::string> &run_args) {
  std::string joined = shell_join(run_args);
  std::string hash = fmt::format("{:016x}", std::hash<std::string>{}(joined));
  return fmt::format("have=$({0} inspect -f '{{{{index .Config.Labels \"swarmctl.hash\"}}}} "
                     "{{{{.State.Running}}}}' {1} 2>/dev/null || true)\n"
                     "if [ \"$have\" != \"{2} true\" ]; then\n"
                     "  {0} rm -f {1} >/dev/null 2>&1 || true\n"
                     "  {0} run -d --name {1} --label swarmctl.hash={2} {3} >/dev/null\n"
                     "fi\n",
                     docker, shell_quote(name), hash, joined);
}

std::vector<std::string> kv_run_args(const KvSpec &spec, const std::string &ip) {
  int port = spec.port ? spec.port : kv_default_port(spec.kind);
  std::string image = spec.image.empty() ? kv_default_image(spec.kind) : spec.image;
  std::vector<std::string> a = {"--restart=always", "-p",
                                fmt::format("{0}:{1}", port, kv_default_port(spec.kind))};
  if (spec.kind == KvKind::Consul) {
    a.insert(a.end(), {"-h", "consul", image, "-server", "-bootstrap"});
  } else if (spec.kind == KvKind::Etcd) {
    a.insert(a.end(), {image, "etcd", "--name", "swarmctl-kv", "--data-dir", "/etcd-data",
                       "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls",
                       fmt::format("http://{}:{}", ip, port), "--enable-v2=true"});
  } else if (spec.kind == KvKind::Zookeeper) {
    a.insert(a.end(), {"-e", "ZOO_4LW_COMMANDS_WHITELIST=ruok,stat", image});
  }
  return a;
}

namespace {
// A bash function `kvget PATH` doing an HTTP GET on HOST:PORT, the local KV port by default
// (bash /dev/tcp: no curl needed).
std::string http_get_fn(int port, const std::string &host = "127.0.0.1") {
  return fmt::format("kvget() {{ exec 3<>/dev/tcp/{}/{} || return 1; printf 'GET %s "
                     "HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' \"$1\" >&3; "
                     "timeout 5 cat <&3 | sed '1,/^\\r*$/d'; exec 3<&-; }}\n",
                     host, port);
}

std::string health_check(const KvSpec &s, int port) {
  if (s.kind == KvKind::Consul)
    return http_get_fn(port) + "check() { [ -n \"$(kvget /v1/status/leader | tr -d '\"')\" ]; }\n";
  if (s.kind == KvKind::Etcd)
    return http_get_fn(port) + "check() { kvget /health | grep -q '\"health\": *\"true\"' && kvget "
                               "/v2/keys/ | grep -q '\"node\"'; }\n";
  return fmt::format("check() {{ exec 3<>/dev/tcp/127.0.0.1/{} || return 1; printf ruok >&3; [ "
                     "\"$(timeout 5 cat <&3)\" = imok ]; }}\n",
                     port);
}
} // namespace

Status run_kv(CommandRunner &r, const KvSpec &spec, const std::string &ip) {
  if (spec.kind == KvKind::None) return fail(Errc::usage, "no key-value store kind given");
  int port = spec.port ? spec.port : kv_default_port(spec.kind);
  auto docker = remote_docker(r);
  std::string script =
      ensure_container_snippet(docker, "swarmctl-kv", kv_run_args(spec, ip)) +
      health_check(spec, port) +
      fmt::format(
          "for i in $(seq 1 900); do if check 2>/dev/null; then exit 0; fi; sleep 0.1; done\n"
          "echo \"the {} store did not become healthy within 90 s; its log:\" >&2\n"
          "{} logs --tail 20 swarmctl-kv >&2 || true\nexit 1\n",
          kv_kind_name(spec.kind), docker);
  auto out =
      run_script(r, fmt::format("start the {} key-value store", kv_kind_name(spec.kind)), script);
  if (!out) return fail(out.error());
  return ok();
}

Result<std::vector<std::string>> etcd_client_urls(CommandRunner &r, const std::string &host,
                                                  int port) {
  auto out = run_script(r, fmt::format("ask etcd at {}:{} for its members", host, port),
                        http_get_fn(port, host) + "kvget /v2/members\n", std::chrono::seconds(30));
  if (!out) return fail(out.error());
  std::vector<std::string> urls;
  try {
    auto j = nlohmann::json::parse(*out);
    for (const auto &m : j.at("members"))
      for (const auto &u : m.at("clientURLs"))
        urls.push_back(u.get<std::string>());
  } catch (const std::exception &e) {
    return fail(Errc::parse, fmt::format("etcd at {}:{}: /v2/members: {}", host, port, e.what()));
  }
  return urls;
}

std::string etcd_advertise_problem(const std::vector<std::string> &urls, const std::string &host,
                                   int port) {
  auto want = fmt::format("{}:{}", host, port);
  for (const auto &u : urls) {
    auto rest = u.substr(u.find("://") == std::string::npos ? 0 : u.find("://") + 3);
    if (rest.substr(0, rest.find('/')) == want) return "";
  }
  std::string list;
  for (const auto &u : urls)
    list += (list.empty() ? "" : ", ") + u;
  return fmt::format(
      "etcd at {0} advertises the client URL(s) [{1}], not http://{0}: etcd's v2 client (in the "
      "Swarm manager and agents, and in the engines' cluster-store) switches to the advertised "
      "URLs, and a host that cannot reach them loses the store (the manager then lists 0 nodes). "
      "Start etcd with --advertise-client-urls http://{0}",
      want, list);
}

Result<std::string> kv_status(CommandRunner &r, const KvSpec &spec) {
  int port = spec.port ? spec.port : kv_default_port(spec.kind);
  std::string script;
  if (spec.kind == KvKind::Etcd)
    script = http_get_fn(port) +
             "echo \"leader: $(kvget /v2/stats/self | sed -n "
             "'s/.*\"leaderInfo\":{\"leader\":\"\\([^\"]*\\)\".*/\\1/p')\"\n"
             "echo \"keys under /docker:\"; kvget '/v2/keys/docker?recursive=true' | grep -o "
             "'\"key\":\"[^\"]*\"' | cut -d'\"' -f4 | sort\n";
  else if (spec.kind == KvKind::Consul)
    script = http_get_fn(port) +
             "echo \"leader: $(kvget /v1/status/leader)\"\necho \"keys under docker/:\"; kvget "
             "'/v1/kv/docker/?keys' | tr ',' '\\n' | tr -d '[]\"'\n";
  else
    script =
        fmt::format("exec 3<>/dev/tcp/127.0.0.1/{}; printf stat >&3; timeout 5 cat <&3\n", port);
  return run_script(r, "kv status", script, std::chrono::seconds(30));
}

} // namespace sc
