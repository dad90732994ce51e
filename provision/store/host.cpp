#include <algorithm>
#include <fmt/format.h>
#include <provision/store/host.hpp>
#include <regex>

namespace sc {

bool valid_machine_name(std::string_view name) {
  static const std::regex re("^[a-zA-Z0-9][a-zA-Z0-9\\-\\.]*$");
  return !name.empty() && name.size() <= 63 && std::regex_match(name.begin(), name.end(), re);
}

namespace {
constexpr std::pair<MachineStatus, std::string_view> k_status_names[] = {
    {MachineStatus::Creating, "creating"},
    {MachineStatus::Created, "created"},
    {MachineStatus::Provisioning, "provisioning"},
    {MachineStatus::Provisioned, "provisioned"},
    {MachineStatus::Failed, "failed"}};
} // namespace

std::string_view status_name(MachineStatus s) {
  for (const auto &[st, name] : k_status_names)
    if (st == s) return name;
  return "";
}

MachineStatus parse_status(std::string_view s) {
  for (const auto &[st, name] : k_status_names)
    if (name == s) return st;
  return MachineStatus::Unknown;
}

namespace {
using OJ = nlohmann::ordered_json;

OJ list_or_null(const std::vector<std::string> &v) {
  return v.empty() ? OJ(nullptr) : OJ(v);
}

using J = nlohmann::json;

std::string type_of(const J &v) {
  switch (v.type()) {
  case J::value_t::string:
    return "a string";
  case J::value_t::boolean:
    return "a boolean";
  case J::value_t::number_integer:
  case J::value_t::number_unsigned:
  case J::value_t::number_float:
    return "a number";
  case J::value_t::array:
    return "a list";
  case J::value_t::object:
    return "an object";
  default:
    return "null";
  }
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
  const auto &e = h.engine;
  const auto &s = h.swarm;
  const auto &a = h.auth;
  OJ engine = {{"ArbitraryFlags", e.arbitrary_flags},
               {"Dns", list_or_null(e.dns)},
               {"GraphDir", e.graph_dir},
               {"Env", e.env},
               {"Ipv6", e.ipv6},
               {"InsecureRegistry", e.insecure_registry},
               {"Labels", e.labels},
               {"LogLevel", e.log_level},
               {"StorageDriver", e.storage_driver},
               {"SelinuxEnabled", e.selinux_enabled},
               {"TlsVerify", e.tls_verify},
               {"RegistryMirror", e.registry_mirror},
               {"InstallURL", e.install_url}};
  OJ swarm = {{"IsSwarm", s.is_swarm},
              {"Address", s.address},
              {"Discovery", s.discovery},
              {"Agent", s.agent},
              {"Master", s.master},
              {"Host", s.host},
              {"Image", s.image},
              {"Strategy", s.strategy},
              {"Heartbeat", s.heartbeat},
              {"Overcommit", s.overcommit},
              {"ArbitraryFlags", s.arbitrary_flags},
              {"ArbitraryJoinFlags", s.arbitrary_join_flags},
              {"Env", list_or_null(s.env)},
              {"IsExperimental", s.is_experimental}};
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
  OJ extras = {
      {"Schema", h.schema},
      {"Status", h.status == MachineStatus::Unknown ? std::string_view(h.unknown_status)
                                                    : status_name(h.status)},
      {"FailedStep", h.failed_step},
      {"CertIP", h.cert_ip},
      {"Cluster", h.swarm_cluster},
      {"EngineInstallMethod", e.install_method},
      {"EngineVersion", e.version},
      {"EnginePort", e.port},
      {"SwarmMode", s.mode},
      {"SwarmJoinAsManager", s.join_as_manager},
      {"KV", {{"Kind", kv_kind_name(h.kv.kind)}, {"Image", h.kv.image}, {"Port", h.kv.port}}},
      {"PreloadImages", h.preload_images}};
  if (!a.tls_ca_cert.empty() || !a.tls_ca_key.empty() || !a.tls_client_cert.empty() ||
      !a.tls_client_key.empty())
    extras["TLS"] = {{"CaCert", a.tls_ca_cert},
                     {"CaKey", a.tls_ca_key},
                     {"ClientCert", a.tls_client_cert},
                     {"ClientKey", a.tls_client_key}};
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
              {"EngineOptions", engine},
              {"SwarmOptions", swarm},
              {"AuthOptions", auth}}},
            {"Name", h.name},
            {"Swarmctl", extras}};
  return doc;
}

namespace {

Status read_engine(const Fields &e, EngineOptions &o) {
  SC_TRY(e.get("ArbitraryFlags", o.arbitrary_flags));
  SC_TRY(e.get("Dns", o.dns));
  SC_TRY(e.get("GraphDir", o.graph_dir));
  SC_TRY(e.get("Env", o.env));
  SC_TRY(e.get("Ipv6", o.ipv6));
  SC_TRY(e.get("InsecureRegistry", o.insecure_registry));
  SC_TRY(e.get("Labels", o.labels));
  SC_TRY(e.get("LogLevel", o.log_level));
  SC_TRY(e.get("StorageDriver", o.storage_driver));
  SC_TRY(e.get("SelinuxEnabled", o.selinux_enabled));
  SC_TRY(e.get("TlsVerify", o.tls_verify));
  SC_TRY(e.get("RegistryMirror", o.registry_mirror));
  return e.get("InstallURL", o.install_url);
}

Status read_swarm(const Fields &s, SwarmOptions &o) {
  SC_TRY(s.get("IsSwarm", o.is_swarm));
  SC_TRY(s.get("Address", o.address));
  SC_TRY(s.get("Discovery", o.discovery));
  SC_TRY(s.get("Agent", o.agent));
  SC_TRY(s.get("Master", o.master));
  SC_TRY(s.get("Host", o.host));
  SC_TRY(s.get("Image", o.image));
  SC_TRY(s.get("Strategy", o.strategy));
  SC_TRY(s.get("Heartbeat", o.heartbeat));
  SC_TRY(s.get("Overcommit", o.overcommit));
  SC_TRY(s.get("ArbitraryFlags", o.arbitrary_flags));
  SC_TRY(s.get("ArbitraryJoinFlags", o.arbitrary_join_flags));
  SC_TRY(s.get("Env", o.env));
  return s.get("IsExperimental", o.is_experimental);
}

// The "Swarmctl" object: what swarmctl adds to docker-machine's record.
Status read_extras(const Fields &x, HostRecord &h) {
  SC_TRY(x.get("Schema", h.schema));
  std::string status(status_name(h.status));
  SC_TRY(x.get("Status", status));
  h.status = parse_status(status);
  if (h.status == MachineStatus::Unknown) h.unknown_status = status;
  SC_TRY(x.get("FailedStep", h.failed_step));
  SC_TRY(x.get("CertIP", h.cert_ip));
  SC_TRY(x.get("Cluster", h.swarm_cluster));
  SC_TRY(x.get("EngineInstallMethod", h.engine.install_method));
  SC_TRY(x.get("EngineVersion", h.engine.version));
  SC_TRY(x.get("EnginePort", h.engine.port));
  SC_TRY(x.get("SwarmMode", h.swarm.mode));
  SC_TRY(x.get("SwarmJoinAsManager", h.swarm.join_as_manager));
  SC_TRY(x.get("PreloadImages", h.preload_images));
  // Tolerated when not a boolean: provisioning then guesses, as for an older record.
  if (const J *v = x.raw("AutoClusterAdvertise"); v && v->is_boolean())
    h.auto_cluster_advertise = v->get<bool>();
  auto tls = x.object("TLS");
  if (!tls) return fail(tls.error());
  SC_TRY(tls->get("CaCert", h.auth.tls_ca_cert));
  SC_TRY(tls->get("CaKey", h.auth.tls_ca_key));
  SC_TRY(tls->get("ClientCert", h.auth.tls_client_cert));
  SC_TRY(tls->get("ClientKey", h.auth.tls_client_key));
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
  SC_TRY(read_engine(*engine, h.engine));
  auto swarm = ho->object("SwarmOptions");
  if (!swarm) return fail(swarm.error());
  SC_TRY(read_swarm(*swarm, h.swarm));
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
