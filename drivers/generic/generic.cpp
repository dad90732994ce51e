#include <sys/stat.h>

#include <drivers/driver_base.hpp>
#include <drivers/generic/generic.hpp>
#include <fmt/format.h>
#include <provision/util/fs.hpp>
#include <provision/util/net.hpp>
#include <provision/util/ports.hpp>

namespace sc {
namespace {

class GenericDriver : public DriverBase {
public:
  GenericDriver() : DriverBase("generic") {}

  std::vector<FlagSpec> create_flags() const override {
    using K = FlagSpec::Kind;
    return {
        {"generic-ip-address", K::String, "", "GENERIC_IP_ADDRESS", "IP Address of machine"},
        {"generic-ssh-user", K::String, "root", "GENERIC_SSH_USER", "SSH user"},
        {"generic-ssh-key", K::String, "", "GENERIC_SSH_KEY",
         "SSH private key path (imported into the store)"},
        {"generic-ssh-port", K::Int, "22", "GENERIC_SSH_PORT", "SSH port"},
        {"generic-engine-port", K::Int, std::to_string(k_engine_port), "GENERIC_ENGINE_PORT",
         "Docker engine port"},
    };
  }

  Status configure(const DriverContext &ctx, const FlagValues &f) override {
    bind(ctx);
    m_ip = f.str("generic-ip-address");
    if (m_ip.empty())
      return fail(Errc::usage, "generic driver requires the --generic-ip-address option");
    m_user = f.str("generic-ssh-user", "root");
    auto port = f.integer("generic-ssh-port", 22);
    SC_TRY(port);
    auto eport = f.integer("generic-engine-port", k_engine_port);
    SC_TRY(eport);
    if (*port <= 0 || *port > 65535) return fail(Errc::usage, "--generic-ssh-port: out of range");
    if (*eport <= 0 || *eport > 65535)
      return fail(Errc::usage, "--generic-engine-port: out of range");
    m_port = static_cast<int>(*port);
    m_engine_port = static_cast<int>(*eport);
    m_source_key = f.str("generic-ssh-key");
    if (m_source_key.empty())
      return fail(
          Errc::usage,
          "generic driver requires --generic-ssh-key: the private key that logs in to the host "
          "(it is copied into the machine's store directory)");
    return ok();
  }

  Status pre_create_check() override {
    struct stat st {};
    if (stat(m_source_key.c_str(), &st) != 0)
      return fail(Errc::precreate, fmt::format("SSH key {} does not exist", m_source_key));
    auto k = read_file(m_source_key);
    if (!k)
      return fail(Errc::precreate,
                  fmt::format("SSH key {} cannot be read: {}", m_source_key, k.error().message));
    return ok();
  }

  Status create() override {
    auto key = read_file(m_source_key);
    if (!key) return fail(key.error().context("import SSH key"));
    SC_TRY_CTX(atomic_write(key_path(), *key, 0600), "import SSH key");
    auto pub = read_file(m_source_key + ".pub");
    if (pub) SC_TRY_CTX(atomic_write(key_path().string() + ".pub", *pub, 0600), "import SSH key");
    return ok();
  }

  Status remove() override { return ok(); } // the remote host is left untouched

  Result<State> state() override {
    // docker-machine: a TCP dial to the SSH port decides Running/Stopped.
    auto r = tcp_probe(m_ip, m_port, std::chrono::milliseconds(3000));
    return r ? State::Running : State::Stopped;
  }

  Result<std::string> ip() override { return m_ip; }
  int engine_port() const override { return m_engine_port; }

  Result<SshEndpoint> ssh_endpoint() override {
    return SshEndpoint{m_ip, m_port, m_user, key_path()};
  }

  nlohmann::json to_json() const override {
    return base_json({m_ip, m_user, m_port, key_path().string()},
                     {{"EnginePort", m_engine_port}, {"SSHKey", m_source_key}});
  }

  Status from_json(const nlohmann::json &j) override {
    return read_record([&] {
      m_ip = j.value("IPAddress", "");
      m_user = j.value("SSHUser", "root");
      m_port = j.value("SSHPort", 22);
      m_engine_port = j.value("EnginePort", k_engine_port);
      m_source_key = j.value("SSHKey", "");
      m_key_file = fs::path(j.value("SSHKeyPath", "id_rsa")).filename();
    });
  }

private:
  fs::path key_path() const { return m_dir / m_key_file; }

  std::string m_ip, m_user = "root", m_source_key;
  int m_port = 22, m_engine_port = k_engine_port;
  fs::path m_key_file = "id_rsa";
};

} // namespace

std::unique_ptr<Driver> make_generic_driver() {
  return std::make_unique<GenericDriver>();
}
} // namespace sc
