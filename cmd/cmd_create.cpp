#include <cmd/commands.hpp>
#include <cmd/help.hpp>
#include <drivers/registry.hpp>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <provision/crypto/ca.hpp>
#include <provision/machine/create_flow.hpp>
#include <provision/util/kv_kind.hpp>
#include <provision/util/ports.hpp>

namespace sc {

namespace {

struct DriverFlagBinding {
  std::string driver;
  FlagSpec spec;
  CLI::Option *opt = nullptr;
  std::vector<std::string> values;
  bool flag = false;
};

struct CreateOptions {
  std::string driver;
  std::vector<std::string> names;
  std::string install_url, install_method, engine_version, storage_driver;
  std::vector<std::string> engine_opt, insecure, mirrors, labels, env, tls_san;
  bool swarm = false, swarm_master = false, swarm_experimental = false, swarm_mode = false,
       swarm_manager = false;
  std::string discovery, strategy = "spread", swarm_host = k_default_swarm_host, swarm_addr,
                         swarm_image = "swarm:latest", swarm_join;
  std::vector<std::string> swarm_opt, swarm_join_opt;
  std::string kv, kv_image;
  std::vector<std::string> preload;
  int kv_port = 0;
  bool no_provision = false, quiet = false;
  std::vector<std::unique_ptr<DriverFlagBinding>> bindings;
};

} // namespace

// Collects the chosen driver's flag values: flag > environment variable > default.
FlagValues collect_driver_flags(const std::vector<std::unique_ptr<DriverFlagBinding>> &bindings,
                                const std::string &driver) {
  FlagValues fv;
  for (const auto &b : bindings) {
    if (b->driver != driver) continue;
    const auto &sp = b->spec;
    if (b->opt->count() > 0) {
      if (sp.kind == FlagSpec::Kind::Bool)
        fv.set(sp.name, {b->flag ? "true" : "false"});
      else if (sp.kind == FlagSpec::Kind::List || b->values.empty())
        fv.set(sp.name, b->values);
      else
        fv.set(sp.name, {b->values.back()}); // given twice: the last one, like Go's flag package
    } else if (!sp.env.empty() && std::getenv(sp.env.c_str()) && *std::getenv(sp.env.c_str())) {
      fv.set(sp.name, {std::getenv(sp.env.c_str())});
    } else if (!sp.def.empty()) {
      fv.set(sp.name, {sp.def});
    }
  }
  return fv;
}

namespace {

void add_engine_flags(CLI::App *c, CreateOptions &o) {
  c->add_option(
       "--engine-install-url", o.install_url,
       "Custom URL to use for engine installation (implies --engine-install-method script)")
      ->envname("MACHINE_DOCKER_INSTALL_URL")
      ->default_str("https://get.docker.com");
  c->add_option("--engine-install-method", o.install_method,
                "How to install Docker when missing: package (distro docker.io), script "
                "(--engine-install-url), none")
      ->check(CLI::IsMember({"package", "script", "none"}));
  c->add_option("--engine-version", o.engine_version,
                "Docker version to install (a prefix such as 20.10)");
  c->add_option(
      "--engine-opt", o.engine_opt,
      "Specify arbitrary flags to include with the created engine in the form flag=value");
  c->add_option("--engine-insecure-registry", o.insecure,
                "Specify insecure registries to allow with the created engine");
  c->add_option("--engine-registry-mirror", o.mirrors, "Specify registry mirrors to use")
      ->envname("ENGINE_REGISTRY_MIRROR");
  c->add_option("--engine-label", o.labels, "Specify labels for the created engine");
  c->add_option("--engine-storage-driver", o.storage_driver,
                "Specify a storage driver to use with the engine");
  c->add_option("--engine-env", o.env, "Specify environment variables to set in the engine");
}

void add_swarm_and_other_flags(CLI::App *c, CreateOptions &o, const std::string &program) {
  c->add_flag("--swarm", o.swarm, "Configure Machine to join a Swarm cluster");
  c->add_flag("--swarm-master", o.swarm_master, "Configure Machine to be a Swarm master");
  c->add_option("--swarm-discovery", o.discovery,
                "Discovery service to use with Swarm (a machine name may stand for its address)");
  c->add_option("--swarm-strategy", o.strategy, "Define a default scheduling strategy for Swarm")
      ->check(CLI::IsMember({"spread", "binpack", "random"}))
      ->capture_default_str();
  c->add_option("--swarm-opt", o.swarm_opt, "Define arbitrary flags for Swarm master");
  c->add_option("--swarm-join-opt", o.swarm_join_opt, "Define arbitrary flags for Swarm join");
  c->add_option("--swarm-host", o.swarm_host, "ip/socket to listen on for Swarm master")
      ->capture_default_str();
  c->add_option("--swarm-addr", o.swarm_addr,
                "addr to advertise for Swarm (default: detect and use the machine IP)");
  c->add_option("--swarm-image", o.swarm_image, "Specify Docker image to use for Swarm")
      ->envname("MACHINE_SWARM_IMAGE")
      ->capture_default_str();
  c->add_flag("--swarm-experimental", o.swarm_experimental, "Enable Swarm experimental features");
  c->add_flag("--swarm-mode", o.swarm_mode,
              "Use swarm mode (docker swarm init/join) instead of classic Swarm containers");
  c->add_flag("--swarm-manager", o.swarm_manager,
              "Swarm mode: join as a manager instead of a worker");
  c->add_option("--swarm-join", o.swarm_join,
                "Swarm mode: machine name (or IP) of the manager to join (default: the swarm-mode "
                "master in the store)");
  c->add_option("--tls-san", o.tls_san, "Support extra SANs for TLS certs");
  c->add_option("--kv", o.kv, "Run a key-value store on this machine: consul, etcd or zookeeper")
      ->check(CLI::IsMember(kv_kind_names()));
  c->add_option("--kv-image", o.kv_image, "Image of the key-value store");
  c->add_option("--kv-port", o.kv_port,
                "Published port of the key-value store (default: the store's own)");
  c->add_option("--preload-image", o.preload,
                "Image tarball (docker save format) to `docker load` into the engine after "
                "provisioning (air-gapped hosts)")
      ->check(CLI::ExistingFile);
  c->add_flag("--no-provision", o.no_provision,
              fmt::format("Create the machine and stop there (provision later with `{} provision "
                          "NAME`)",
                          program));
  c->add_flag("-q,--quiet", o.quiet, "Print nothing but errors");
}

// Every driver's flags, each in its driver's group: help shows the chosen driver's only.
void add_driver_flags(CLI::App *c, CreateOptions &o) {
  for (const auto &d : driver_table()) {
    auto drv = d.make();
    for (auto &spec : drv->create_flags()) {
      auto b = std::make_unique<DriverFlagBinding>();
      b->driver = d.name;
      b->spec = spec;
      // Help reads names, defaults and usage from these options; the environment variable from
      // the driver's table (cmd/help.cpp): only the chosen driver's flags consult it.
      std::string flag = "--" + spec.name;
      if (spec.kind == FlagSpec::Kind::Bool) {
        b->opt = c->add_flag(flag, b->flag, spec.help);
      } else {
        b->opt = c->add_option(flag, b->values, spec.help);
        b->opt->default_str(spec.def);
      }
      if (spec.kind == FlagSpec::Kind::String || spec.kind == FlagSpec::Kind::Int)
        b->opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      b->opt->group(driver_group(d.name));
      o.bindings.push_back(std::move(b));
    }
  }
}

// docker-machine's checks, in its order: the driver first (its flags make up the command), then
// extra arguments, then the name (create's help and "No machine name specified").
Status check_invocation(const CLI::App &app, Services &s, const CreateOptions &o,
                        const std::string &driver) {
  if (!make_driver(driver)) return fail(Errc::usage, driver_not_found_message(driver));
  if (o.names.size() > 1) {
    std::string extra;
    for (size_t i = 1; i < o.names.size(); ++i)
      extra += (i > 1 ? " " : "") + o.names[i];
    return fail(Errc::usage,
                fmt::format("Invalid command line. Found extra arguments [{}]", extra));
  }
  if (o.names.empty() || o.names[0].empty()) {
    (void)print_help(app, s, {"create"}, driver);
    return fail(Errc::usage, "Error: No machine name specified");
  }
  for (const auto &b : o.bindings)
    if (b->driver != driver && b->opt->count() > 0)
      return fail(Errc::usage, fmt::format("--{} is a flag of the {} driver, not of {}",
                                           b->spec.name, b->driver, driver));
  return ok();
}

Result<CreateRequest> request_from(const CreateOptions &o, const Services &s,
                                   const std::string &driver) {
  CreateRequest req;
  auto &r = req.rec;
  r.name = o.names[0];
  r.driver_name = driver;
  r.engine.install_url =
      o.install_url.empty() ? std::string("https://get.docker.com") : o.install_url;
  r.engine.install_method = !o.install_method.empty()
                                ? o.install_method
                                : (!o.install_url.empty() ? "script" : "package");
  r.engine.version = o.engine_version;
  r.engine.arbitrary_flags = o.engine_opt;
  r.engine.insecure_registry = o.insecure;
  r.engine.registry_mirror = o.mirrors;
  r.engine.labels = o.labels;
  r.engine.env = o.env;
  r.engine.storage_driver = o.storage_driver;
  r.swarm.agent = o.swarm;
  r.swarm.master = o.swarm_master;
  r.swarm.is_swarm = o.swarm || o.swarm_master;
  r.swarm.discovery = o.discovery;
  r.swarm.strategy = o.strategy;
  r.swarm.arbitrary_flags = o.swarm_opt;
  r.swarm.arbitrary_join_flags = o.swarm_join_opt;
  r.swarm.host = o.swarm_host;
  r.swarm.address = o.swarm_addr;
  r.swarm.image = o.swarm_image;
  r.swarm.is_experimental = o.swarm_experimental;
  r.swarm.mode = o.swarm_mode;
  r.swarm.join_as_manager = o.swarm_manager;
  if (o.swarm_mode && !o.swarm && !o.swarm_master) {
    r.swarm.agent = true;
    r.swarm.is_swarm = true;
  }
  if (r.swarm.is_swarm && !r.swarm.mode && r.swarm.discovery.empty()) {
    return fail(Errc::usage, "classic Swarm needs --swarm-discovery (e.g. "
                             "consul://consul:8500), or use --swarm-mode");
  }
  for (const auto &san : o.tls_san) {
    if (!valid_san(san)) {
      return fail(Errc::usage,
                  fmt::format("invalid --tls-san \"{}\": use a DNS name or an IP address", san));
    }
  }
  r.auth.server_cert_sans = o.tls_san;
  // docker-machine's --tls-ca-cert & co.: these files instead of the store's certs/ (created
  // there when missing), recorded in the machine's config.json.
  auto given = [](const std::string &p) { return p.empty() ? p : absolute_or_same(p).string(); };
  r.auth.tls_ca_cert = given(s.g.tls_ca_cert);
  r.auth.tls_ca_key = given(s.g.tls_ca_key);
  r.auth.tls_client_cert = given(s.g.tls_client_cert);
  r.auth.tls_client_key = given(s.g.tls_client_key);
  auto kv = parse_kv_kind(o.kv); // "" (no --kv) is None; --kv took only known names
  if (!kv) return fail(kv.error());
  r.kv.kind = *kv;
  r.kv.image = o.kv_image;
  r.kv.port = o.kv_port;
  for (const auto &img : o.preload)
    r.preload_images.push_back(absolute_or_same(img).string());
  req.driver_flags = collect_driver_flags(o.bindings, driver);
  req.no_provision = o.no_provision;
  req.swarm_join = o.swarm_join;
  return req;
}

} // namespace

void add_create(CLI::App &app, Services &s, int &rc) {
  auto o = std::make_shared<CreateOptions>();
  auto *c = app.add_subcommand("create", "Create a machine");
  c->footer(fmt::format("Run '{} create --driver name --help' to include the create flags for "
                        "that driver in the help text.",
                        s.argv0));
  c->add_option("name", o->names, "Machine name");
  c->add_option("-d,--driver", o->driver,
                "Driver to create machine with (amazonec2, generic, local, none, virtualbox).")
      ->envname("MACHINE_DRIVER")
      ->default_str("virtualbox");
  add_engine_flags(c, *o);
  add_swarm_and_other_flags(c, *o, s.program);
  add_driver_flags(c, *o);
  c->callback([o, &app, &s, &rc] {
    std::string driver = o->driver.empty() ? std::string("virtualbox") : o->driver;
    if (auto st = check_invocation(app, s, *o, driver); !st) {
      rc = report(s, st.error());
      return;
    }
    s.ui.quiet = o->quiet;
    auto req = request_from(*o, s, driver);
    if (!req) {
      rc = report(s, req.error());
      return;
    }
    rc = report_status(s, create_machine(s, std::move(*req)));
  });
}

} // namespace sc
