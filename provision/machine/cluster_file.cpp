#include <cctype>
#include <cstdlib>
#include <fmt/format.h>
#include <provision/cluster/kv.hpp>
#include <provision/machine/cluster_file.hpp>
#include <provision/store/host.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/image_archive.hpp>
#include <set>
#include <yaml-cpp/yaml.h>

namespace sc {

const ClusterMachine *ClusterFile::kv() const {
  for (const auto &m : machines)
    if (m.role == "kv") return &m;
  return nullptr;
}
const ClusterMachine *ClusterFile::master() const {
  for (const auto &m : machines)
    if (m.role == "master") return &m;
  return nullptr;
}

namespace {

struct Ctx {
  std::string src;
  Error at(const YAML::Node &n, const std::string &msg) const {
    auto mk = n.Mark();
    if (mk.is_null()) return Error{Errc::usage, fmt::format("{}: {}", src, msg)};
    return Error{Errc::usage, fmt::format("{}:{}:{}: {}", src, mk.line + 1, mk.column + 1, msg)};
  }
};

Status check_keys(const Ctx &c, const YAML::Node &map, const std::set<std::string> &allowed,
                  const std::string &where) {
  if (!map.IsMap()) return fail(c.at(map, fmt::format("{} must be a mapping", where)));
  for (auto it = map.begin(); it != map.end(); ++it) {
    auto key = it->first.as<std::string>();
    if (!allowed.count(key))
      return fail(c.at(it->first, fmt::format("unknown key '{}' in {}", key, where)));
  }
  return ok();
}

Result<std::string> scalar(const Ctx &c, const YAML::Node &n, const std::string &what) {
  if (!n.IsScalar()) return fail(c.at(n, fmt::format("{} must be a scalar", what)));
  return n.as<std::string>();
}

Result<std::vector<std::string>> string_list(const Ctx &c, const YAML::Node &n,
                                             const std::string &what) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
    return out;
  }
  if (!n.IsSequence()) return fail(c.at(n, fmt::format("{} must be a list", what)));
  for (const auto &e : n) {
    auto v = scalar(c, e, what);
    if (!v) return fail(v.error());
    out.push_back(*v);
  }
  return out;
}

Result<std::map<std::string, std::vector<std::string>>> options_map(const Ctx &c,
                                                                    const YAML::Node &n) {
  std::map<std::string, std::vector<std::string>> out;
  if (!n.IsMap()) return fail(c.at(n, "driver_options must be a mapping of flag names to values"));
  for (auto it = n.begin(); it != n.end(); ++it) {
    auto key = it->first.as<std::string>();
    if (key.rfind("--", 0) == 0) key = key.substr(2);
    auto v = string_list(c, it->second, "driver option " + key);
    if (!v) return fail(v.error());
    out[key] = *v;
  }
  return out;
}

Status parse_engine(const Ctx &c, const YAML::Node &n, ClusterEngine &e) {
  SC_TRY(check_keys(c, n,
                    {"install_method", "version", "storage_driver", "opts", "labels", "env",
                     "insecure_registries", "registry_mirrors"},
                    "engine"));
  auto str = [&](const char *k, std::string &dst) -> Status {
    if (!n[k]) return ok();
    auto v = scalar(c, n[k], k);
    if (!v) return fail(v.error());
    dst = *v;
    return ok();
  };
  auto list = [&](const char *k, std::vector<std::string> &dst) -> Status {
    if (!n[k]) return ok();
    auto v = string_list(c, n[k], k);
    if (!v) return fail(v.error());
    dst.insert(dst.end(), v->begin(), v->end());
    return ok();
  };
  SC_TRY(str("install_method", e.install_method));
  SC_TRY(str("version", e.version));
  SC_TRY(str("storage_driver", e.storage_driver));
  SC_TRY(list("opts", e.opts));
  SC_TRY(list("labels", e.labels));
  SC_TRY(list("env", e.env));
  SC_TRY(list("insecure_registries", e.insecure_registries));
  SC_TRY(list("registry_mirrors", e.registry_mirrors));
  if (!e.install_method.empty() && e.install_method != "package" && e.install_method != "script" &&
      e.install_method != "none")
    return fail(c.at(n["install_method"], "install_method must be package, script or none"));
  return ok();
}

Result<ClusterFile> parse_root(const Ctx &c, const YAML::Node &root) {
  ClusterFile f;
  SC_TRY(check_keys(c, root,
                    {"cluster", "driver", "driver_options", "engine", "kv", "swarm", "nodes",
                     "machines", "networks", "images"},
                    "the cluster file"));
  if (!root["cluster"]) return fail(c.at(root, "missing key 'cluster' (the cluster's name)"));
  auto name = scalar(c, root["cluster"], "cluster");
  if (!name) return fail(name.error());
  f.name = *name;
  std::string driver = "virtualbox";
  if (root["driver"]) {
    auto d = scalar(c, root["driver"], "driver");
    if (!d) return fail(d.error());
    driver = *d;
  }
  std::map<std::string, std::vector<std::string>> dopts;
  if (root["driver_options"]) {
    auto o = options_map(c, root["driver_options"]);
    if (!o) return fail(o.error());
    dopts = *o;
  }
  ClusterEngine engine;
  if (root["engine"]) SC_TRY(parse_engine(c, root["engine"], engine));

  auto add = [&](const std::string &n, const std::string &role, const YAML::Node &where) -> Status {
    if (!valid_machine_name(n))
      return fail(c.at(where, fmt::format("invalid machine name '{}'", n)));
    for (const auto &m : f.machines)
      if (m.name == n) return fail(c.at(where, fmt::format("machine '{}' is listed twice", n)));
    f.machines.push_back(ClusterMachine{n, role, driver, dopts, engine});
    return ok();
  };
  if (root["kv"]) {
    const auto &kv = root["kv"];
    SC_TRY(check_keys(c, kv, {"name", "kind", "image", "port"}, "kv"));
    f.kv_kind = kv["kind"] ? kv["kind"].as<std::string>() : "consul";
    if (f.kv_kind != "consul" && f.kv_kind != "etcd" && f.kv_kind != "zookeeper")
      return fail(c.at(kv["kind"], "kv kind must be consul, etcd or zookeeper"));
    if (kv["image"]) f.kv_image = kv["image"].as<std::string>();
    if (kv["port"]) {
      try {
        f.kv_port = kv["port"].as<int>();
      } catch (const YAML::Exception &) {
        return fail(c.at(kv["port"], "kv port must be a number"));
      }
    }
    SC_TRY(add(kv["name"] ? kv["name"].as<std::string>() : f.kv_kind, "kv", kv));
  }
  if (!root["swarm"]) return fail(c.at(root, "missing key 'swarm' (mode and master)"));
  const auto &sw = root["swarm"];
  SC_TRY(check_keys(c, sw, {"mode", "master", "image", "strategy"}, "swarm"));
  if (sw["mode"]) f.swarm_mode = sw["mode"].as<std::string>();
  if (f.swarm_mode != "classic" && f.swarm_mode != "swarm-mode")
    return fail(c.at(sw["mode"], "swarm mode must be classic or swarm-mode"));
  if (f.swarm_mode == "classic" && !root["kv"])
    return fail(
        c.at(sw, "classic swarm needs a kv store (add a 'kv' section) or use mode: swarm-mode"));
  if (sw["image"]) f.swarm_image = sw["image"].as<std::string>();
  if (sw["strategy"]) f.swarm_strategy = sw["strategy"].as<std::string>();
  SC_TRY(add(sw["master"] ? sw["master"].as<std::string>() : "master", "master", sw));
  if (root["nodes"]) {
    const auto &nodes = root["nodes"];
    if (nodes.IsSequence()) {
      for (const auto &n : nodes)
        SC_TRY(add(n.as<std::string>(), "node", n));
    } else if (nodes.IsMap()) {
      SC_TRY(check_keys(c, nodes, {"prefix", "count", "start"}, "nodes"));
      std::string prefix = nodes["prefix"] ? nodes["prefix"].as<std::string>() : "node";
      int count = 0, start = 0;
      try {
        count = nodes["count"] ? nodes["count"].as<int>() : 0;
        start = nodes["start"] ? nodes["start"].as<int>() : 0;
      } catch (const YAML::Exception &) {
        return fail(c.at(nodes, "nodes count/start must be numbers"));
      }
      if (count < 0 || count > 200)
        return fail(c.at(nodes["count"], "nodes count must be between 0 and 200"));
      for (int i = 0; i < count; ++i)
        SC_TRY(add(prefix + std::to_string(start + i), "node", nodes));
    } else {
      return fail(c.at(nodes, "nodes must be a list of names or {prefix, count}"));
    }
  }
  if (root["machines"]) {
    const auto &ms = root["machines"];
    if (!ms.IsMap()) return fail(c.at(ms, "machines must map machine names to overrides"));
    for (auto it = ms.begin(); it != ms.end(); ++it) {
      auto n = it->first.as<std::string>();
      ClusterMachine *target = nullptr;
      for (auto &m : f.machines)
        if (m.name == n) target = &m;
      if (!target)
        return fail(c.at(
            it->first,
            fmt::format("machine '{}' is not part of the cluster (kv, swarm.master or nodes)", n)));
      const auto &o = it->second;
      SC_TRY(check_keys(c, o, {"driver", "driver_options", "engine"}, "machine " + n));
      if (o["driver"]) {
        target->driver = o["driver"].as<std::string>();
        target->driver_options.clear();
      }
      if (o["driver_options"]) {
        auto opts = options_map(c, o["driver_options"]);
        if (!opts) return fail(opts.error());
        for (auto &[k, v] : *opts)
          target->driver_options[k] = v;
      }
      if (o["engine"]) SC_TRY(parse_engine(c, o["engine"], target->engine));
    }
  }
  if (root["images"]) {
    auto imgs = string_list(c, root["images"], "images");
    if (!imgs) return fail(imgs.error());
    for (auto img : *imgs) {
      // $VAR and ${VAR} expansion, so that files can point at build outputs.
      std::string out;
      for (size_t i = 0; i < img.size(); ++i) {
        if (img[i] != '$') {
          out += img[i];
          continue;
        }
        size_t j = i + 1;
        bool brace = j < img.size() && img[j] == '{';
        if (brace) ++j;
        size_t k = j;
        while (k < img.size() &&
               (std::isalnum(static_cast<unsigned char>(img[k])) || img[k] == '_'))
          ++k;
        std::string var = img.substr(j, k - j);
        const char *v = std::getenv(var.c_str());
        if (!v) return fail(c.at(root["images"], fmt::format("images: ${} is not set", var)));
        out += v;
        i = brace ? k : k - 1;
      }
      f.images.push_back(out);
    }
  }
  if (root["networks"]) {
    const auto &ns = root["networks"];
    if (!ns.IsSequence()) return fail(c.at(ns, "networks must be a list"));
    for (const auto &n : ns) {
      ClusterNetwork net;
      if (n.IsScalar()) {
        net.name = n.as<std::string>();
      } else {
        SC_TRY(check_keys(c, n, {"name", "driver", "attachable", "subnet"}, "network"));
        if (!n["name"]) return fail(c.at(n, "network needs a name"));
        net.name = n["name"].as<std::string>();
        if (n["driver"]) net.driver = n["driver"].as<std::string>();
        if (n["subnet"]) net.subnet = n["subnet"].as<std::string>();
        if (n["attachable"]) {
          try {
            net.attachable = n["attachable"].as<bool>();
          } catch (const YAML::Exception &) {
            return fail(c.at(n["attachable"], "attachable must be true or false"));
          }
        }
      }
      f.networks.push_back(net);
    }
  }
  return f;
}

} // namespace

Result<ClusterFile> parse_cluster_yaml(const std::string &text, const std::string &source_name) {
  Ctx c{source_name};
  try {
    YAML::Node root = YAML::Load(text);
    if (!root || root.IsNull())
      return fail(Errc::usage, fmt::format("{}: the file is empty", source_name));
    return parse_root(c, root);
  } catch (const YAML::Exception &e) {
    return fail(Errc::usage, fmt::format("{}:{}:{}: {}", source_name, e.mark.line + 1,
                                         e.mark.column + 1, e.msg));
  }
}

Result<ClusterFile> load_cluster_file(const std::string &path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  auto f = parse_cluster_yaml(*text, path);
  if (!f) return f;
  for (auto &img : f->images) {
    fs::path p(img);
    if (p.is_relative()) p = fs::absolute(fs::path(path).parent_path() / p);
    if (!fs::exists(p))
      return fail(Errc::usage, fmt::format("{}: image {} does not exist", path, p.string()));
    img = p.string();
  }
  return f;
}

// Image archives from the file: those holding only an image swarmctl itself runs go where it
// runs it — the KV store's image to the KV host, the classic Swarm image to the swarm machines —
// everything else (the user's images) to every machine. Each `docker load` is CPU and disk work
// on the host; in the seed topology this halves the bytes loaded (the etcd image is the largest).
std::vector<std::string> images_for_role(const ClusterFile &f, const std::string &role) {
  std::string kv_image, swarm_image;
  if (f.kv())
    kv_image = normalize_image_ref(f.kv_image.empty() ? kv_default_image(f.kv_kind) : f.kv_image);
  if (f.swarm_mode == "classic")
    swarm_image = normalize_image_ref(f.swarm_image.empty() ? "swarm:latest" : f.swarm_image);
  std::vector<std::string> out;
  for (const auto &path : f.images) {
    auto tags = image_archive_tags(path);
    // An unreadable archive is kept: loading it reports the error on every machine.
    if (!tags || tags->empty()) {
      out.push_back(path);
      continue;
    }
    auto only = [&](const std::string &image) {
      if (image.empty()) return false;
      for (const auto &t : *tags)
        if (normalize_image_ref(t) != image) return false;
      return true;
    };
    if (only(kv_image) && role != "kv") continue;
    if (only(swarm_image) && role == "kv") continue;
    out.push_back(path);
  }
  return out;
}

} // namespace sc
