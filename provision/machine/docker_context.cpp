#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <provision/crypto/digest.hpp>
#include <provision/machine/docker_context.hpp>
#include <provision/util/fs.hpp>

namespace sc {

namespace {

std::optional<nlohmann::json> read_json(const fs::path &p) {
  auto text = read_file(p);
  if (!text) return std::nullopt;
  try {
    return nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception &) {
    return std::nullopt; // not ours to judge: treated as "not made by swarmctl"
  }
}

// The swarmctl machine a context's metadata names, and its store ("" when not ours).
std::pair<std::string, std::string> owner_of(const nlohmann::json &meta) {
  const auto &md = meta.contains("Metadata") ? meta["Metadata"] : nlohmann::json();
  if (!md.is_object() || !md.contains("SwarmctlMachine") || !md.contains("SwarmctlStore") ||
      !md["SwarmctlMachine"].is_string() || !md["SwarmctlStore"].is_string())
    return {"", ""};
  return {md["SwarmctlMachine"].get<std::string>(), md["SwarmctlStore"].get<std::string>()};
}

} // namespace

Result<fs::path> docker_config_dir() {
  if (const char *d = std::getenv("DOCKER_CONFIG"); d && *d) return fs::path(d);
  const char *home = std::getenv("HOME");
  if (!home || !*home)
    return fail(Errc::generic, "cannot find the Docker CLI configuration: neither DOCKER_CONFIG "
                               "nor HOME is set");
  return fs::path(home) / ".docker";
}

Status write_docker_context(const fs::path &config_dir, const DockerContextSpec &spec) {
  std::string id = crypto::sha256_hex(spec.name);
  fs::path meta_dir = config_dir / "contexts" / "meta" / id;
  fs::path tls_dir = config_dir / "contexts" / "tls" / id / "docker";
  if (auto old = read_json(meta_dir / "meta.json")) {
    auto [machine, store] = owner_of(*old);
    if (machine != spec.machine || store != spec.store.string())
      return fail(Errc::already_exists,
                  fmt::format("docker context \"{}\" exists and was not made by swarmctl for "
                              "machine {}: remove it with `docker context rm {}` or choose "
                              "another name",
                              spec.name, spec.machine, spec.name));
  }
  nlohmann::json meta = {
      {"Name", spec.name},
      {"Metadata",
       {{"Description", fmt::format("swarmctl machine {}", spec.machine)},
        {"SwarmctlMachine", spec.machine},
        {"SwarmctlStore", spec.store.string()}}},
      {"Endpoints", {{"docker", {{"Host", spec.host}, {"SkipTLSVerify", false}}}}}};
  // TLS material first: a meta.json never names files that are not there yet.
  SC_TRY_CTX(ensure_dir(tls_dir, 0700), "docker context");
  SC_TRY_CTX(atomic_write(tls_dir / "ca.pem", spec.ca, 0644), "docker context");
  SC_TRY_CTX(atomic_write(tls_dir / "cert.pem", spec.cert, 0644), "docker context");
  SC_TRY_CTX(atomic_write(tls_dir / "key.pem", spec.key, 0600), "docker context");
  SC_TRY_CTX(ensure_dir(meta_dir, 0755), "docker context");
  SC_TRY_CTX(atomic_write(meta_dir / "meta.json", meta.dump(), 0644), "docker context");
  return ok();
}

Result<std::vector<std::string>> remove_docker_contexts(const fs::path &config_dir,
                                                        const std::string &machine,
                                                        const fs::path &store) {
  std::vector<std::string> removed;
  fs::path meta_root = config_dir / "contexts" / "meta";
  std::error_code ec;
  fs::directory_iterator it(meta_root, ec), end;
  if (ec) return removed; // no context store: nothing of ours
  for (; it != end; it.increment(ec)) {
    auto meta = read_json(it->path() / "meta.json");
    if (!meta) continue;
    auto [m, st] = owner_of(*meta);
    if (m != machine || st != store.string()) continue;
    std::string id = it->path().filename().string();
    SC_TRY_CTX(remove_tree(config_dir / "contexts" / "tls" / id), "docker context");
    SC_TRY_CTX(remove_tree(it->path()), "docker context");
    removed.push_back(meta->value("Name", id));
  }
  if (removed.empty()) return removed;
  // The Docker CLI refuses to run with a current context that does not exist.
  fs::path cfg = config_dir / "config.json";
  if (auto j = read_json(cfg); j && j->is_object() && j->contains("currentContext")) {
    const auto &cur = (*j)["currentContext"];
    if (cur.is_string() &&
        std::find(removed.begin(), removed.end(), cur.get<std::string>()) != removed.end()) {
      j->erase("currentContext");
      SC_TRY_CTX(atomic_write(cfg, j->dump(1, '\t'), 0600), "docker config.json");
    }
  }
  return removed;
}

} // namespace sc
