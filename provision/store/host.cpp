#include <algorithm>
#include <fmt/format.h>
#include <provision/store/host.hpp>
#include <provision/util/name_table.hpp>

namespace sc {

// docker-machine's pattern ^[a-zA-Z0-9][a-zA-Z0-9\-\.]*$, checked by hand: compiling the
// std::regex cost every command that names a machine about 0.5 M instructions.
bool valid_machine_name(std::string_view name) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || name.size() > 63 || !alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

namespace {
constexpr NameEntry<MachineStatus> k_status_names[] = {
    {MachineStatus::Creating, "creating"},
    {MachineStatus::Created, "created"},
    {MachineStatus::Provisioning, "provisioning"},
    {MachineStatus::Provisioned, "provisioned"},
    {MachineStatus::Failed, "failed"}};
} // namespace

std::string_view status_name(MachineStatus s) {
  return name_in(k_status_names, s);
}

MachineStatus parse_status(std::string_view s) {
  return value_in(k_status_names, s).value_or(MachineStatus::Unknown);
}

namespace {
using OJ = nlohmann::ordered_json;

OJ list_or_null(const std::vector<std::string> &v) {
  return v.empty() ? OJ(nullptr) : OJ(v);
}

using J = nlohmann::json;

std::string type_of(const J &v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  return "null";
}

// Typed reads of one JSON object of the record, without exceptions: a field of the wrong type
// is an error naming the field ("HostOptions.EngineOptions.Dns must be a list of strings, got a
// number"); a missing or null field keeps the default.
class Fields {
public:
  Fields(const J &obj, std::string path) : m_obj(obj), m_path(std::move(path)) {}

  // The object under `key` (an empty one when missing or null).
  Result<Fields> object(const char *key) const {
    const J *v = find(key);
    if (!v) return Fields(empty(), name(key));
    if (!v->is_object()) return fail(wrong(key, "an object", *v));
    return Fields(*v, name(key));
  }
  Status get(const char *key, std::string &out) const {
    const J *v = find(key);
    if (!v) return ok();
    if (!v->is_string()) return fail(wrong(key, "a string", *v));
    out = v->get_ref<const std::string &>();
    return ok();
  }
  Status get(const char *key, bool &out) const {
    const J *v = find(key);
    if (!v) return ok();
    if (!v->is_boolean()) return fail(wrong(key, "true or false", *v));
    out = v->get<bool>();
    return ok();
  }
  Status get(const char *key, int &out) const {
    const J *v = find(key);
    if (!v) return ok();
    if (v->is_number_unsigned() && v->get<unsigned long long>() <= k_int_max) {
      out = static_cast<int>(v->get<unsigned long long>());
      return ok();
    }
    if (v->is_number_integer() && !v->is_number_unsigned() && v->get<long long>() >= -k_int_max &&
        v->get<long long>() <= k_int_max) {
      out = static_cast<int>(v->get<long long>());
      return ok();
    }
    return fail(wrong(key, "an integer", *v));
  }
  Status get(const char *key, std::vector<std::string> &out) const {
    const J *v = find(key);
    if (!v) return ok();
    bool strings = v->is_array();
    for (size_t i = 0; strings && i < v->size(); ++i)
      strings = (*v)[i].is_string();
    if (!strings) return fail(wrong(key, "a list of strings", *v));
    out = v->get<std::vector<std::string>>();
    return ok();
  }

  // The field as it is (nullptr when missing or null), for fields read leniently.
  const J *raw(const char *key) const { return find(key); }

private:
  static constexpr long long k_int_max = 2147483647;
  static const J &empty() {
    static const J e = J::object();
    return e;
  }
  const J *find(const char *key) const {
    auto it = m_obj.find(key);
    return it == m_obj.end() || it->is_null() ? nullptr : &*it;
  }
  std::string name(const char *key) const { return m_path.empty() ? key : m_path + "." + key; }
  Error wrong(const char *key, std::string_view want, const J &got) const {
    bool list_of_other = got.is_array() && want.find("list") != std::string_view::npos;
    return Error{Errc::parse,
                 fmt::format("config.json: {} must be {}, got {}", name(key), want,
                             list_of_other ? "a list of something else" : type_of(got))};
  }

  const J &m_obj;
  std::string m_path;
};

// The record's plain keys are listed once, in docker-machine's order, for the writer and the
// reader alike: each list calls field(key, member) per key; field(key, list, NullWhenEmpty{})
// for a list docker-machine writes as null when empty.
struct NullWhenEmpty {};

constexpr auto engine_fields = [](auto &e, auto &&field) {
  field("ArbitraryFlags", e.arbitrary_flags);
  field("Dns", e.dns, NullWhenEmpty{});
  field("GraphDir", e.graph_dir);
  field("Env", e.env);
  field("Ipv6", e.ipv6);
  field("InsecureRegistry", e.insecure_registry);
  field("Labels", e.labels);
  field("LogLevel", e.log_level);
  field("StorageDriver", e.storage_driver);
  field("SelinuxEnabled", e.selinux_enabled);
  field("TlsVerify", e.tls_verify);
  field("RegistryMirror", e.registry_mirror);
  field("InstallURL", e.install_url);
};

constexpr auto swarm_fields = [](auto &s, auto &&field) {
  field("IsSwarm", s.is_swarm);
  field("Address", s.address);
  field("Discovery", s.discovery);
  field("Agent", s.agent);
  field("Master", s.master);
  field("Host", s.host);
  field("Image", s.image);
  field("Strategy", s.strategy);
  field("Heartbeat", s.heartbeat);
  field("Overcommit", s.overcommit);
  field("ArbitraryFlags", s.arbitrary_flags);
  field("ArbitraryJoinFlags", s.arbitrary_join_flags);
  field("Env", s.env, NullWhenEmpty{});
  field("IsExperimental", s.is_experimental);
};

// The "Swarmctl" object's plain keys, between "Status" and "KV" (the others are not plain).
constexpr auto extras_fields = [](auto &h, auto &&field) {
  field("FailedStep", h.failed_step);
  field("CertIP", h.cert_ip);
  field("Cluster", h.swarm_cluster);
  field("EngineInstallMethod", h.engine.install_method);
  field("EngineVersion", h.engine.version);
  field("EnginePort", h.engine.port);
  field("SwarmMode", h.swarm.mode);
  field("SwarmJoinAsManager", h.swarm.join_as_manager);
};

// "Swarmctl"."TLS": the global --tls-* files given at create.
constexpr auto tls_fields = [](auto &a, auto &&field) {
  field("CaCert", a.tls_ca_cert);
  field("CaKey", a.tls_ca_key);
  field("ClientCert", a.tls_client_cert);
  field("ClientKey", a.tls_client_key);
};

// The object a list writes, its keys in the list's order.
template <class T, class List> OJ written(const T &from, List list) {
  OJ out = OJ::object();
  list(from, [&](const char *key, const auto &value, auto... null_when_empty) {
    if constexpr (sizeof...(null_when_empty) > 0)
      out[key] = list_or_null(value);
    else
      out[key] = value;
  });
  return out;
}

// Reads a list's keys from `in` into `to`; the first field of the wrong type is the error.
template <class T, class List> Status read_fields(const Fields &in, T &to, List list) {
  Status st = ok();
  list(to, [&](const char *key, auto &value, auto...) {
    if (st) st = in.get(key, value);
  });
  return st;
}

} // namespace

void compute_auth_paths(HostRecord &h, const std::string &store_path) {
  std::string certs = store_path + "/certs";
  std::string mdir = store_path + "/machines/" + h.name;
  auto &a = h.auth;
  a.cert_dir = certs;
  auto given = [](const std::string &p, std::string def) { return p.empty() ? def : p; };
  a.ca_cert_path = given(a.tls_ca_cert, certs + "/ca.pem");
  a.ca_private_key_path = given(a.tls_ca_key, certs + "/ca-key.pem");
  a.client_cert_path = given(a.tls_client_cert, certs + "/cert.pem");
  a.client_key_path = given(a.tls_client_key, certs + "/key.pem");
  a.server_cert_path = mdir + "/server.pem";
  a.server_key_path = mdir + "/server-key.pem";
  a.store_path = mdir;
  a.ca_cert_remote_path.clear();
  a.server_cert_remote_path.clear();
  a.server_key_remote_path.clear();
}

nlohmann::ordered_json to_json(const HostRecord &h) {
  const auto &a = h.auth;
  OJ auth = {{"CertDir", a.cert_dir},
             {"CaCertPath", a.ca_cert_path},
             {"CaPrivateKeyPath", a.ca_private_key_path},
             {"CaCertRemotePath", a.ca_cert_remote_path},
             {"ServerCertPath", a.server_cert_path},
             {"ServerKeyPath", a.server_key_path},
             {"ClientKeyPath", a.client_key_path},
             {"ServerCertRemotePath", a.server_cert_remote_path},
             {"ServerKeyRemotePath", a.server_key_remote_path},
             {"ClientCertPath", a.client_cert_path},
             {"ServerCertSANs", a.server_cert_sans},
             {"StorePath", a.store_path}};
  OJ extras = {{"Schema", h.schema},
               {"Status", h.status == MachineStatus::Unknown ? std::string_view(h.unknown_status)
                                                             : status_name(h.status)}};
  extras.update(written(h, extras_fields));
  extras["KV"] = {{"Kind", kv_kind_name(h.kv.kind)}, {"Image", h.kv.image}, {"Port", h.kv.port}};
  extras["PreloadImages"] = h.preload_images;
  if (!a.tls_ca_cert.empty() || !a.tls_ca_key.empty() || !a.tls_client_cert.empty() ||
      !a.tls_client_key.empty())
    extras["TLS"] = written(a, tls_fields);
  // Left out when unknown (a record of an older version): provisioning then guesses.
  if (h.auto_cluster_advertise) extras["AutoClusterAdvertise"] = *h.auto_cluster_advertise;
  OJ doc = {{"ConfigVersion", h.config_version},
            {"Driver",
             OJ::parse(h.driver.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))},
            {"DriverName", h.driver_name},
            {"HostOptions",
             {{"Driver", ""},
              {"Memory", 0},
              {"Disk", 0},
              {"EngineOptions", written(h.engine, engine_fields)},
              {"SwarmOptions", written(h.swarm, swarm_fields)},
              {"AuthOptions", auth}}},
            {"Name", h.name},
            {"Swarmctl", extras}};
  return doc;
}

namespace {

// The "Swarmctl" object: what swarmctl adds to docker-machine's record.
Status read_extras(const Fields &x, HostRecord &h) {
  SC_TRY(x.get("Schema", h.schema));
  std::string status(status_name(h.status));
  SC_TRY(x.get("Status", status));
  h.status = parse_status(status);
  if (h.status == MachineStatus::Unknown) h.unknown_status = status;
  SC_TRY(read_fields(x, h, extras_fields));
  SC_TRY(x.get("PreloadImages", h.preload_images));
  // Tolerated when not a boolean: provisioning then guesses, as for an older record.
  if (const J *v = x.raw("AutoClusterAdvertise"); v && v->is_boolean())
    h.auto_cluster_advertise = v->get<bool>();
  auto tls = x.object("TLS");
  if (!tls) return fail(tls.error());
  SC_TRY(read_fields(*tls, h.auth, tls_fields));
  auto kv = x.object("KV");
  if (!kv) return fail(kv.error());
  std::string kind;
  SC_TRY(kv->get("Kind", kind));
  auto k = parse_kv_kind(kind);
  if (!k) return fail(Errc::parse, "config.json: Swarmctl.KV.Kind: " + k.error().message);
  h.kv.kind = *k;
  SC_TRY(kv->get("Image", h.kv.image));
  return kv->get("Port", h.kv.port);
}

} // namespace

Result<HostRecord> host_from_json(const nlohmann::json &j) {
  HostRecord h;
  if (!j.is_object()) return fail(Errc::parse, "machine config is not a JSON object");
  Fields root(j, "");
  SC_TRY(root.get("ConfigVersion", h.config_version));
  if (h.config_version > 3)
    return fail(Errc::parse,
                "config version is from the future -- you should upgrade your swarmctl client");
  SC_TRY(root.get("Name", h.name));
  SC_TRY(root.get("DriverName", h.driver_name));
  auto driver = root.object("Driver");
  if (!driver) return fail(driver.error());
  if (auto it = j.find("Driver"); it != j.end() && it->is_object()) h.driver = *it;
  auto ho = root.object("HostOptions");
  if (!ho) return fail(ho.error());
  auto engine = ho->object("EngineOptions");
  if (!engine) return fail(engine.error());
  SC_TRY(read_fields(*engine, h.engine, engine_fields));
  auto swarm = ho->object("SwarmOptions");
  if (!swarm) return fail(swarm.error());
  SC_TRY(read_fields(*swarm, h.swarm, swarm_fields));
  auto auth = ho->object("AuthOptions");
  if (!auth) return fail(auth.error());
  SC_TRY(auth->get("ServerCertSANs", h.auth.server_cert_sans));
  auto extras = root.object("Swarmctl");
  if (!extras) return fail(extras.error());
  SC_TRY(read_extras(*extras, h));
  return h;
}

namespace {
// Deepest nesting of arrays and objects in a JSON text (brackets outside strings).
size_t json_depth(std::string_view t) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : t) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}
} // namespace

Result<HostRecord> host_from_text(std::string_view text) {
  if (json_depth(text) > 64) return fail(Errc::parse, "config.json is nested too deep");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error &e) {
    // The parser's own message quotes the bytes it read: only the position is kept.
    return fail(Errc::parse, fmt::format("config.json is not valid JSON (at byte {})", e.byte));
  } catch (const nlohmann::json::exception &) {
    // out_of_range 406: a number beyond double's range ("1e999"), found by fuzz_host_record.
    return fail(Errc::parse, "config.json is not valid JSON (a number out of range)");
  }
  return host_from_json(j);
}

} // namespace sc
