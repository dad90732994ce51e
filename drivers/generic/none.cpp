#include <cctype>
#include <drivers/driver_base.hpp>
#include <drivers/generic/none.hpp>
#include <fmt/format.h>
#include <provision/util/net.hpp>

namespace sc {
namespace {

bool plain_word(const std::string &s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

// Registers an already-running TLS engine. As in docker-machine, IPAddress is the URL's
// host:port and the state is always Running; nothing runs on the remote.
class NoneDriver : public DriverBase {
public:
  NoneDriver() : DriverBase("none") {}
  std::vector<FlagSpec> create_flags() const override {
    return {{"url", FlagSpec::Kind::String, "", "", "URL of host when no driver is selected"}};
  }
  Status configure(const DriverContext &ctx, const FlagValues &f) override {
    bind(ctx);
    m_url = f.str("url");
    if (m_url.empty())
      return fail(Errc::usage, "--url option is required when no driver is selected");
    // The URL is printed into shell code by `env` and `config`: nothing but tcp://HOST:PORT, or
    // a plain word naming no engine (docker-machine's own tests register `--url none`; `env` and
    // `config` refuse such a machine, `ls` shows it with no engine).
    if (auto st = check_engine_url(m_url); !st && !plain_word(m_url))
      return fail(Errc::usage, fmt::format("--url: {}", st.error().message));
    auto pos = m_url.find("://");
    m_ip = pos == std::string::npos ? m_url : m_url.substr(pos + 3);
    return ok();
  }
  Status pre_create_check() override { return ok(); }
  Status create() override { return ok(); }
  Status remove() override { return ok(); }
  Status start() override {
    return fail(Errc::unsupported, "hosts without a driver cannot be started");
  }
  Status stop() override {
    return fail(Errc::unsupported, "hosts without a driver cannot be stopped");
  }
  Status restart() override {
    return fail(Errc::unsupported, "hosts without a driver cannot be restarted");
  }
  Status kill() override {
    return fail(Errc::unsupported, "hosts without a driver cannot be killed");
  }
  Result<State> state() override { return State::Running; }
  Result<std::string> ip() override { return m_ip; }
  Result<std::string> url() override { return m_url; }
  Result<SshEndpoint> ssh_endpoint() override {
    return fail(Errc::unsupported, "hosts without a driver have no SSH access");
  }
  bool provisionable() const override { return false; }
  nlohmann::json to_json() const override { return base_json({m_ip, "", 0, ""}, {{"URL", m_url}}); }
  Status from_json(const nlohmann::json &j) override {
    return read_record([&] {
      m_ip = j.value("IPAddress", "");
      m_url = j.value("URL", "");
    });
  }

private:
  std::string m_ip, m_url;
};

} // namespace
std::unique_ptr<Driver> make_none_driver() {
  return std::make_unique<NoneDriver>();
}
} // namespace sc
