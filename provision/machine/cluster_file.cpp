#include <cctype>
#include <cstdlib>
#include <drivers/registry.hpp>
#include <fmt/format.h>
#include <provision/cluster/kv.hpp>
#include <provision/machine/cluster_file.hpp>
#include <provision/machine/cluster_yaml.hpp>
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

using namespace cluster_yaml;
using Options = std::map<std::string, std::vector<std::string>>;
using Section = std::map<std::string, YAML::Node>;

// The mapping `n` as key -> node (keys checked against `allowed`, duplicates refused).
Result<Section> section(const Ctx &c, const YAML::Node &n, const std::set<std::string> &allowed,
                        const std::string &where) {
  auto es = entries(c, n, allowed, where);
  if (!es) return fail(es.error());
  return Section(es->begin(), es->end());
}

const YAML::Node *get(const Section &s, const std::string &key) {
  auto it = s.find(key);
  return it == s.end() ? nullptr : &it->second;
}

Status set_string(const Ctx &c, const Section &s, const std::string &key, const std::string &path,
                  std::string &dst) {
  if (const auto *n = get(s, key)) {
    auto v = string_at(c, *n, path);
    if (!v) return fail(v.error());
    dst = *v;
  }
  return ok();
}

// A driver name from the file: one of the driver table's.
Result<std::string> driver_at(const Ctx &c, const YAML::Node &n, const std::string &key) {
  auto d = string_at(c, n, key);
  if (!d) return fail(d.error());
  if (make_driver(*d)) return *d;
  std::string known;
  for (const auto &info : driver_table())
    known += (known.empty() ? "" : ", ") + info.name;
  return fail(
      c.at(n, fmt::format("'{}': unknown driver {} (drivers: {})", key, quote_value(*d), known)));
}

// driver_options: flag names (without dashes) of `driver` -> one value or a list.
Result<Options> options_map(const Ctx &c, const YAML::Node &n, const std::string &driver,
                            const std::string &key) {
  auto es = entries(c, n, {}, key);
  if (!es) return fail(es.error());
  std::set<std::string> flags;
  if (auto d = make_driver(driver))
    for (const auto &sp : d->create_flags())
      flags.insert(sp.name);
  Options out;
  for (auto &[name, value] : *es) {
    auto flag = name.rfind("--", 0) == 0 ? name.substr(2) : name;
    if (!flags.count(flag))
      return fail(c.at(value, fmt::format("'{}': {} is not a flag of the {} driver", key,
                                          quote_value(flag), driver)));
    auto v = strings_at(c, value, key_path(key, flag));
    if (!v) return fail(v.error());
    out[flag] = *v;
  }
  return out;
}

Status parse_engine(const Ctx &c, const YAML::Node &n, const std::string &key, ClusterEngine &e) {
  auto s = section(c, n,
                   {"install_method", "version", "storage_driver", "opts", "labels", "env",
                    "insecure_registries", "registry_mirrors"},
                   key);
  if (!s) return fail(s.error());
  SC_TRY(set_string(c, *s, "install_method", key + ".install_method", e.install_method));
  SC_TRY(set_string(c, *s, "version", key + ".version", e.version));
  SC_TRY(set_string(c, *s, "storage_driver", key + ".storage_driver", e.storage_driver));
  using List = std::pair<const char *, std::vector<std::string> *>;
  for (auto [k, dst] : {List{"opts", &e.opts}, List{"labels", &e.labels}, List{"env", &e.env},
                        List{"insecure_registries", &e.insecure_registries},
                        List{"registry_mirrors", &e.registry_mirrors}}) {
    const auto *v = get(*s, k);
    if (!v) continue;
    auto l = strings_at(c, *v, key + "." + k);
    if (!l) return fail(l.error());
    dst->insert(dst->end(), l->begin(), l->end());
  }
  if (!e.install_method.empty() && e.install_method != "package" && e.install_method != "script" &&
      e.install_method != "none")
    return fail(c.at(*get(*s, "install_method"),
                     fmt::format("'{}.install_method' must be package, script or none", key)));
  return ok();
}

// The machines of the file, in order, each with the file-wide driver, options and engine.
struct Builder {
  const Ctx &c;
  ClusterFile &f;
  std::string driver = "virtualbox";
  Options options;
  ClusterEngine engine;

  Status add(const std::string &name, const std::string &role, const YAML::Node &where) {
    if (!valid_machine_name(name))
      return fail(c.at(where, fmt::format("invalid machine name {}", quote_value(name))));
    for (const auto &m : f.machines)
      if (m.name == name)
        return fail(c.at(where, fmt::format("machine {} is listed twice", quote_value(name))));
    f.machines.push_back(ClusterMachine{name, role, driver, options, engine});
    return ok();
  }
};

Status parse_kv(Builder &b, const YAML::Node &n) {
  const auto &c = b.c;
  auto s = section(c, n, {"name", "kind", "image", "port"}, "kv");
  if (!s) return fail(s.error());
  std::string kind(kv_kind_name(KvKind::Consul));
  SC_TRY(set_string(c, *s, "kind", "kv.kind", kind));
  auto k = parse_kv_kind(kind);
  if (!k || *k == KvKind::None)
    return fail(c.at(*get(*s, "kind"), "'kv.kind' must be consul, etcd or zookeeper"));
  b.f.kv_kind = *k;
  SC_TRY(set_string(c, *s, "image", "kv.image", b.f.kv_image));
  if (const auto *p = get(*s, "port")) {
    auto port = integer_at(c, *p, "kv.port", 1, 65535);
    if (!port) return fail(port.error());
    b.f.kv_port = static_cast<int>(*port);
  }
  std::string name(kv_kind_name(b.f.kv_kind));
  SC_TRY(set_string(c, *s, "name", "kv.name", name));
  return b.add(name, "kv", get(*s, "name") ? *get(*s, "name") : n);
}

Status parse_swarm(Builder &b, const YAML::Node &n, bool has_kv) {
  const auto &c = b.c;
  auto s = section(c, n, {"mode", "master", "image", "strategy"}, "swarm");
  if (!s) return fail(s.error());
  std::string mode = "classic";
  SC_TRY(set_string(c, *s, "mode", "swarm.mode", mode));
  if (mode != "classic" && mode != "swarm-mode")
    return fail(c.at(*get(*s, "mode"), "'swarm.mode' must be classic or swarm-mode"));
  b.f.swarm_mode = mode == "classic" ? SwarmKind::Classic : SwarmKind::SwarmMode;
  if (b.f.swarm_mode == SwarmKind::Classic && !has_kv)
    return fail(
        c.at(n, "classic swarm needs a kv store (add a 'kv' section) or use mode: swarm-mode"));
  SC_TRY(set_string(c, *s, "image", "swarm.image", b.f.swarm_image));
  SC_TRY(set_string(c, *s, "strategy", "swarm.strategy", b.f.swarm_strategy));
  std::string master = "master";
  SC_TRY(set_string(c, *s, "master", "swarm.master", master));
  return b.add(master, "master", get(*s, "master") ? *get(*s, "master") : n);
}

Status parse_nodes(Builder &b, const YAML::Node &n) {
  const auto &c = b.c;
  if (n.IsSequence()) {
    for (const auto &e : n) {
      auto name = string_at(c, e, "nodes[]");
      if (!name) return fail(name.error());
      SC_TRY(b.add(*name, "node", e));
    }
    return ok();
  }
  if (!n.IsMap())
    return fail(c.at(n, fmt::format("'nodes' must be a list of names or {{prefix, count}}, got {}",
                                    kind_name(n))));
  auto s = section(c, n, {"prefix", "count", "start"}, "nodes");
  if (!s) return fail(s.error());
  std::string prefix = "node";
  SC_TRY(set_string(c, *s, "prefix", "nodes.prefix", prefix));
  long long count = 0, start = 0;
  if (const auto *v = get(*s, "count")) {
    auto r = integer_at(c, *v, "nodes.count", 0, 200);
    if (!r) return fail(r.error());
    count = *r;
  }
  if (const auto *v = get(*s, "start")) {
    // The last node's number must fit the machine name's limits too: stay far from overflow.
    auto r = integer_at(c, *v, "nodes.start", 0, 1'000'000'000);
    if (!r) return fail(r.error());
    start = *r;
  }
  for (long long i = 0; i < count; ++i)
    SC_TRY(b.add(prefix + std::to_string(start + i), "node", n));
  return ok();
}

Status parse_machines(Builder &b, const YAML::Node &n) {
  const auto &c = b.c;
  auto es = entries(c, n, {}, "machines");
  if (!es) return fail(es.error());
  for (const auto &[name, o] : *es) {
    ClusterMachine *target = nullptr;
    for (auto &m : b.f.machines)
      if (m.name == name) target = &m;
    if (!target)
      return fail(
          c.at(o, fmt::format("machine {} is not part of the cluster (kv, swarm.master or nodes)",
                              quote_value(name))));
    std::string key = "machines." + name;
    auto s = section(c, o, {"driver", "driver_options", "engine"}, key);
    if (!s) return fail(s.error());
    if (const auto *d = get(*s, "driver")) {
      auto driver = driver_at(c, *d, key + ".driver");
      if (!driver) return fail(driver.error());
      target->driver = *driver;
      target->driver_options.clear();
    }
    if (const auto *d = get(*s, "driver_options")) {
      auto opts = options_map(c, *d, target->driver, key + ".driver_options");
      if (!opts) return fail(opts.error());
      for (auto &[k, v] : *opts)
        target->driver_options[k] = v;
    }
    if (const auto *e = get(*s, "engine"))
      SC_TRY(parse_engine(c, *e, key + ".engine", target->engine));
  }
  return ok();
}

// $VAR and ${VAR} expansion, so that files can point at build outputs.
Result<std::string> expand_vars(const Ctx &c, const YAML::Node &where, const std::string &img) {
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
    while (k < img.size() && (std::isalnum(static_cast<unsigned char>(img[k])) || img[k] == '_'))
      ++k;
    std::string var = img.substr(j, k - j);
    const char *v = std::getenv(var.c_str());
    if (!v) return fail(c.at(where, fmt::format("images: ${} is not set", var)));
    out += v;
    i = brace ? k : k - 1;
  }
  return out;
}

Status parse_networks(const Ctx &c, const YAML::Node &ns, ClusterFile &f) {
  if (!ns.IsSequence())
    return fail(c.at(ns, fmt::format("'networks' must be a list, got {}", kind_name(ns))));
  for (const auto &n : ns) {
    ClusterNetwork net;
    if (n.IsScalar()) {
      net.name = n.Scalar();
    } else {
      auto s = section(c, n, {"name", "driver", "attachable", "subnet"}, "network");
      if (!s) return fail(s.error());
      if (!get(*s, "name")) return fail(c.at(n, "network needs a name"));
      SC_TRY(set_string(c, *s, "name", "networks[].name", net.name));
      SC_TRY(set_string(c, *s, "driver", "networks[].driver", net.driver));
      SC_TRY(set_string(c, *s, "subnet", "networks[].subnet", net.subnet));
      if (const auto *a = get(*s, "attachable")) {
        auto v = boolean_at(c, *a, "networks[].attachable");
        if (!v) return fail(v.error());
        net.attachable = *v;
      }
    }
    f.networks.push_back(net);
  }
  return ok();
}

Result<ClusterFile> parse_root(const Ctx &c, const YAML::Node &root) {
  ClusterFile f;
  auto s = section(c, root,
                   {"cluster", "driver", "driver_options", "engine", "kv", "swarm", "nodes",
                    "machines", "networks", "images"},
                   k_root);
  if (!s) return fail(s.error());
  if (!get(*s, "cluster")) return fail(c.at(root, "missing key 'cluster' (the cluster's name)"));
  SC_TRY(set_string(c, *s, "cluster", "cluster", f.name));
  Builder b{c, f, "virtualbox", {}, {}};
  if (const auto *d = get(*s, "driver")) {
    auto driver = driver_at(c, *d, "driver");
    if (!driver) return fail(driver.error());
    b.driver = *driver;
  }
  if (const auto *o = get(*s, "driver_options")) {
    auto opts = options_map(c, *o, b.driver, "driver_options");
    if (!opts) return fail(opts.error());
    b.options = *opts;
  }
  if (const auto *e = get(*s, "engine")) SC_TRY(parse_engine(c, *e, "engine", b.engine));
  if (const auto *kv = get(*s, "kv")) SC_TRY(parse_kv(b, *kv));
  if (!get(*s, "swarm")) return fail(c.at(root, "missing key 'swarm' (mode and master)"));
  SC_TRY(parse_swarm(b, *get(*s, "swarm"), get(*s, "kv") != nullptr));
  if (const auto *n = get(*s, "nodes")) SC_TRY(parse_nodes(b, *n));
  if (const auto *m = get(*s, "machines")) SC_TRY(parse_machines(b, *m));
  if (const auto *imgs = get(*s, "images")) {
    auto list = strings_at(c, *imgs, "images");
    if (!list) return fail(list.error());
    for (const auto &img : *list) {
      auto e = expand_vars(c, *imgs, img);
      if (!e) return fail(e.error());
      f.images.push_back(*e);
    }
  }
  if (const auto *n = get(*s, "networks")) SC_TRY(parse_networks(c, *n, f));
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
    // Syntax errors (and yaml-cpp's nesting limit) carry their position. Some quote the
    // offending character: the message stays one printable line.
    std::string msg = e.msg;
    for (auto &ch : msg)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return fail(Errc::usage,
                fmt::format("{}:{}:{}: {}", source_name, e.mark.line + 1, e.mark.column + 1, msg));
  }
}

Result<ClusterFile> load_cluster_file(const std::string &path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return fail(Errc::usage, fmt::format("{}: is a directory, not a cluster file", path));
  auto text = read_file(path, k_max_cluster_file);
  if (!text) return fail(text.error());
  auto f = parse_cluster_yaml(*text, path);
  if (!f) return f;
  for (auto &img : f->images) {
    fs::path p(img);
    if (p.is_relative()) p = fs::absolute(fs::path(path).parent_path() / p, ec);
    if (ec || !fs::exists(p, ec))
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
  if (f.swarm_mode == SwarmKind::Classic)
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
