#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <provision/cluster/kv.hpp>
#include <provision/crypto/ca.hpp>
#include <provision/machine/cluster_role.hpp>
#include <provision/machine/engine_bridge.hpp>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/failpoint.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/image_archive.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>
#include <set>

namespace sc {

TlsFiles client_tls(const Services &s, const Machine &m) {
  auto dir = s.store->machine_dir(m.rec.name);
  return TlsFiles{dir / "ca.pem", dir / "cert.pem", dir / "key.pem"};
}

Result<std::unique_ptr<LibsshRunner>>
connect_machine(Services &s, Machine &m, std::chrono::milliseconds wait, bool compression) {
  auto ep = m.driver->ssh_endpoint();
  if (!ep) return fail(ep.error().context(m.rec.name));
  SshConfig cfg;
  cfg.host = ep->host;
  cfg.port = ep->port;
  cfg.user = ep->user;
  cfg.key_path = ep->key_path;
  cfg.known_hosts = s.store->machine_dir(m.rec.name) / "known_hosts";
  cfg.compression = compression;
  if (s.ui.debug_enabled) {
    auto *ui = &s.ui;
    auto name = m.rec.name;
    cfg.debug = [ui, name](const std::string &line) {
      ui->debug(fmt::format("({}) {}", name, line));
    };
  }
  std::unique_ptr<LibsshRunner> runner;
  auto st = wait_for_ssh(cfg, wait, &runner);
  if (!st) return fail(st.error().context(m.rec.name));
  return runner;
}

namespace {
TestRunnerHook &test_runner_hook() {
  static TestRunnerHook hook;
  return hook;
}

// The machine's runner for provisioning: its SSH session, or the unit tests' runner.
Result<std::unique_ptr<CommandRunner>> open_runner(Services &s, Machine &m,
                                                   std::chrono::milliseconds wait) {
  if (test_runner_hook()) return test_runner_hook()(m);
  auto r = connect_machine(s, m, wait);
  if (!r) return fail(r.error());
  return std::unique_ptr<CommandRunner>(std::move(*r));
}
} // namespace

void set_test_runner_hook(TestRunnerHook hook) {
  test_runner_hook() = std::move(hook);
}

CertPaths cert_paths(const HostRecord &rec) {
  const auto &a = rec.auth;
  return CertPaths{a.ca_cert_path, a.ca_private_key_path, a.client_cert_path, a.client_key_path};
}

Result<CertAuthority> install_client_certs(Services &s, const Machine &m) {
  auto user = std::getenv("USER") ? std::string(std::getenv("USER")) : std::string("unknown");
  SC_TRY(ensure_dir(s.store->certs_dir(), 0700));
  auto paths = cert_paths(m.rec);
  auto ca = CertAuthority::load_or_create(paths, user);
  if (!ca) return fail(ca.error().context("certificates"));
  auto dir = s.store->machine_dir(m.rec.name);
  for (auto [src, dst] : {std::pair{&paths.ca, "ca.pem"},
                          {&paths.client_cert, "cert.pem"},
                          {&paths.client_key, "key.pem"}}) {
    auto data = read_file(*src);
    if (!data) return fail(data.error().context("copy certificates"));
    SC_TRY_CTX(atomic_write(dir / dst, *data, std::string(dst) == "key.pem" ? 0600 : 0644),
               "copy certificates");
  }
  return ca;
}

Status issue_machine_certs(Services &s, Machine &m, const std::string &ip) {
  auto user = std::getenv("USER") ? std::string(std::getenv("USER")) : std::string("unknown");
  auto ca = install_client_certs(s, m);
  if (!ca) return fail(ca.error());
  auto dir = s.store->machine_dir(m.rec.name);
  std::vector<std::string> sans = m.rec.auth.server_cert_sans;
  sans.push_back(ip);
  // Other machines (a classic Swarm manager) reach the engine at its cluster address.
  if (auto c = m.driver->cluster_address(); c && !c->empty() && *c != ip) sans.push_back(*c);
  // A classic manager connects to --swarm-addr when it is given.
  if (!m.rec.swarm.address.empty())
    if (auto hp = parse_host_port(m.rec.swarm.address, 0);
        hp && std::find(sans.begin(), sans.end(), hp->host) == sans.end() && hp->host != ip)
      sans.push_back(hp->host);
  sans.push_back("localhost");
  bool client_auth = m.rec.swarm.master && !m.rec.swarm.mode;
  SC_TRY_CTX(ca->issue_server_cert(fmt::format("{}.{}", user, m.rec.name), sans, client_auth,
                                   dir / "server.pem", dir / "server-key.pem"),
             "server certificate");
  m.rec.cert_ip = ip;
  return ok();
}

Status wait_for_engine(Services &s, const Machine &m, std::chrono::milliseconds timeout) {
  auto ip = const_cast<Machine &>(m).driver->ip();
  if (!ip) return fail(ip.error());
  auto files = client_tls(s, m);
  int port = m.driver->engine_port();
  return poll_until(fmt::format("Docker TLS endpoint {}:{}", *ip, port), timeout, [&]() -> Status {
    return docker_ping(*ip, port, files, std::chrono::milliseconds(3000));
  });
}

// The driver names the cluster interface before the machine exists (eth0, eth1 on VirtualBox,
// ens5 on EC2 Nitro types); the host knows: the interface holding the machine's cluster address
// replaces it in the cluster-advertise that swarmctl set (a user's own value is left alone). An
// interface the host does not have stops here with one line (dockerd would refuse to start).
static Status check_cluster_interface(Services &s, Machine &m, CommandRunner &runner,
                                      HostFacts &facts, const std::string &p) {
  std::string value = advertise_value(m.rec.engine.arbitrary_flags);
  if (value.empty()) return ok();
  std::string current = value.substr(0, value.rfind(':'));
  if (current.size() > 2 && current.front() == '[' && current.back() == ']')
    current = current.substr(1, current.size() - 2); // [fe80::1]:2376
  auto net = m.driver->network();
  bool automatic = m.rec.auto_cluster_advertise.value_or(
      !net.interface_given && value == fmt::format("{}:{}", net.interface, m.rec.engine.port));
  if (automatic) {
    auto addr = m.driver->cluster_address();
    std::string iface = addr ? interface_with_address(facts, *addr) : "";
    if (iface.empty())
      s.ui.debug(fmt::format("{}no interface found for the cluster address ({}): {} kept", p,
                             addr ? *addr : addr.error().message, current));
    if (auto old = set_advertise_interface(m.rec.engine.arbitrary_flags, iface); !old.empty()) {
      s.ui.info(fmt::format("{}cluster-advertise: {} holds {} on the host (not {})", p, iface,
                            *addr, old));
      current = iface;
      SC_TRY(save_machine(s, m));
    }
  }
  if (facts.ipv4.empty() || is_ip_address(current)) return ok(); // nothing to check against
  auto has = [&](const HostFacts &f) {
    for (const auto &[iface, addr] : f.ipv4)
      if (iface == current) return true;
    return false;
  };
  if (has(facts)) return ok();
  // A guest's second NIC may still be waiting for DHCP right after SSH answers: ask again for a
  // while before calling the interface missing.
  (void)poll_until(
      "cluster interface address", std::chrono::seconds(10),
      [&]() -> Status {
        auto addrs = read_ipv4_addrs(runner);
        if (!addrs) return fail(addrs.error());
        facts.ipv4 = std::move(*addrs);
        if (!has(facts)) return fail(Errc::not_found, current + " has no IPv4 address yet");
        return ok();
      },
      std::chrono::milliseconds(500), std::chrono::milliseconds(2000));
  if (has(facts)) return ok();
  std::vector<std::string> names;
  for (const auto &[iface, addr] : facts.ipv4)
    if (std::find(names.begin(), names.end(), iface) == names.end() && iface != "lo")
      names.push_back(iface);
  return fail(Errc::generic,
              fmt::format("cluster-advertise interface {} has no IPv4 address on {} (it has: {}); "
                          "pass --engine-opt cluster-advertise=IFACE:{}",
                          current, m.rec.name, fmt::join(names, ", "), m.rec.engine.port));
}

// The server certificate and the engine options go to the host, the engine restarts, and its TLS
// endpoint must answer.
static Status configure_remote_engine(Services &s, Machine &m, CommandRunner &runner,
                                      Provisioner &prov, const HostFacts &facts,
                                      const ProvisionOptions &o) {
  auto step = s.ui.step("Setting Docker configuration on the remote daemon", o.prefix);
  auto dir = s.store->machine_dir(m.rec.name);
  auto ca = read_file(dir / "ca.pem");
  auto cert = read_file(dir / "server.pem");
  auto key = read_file(dir / "server-key.pem");
  if (!ca || !cert || !key) return fail(Errc::io, "server certificate files are missing");
  auto cfg = engine_config_for(s, m, *ca, *cert, *key);
  std::unique_lock<std::mutex> turn; // held to the end of this function, however it ends
  if (o.engine_turn) {
    auto t = o.engine_turn();
    if (!t) return fail(t.error());
    turn = std::move(*t);
  }
  SC_TRY_CTX(configure_engine(runner, prov, facts, cfg), runner.target());
  step.done();
  auto step2 = s.ui.step("Checking connection to Docker", o.prefix);
  return wait_for_engine(s, m, std::chrono::seconds(60));
}

// The preloaded image archives split into those the machine's role runs (its KV store, classic
// Swarm) and the others.
static std::pair<std::vector<std::string>, std::vector<std::string>>
split_preload_images(const HostRecord &rec) {
  std::set<std::string> role_images;
  if (rec.kv.kind != KvKind::None)
    role_images.insert(
        normalize_image_ref(rec.kv.image.empty() ? kv_default_image(rec.kv.kind) : rec.kv.image));
  if (rec.swarm.is_swarm && !rec.swarm.mode)
    role_images.insert(normalize_image_ref(rec.swarm.image));
  std::vector<std::string> first, later;
  for (const auto &img : rec.preload_images) {
    auto tags = role_images.empty() ? Result<std::vector<std::string>>{} : image_archive_tags(img);
    bool for_role = false;
    if (tags)
      for (const auto &t : *tags)
        for_role = for_role || role_images.count(normalize_image_ref(t)) > 0;
    (for_role ? first : later).push_back(img);
  }
  return {first, later};
}

static Status load_images(Services &s, CommandRunner &runner, const HostFacts &facts,
                          const std::vector<std::string> &images, const std::string &p) {
  if (images.empty()) return ok();
  auto step = s.ui.step("Loading images", p);
  for (const auto &img : images) {
    auto file = FileStream::open(img); // streamed: an image is never held in memory
    if (!file) return fail(file.error().context("preload image"));
    RunOptions ro;
    ro.stdin_reader = [&file](char *buf, size_t cap) { return file->read(buf, cap); };
    ro.stdin_size = file->size();
    ro.timeout = std::chrono::minutes(5);
    Ui::Transfer shown(s.ui, "Loading " + fs::path(img).filename().string(), p, ro.stdin_size);
    ro.stdin_progress = [&shown](size_t sent, size_t total) { shown.update(sent, total); };
    SC_TRY_CTX(run_ok(runner, "docker load " + img, docker_cmd(facts) + " load -q", ro),
               runner.target());
    failpoint("image-loaded");
  }
  return ok();
}

Status provision_machine(Services &s, Machine &m, const ProvisionOptions &o) {
  const auto &p = o.prefix;
  if (m.rec.status == MachineStatus::Creating)
    return fail(Errc::generic,
                fmt::format("the create of {} was interrupted before the host was ready: remove "
                            "it with `{} rm -f {}` and create it again",
                            m.rec.name, s.program, m.rec.name));
  auto ip = m.driver->ip();
  if (!ip) return fail(ip.error().context("get IP"));

  std::unique_ptr<CommandRunner> runner;
  {
    auto step = s.ui.step("Waiting for SSH to be available", p);
    auto r = open_runner(s, m, o.ssh_wait);
    if (!r) return fail(r.error());
    runner = std::move(*r);
  }
  HostFacts facts;
  std::unique_ptr<Provisioner> prov;
  {
    auto step = s.ui.step("Detecting the provisioner", p);
    auto f = gather_facts(*runner);
    if (!f) return fail(f.error().context(runner->target()));
    facts = std::move(*f);
    auto sel = select_provisioner(facts, service_manager_for(*m.driver));
    if (!sel) return fail(sel.error().context(runner->target()));
    prov = std::move(*sel);
  }
  s.ui.debug(fmt::format("{}provisioner: {}", p, prov->name()));
  SC_TRY(check_cluster_interface(s, m, *runner, facts, p));
  if (!o.certs_only) SC_TRY(check_role_prerequisites(s, m, facts));

  if (!o.certs_only) {
    auto step = s.ui.step("Installing Docker", p);
    auto cfg = engine_config_for(s, m, "", "", "");
    SC_TRY_CTX(install_docker(*runner, facts, *prov, cfg), runner->target());
  }
  {
    auto step = s.ui.step("Copying certs to the local machine directory", p);
    SC_TRY(issue_machine_certs(s, m, *ip));
  }
  SC_TRY(configure_remote_engine(s, m, *runner, *prov, facts, o));
  if (!o.certs_only) {
    // The images this machine's role runs are loaded first, the role is configured, then the
    // other images: a KV host answers — and the engines waiting for it go on — without waiting
    // for the user's images.
    auto [first, later] = split_preload_images(m.rec);
    SC_TRY(load_images(s, *runner, facts, first, p));
    SC_TRY(configure_cluster_role(s, m, *runner, o));
    SC_TRY(load_images(s, *runner, facts, later, p));
  }
  m.rec.status = MachineStatus::Provisioned;
  m.rec.failed_step.clear();
  SC_TRY(save_machine(s, m));
  s.ui.debug(fmt::format("{}{} SSH round trips", p, runner->round_trips()));
  return ok();
}

Status refresh_certs_if_ip_changed(Services &s, Machine &m) {
  if (!m.driver->provisionable() || m.rec.status != MachineStatus::Provisioned) return ok();
  auto ip = m.driver->ip();
  if (!ip || m.rec.cert_ip.empty() || *ip == m.rec.cert_ip) return ok();
  s.ui.info(
      fmt::format("IP address of {} changed from {} to {}: regenerating its TLS certificate...",
                  m.rec.name, m.rec.cert_ip, *ip));
  ProvisionOptions o;
  o.certs_only = true;
  return provision_machine(s, m, o);
}

} // namespace sc
