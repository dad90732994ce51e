#include <fmt/format.h>
#include <provision/store/host.hpp>
#include <regex>

namespace sc {

bool valid_machine_name(std::string_view name) {
  static const std::regex re("^[a-zA-Z0-9][a-zA-Z0-9\\-\\.]*$");
  return !name.empty() && name.size() <= 63 && std::regex_match(name.begin(), name.end(), re);
}

namespace {
using OJ = nlohmann::ordered_json;

OJ list_or_null(const std::vector<std::string> &v) {
  return v.empty() ? OJ(nullptr) : OJ(v);
}

template <class T> void get(const nlohmann::json &j, const char *key, T &out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->get<T>();
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
  OJ extras = {{"Schema", h.schema},
               {"Status", h.status},
               {"FailedStep", h.failed_step},
               {"CertIP", h.cert_ip},
               {"Cluster", h.swarm_cluster},
               {"EngineInstallMethod", e.install_method},
               {"EngineVersion", e.version},
               {"EnginePort", e.port},
               {"SwarmMode", s.mode},
               {"SwarmJoinAsManager", s.join_as_manager},
               {"KV", {{"Kind", h.kv.kind}, {"Image", h.kv.image}, {"Port", h.kv.port}}},
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
            {"Driver", OJ::parse(h.driver.dump())},
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

Result<HostRecord> host_from_json(const nlohmann::json &j) {
  HostRecord h;
  try {
    if (!j.is_object()) return fail(Errc::parse, "machine config is not a JSON object");
    get(j, "ConfigVersion", h.config_version);
    if (h.config_version > 3)
      return fail(Errc::parse,
                  "config version is from the future -- you should upgrade your swarmctl client");
    get(j, "Name", h.name);
    get(j, "DriverName", h.driver_name);
    if (j.contains("Driver")) h.driver = j.at("Driver");
    const auto &ho = j.value("HostOptions", nlohmann::json::object());
    const auto &e = ho.value("EngineOptions", nlohmann::json::object());
    get(e, "ArbitraryFlags", h.engine.arbitrary_flags);
    get(e, "Dns", h.engine.dns);
    get(e, "GraphDir", h.engine.graph_dir);
    get(e, "Env", h.engine.env);
    get(e, "Ipv6", h.engine.ipv6);
    get(e, "InsecureRegistry", h.engine.insecure_registry);
    get(e, "Labels", h.engine.labels);
    get(e, "LogLevel", h.engine.log_level);
    get(e, "StorageDriver", h.engine.storage_driver);
    get(e, "SelinuxEnabled", h.engine.selinux_enabled);
    get(e, "TlsVerify", h.engine.tls_verify);
    get(e, "RegistryMirror", h.engine.registry_mirror);
    get(e, "InstallURL", h.engine.install_url);
    const auto &s = ho.value("SwarmOptions", nlohmann::json::object());
    get(s, "IsSwarm", h.swarm.is_swarm);
    get(s, "Address", h.swarm.address);
    get(s, "Discovery", h.swarm.discovery);
    get(s, "Agent", h.swarm.agent);
    get(s, "Master", h.swarm.master);
    get(s, "Host", h.swarm.host);
    get(s, "Image", h.swarm.image);
    get(s, "Strategy", h.swarm.strategy);
    get(s, "Heartbeat", h.swarm.heartbeat);
    get(s, "Overcommit", h.swarm.overcommit);
    get(s, "ArbitraryFlags", h.swarm.arbitrary_flags);
    get(s, "ArbitraryJoinFlags", h.swarm.arbitrary_join_flags);
    get(s, "Env", h.swarm.env);
    get(s, "IsExperimental", h.swarm.is_experimental);
    const auto &a = ho.value("AuthOptions", nlohmann::json::object());
    get(a, "ServerCertSANs", h.auth.server_cert_sans);
    const auto &x = j.value("Swarmctl", nlohmann::json::object());
    get(x, "Schema", h.schema);
    get(x, "Status", h.status);
    get(x, "FailedStep", h.failed_step);
    get(x, "CertIP", h.cert_ip);
    get(x, "Cluster", h.swarm_cluster);
    get(x, "EngineInstallMethod", h.engine.install_method);
    get(x, "EngineVersion", h.engine.version);
    get(x, "EnginePort", h.engine.port);
    get(x, "SwarmMode", h.swarm.mode);
    get(x, "SwarmJoinAsManager", h.swarm.join_as_manager);
    get(x, "PreloadImages", h.preload_images);
    if (x.contains("AutoClusterAdvertise") && x.at("AutoClusterAdvertise").is_boolean())
      h.auto_cluster_advertise = x.at("AutoClusterAdvertise").get<bool>();
    if (x.contains("TLS")) {
      const auto &t = x.at("TLS");
      get(t, "CaCert", h.auth.tls_ca_cert);
      get(t, "CaKey", h.auth.tls_ca_key);
      get(t, "ClientCert", h.auth.tls_client_cert);
      get(t, "ClientKey", h.auth.tls_client_key);
    }
    if (x.contains("KV")) {
      const auto &kv = x.at("KV");
      get(kv, "Kind", h.kv.kind);
      get(kv, "Image", h.kv.image);
      get(kv, "Port", h.kv.port);
    }
  } catch (const std::exception &ex) {
    return fail(Errc::parse, fmt::format("malformed machine config: {}", ex.what()));
  }
  return h;
}

} // namespace sc
