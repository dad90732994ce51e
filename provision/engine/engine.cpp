#include <fmt/format.h>
#include <provision/engine/engine.hpp>
#include <provision/templates/render.hpp>
#include <provision/util/name_table.hpp>
#include <provision/util/shell_quote.hpp>

namespace sc {

std::vector<std::string> dockerd_args(const EngineConfig &c) {
  std::vector<std::string> a = {"-H",
                                fmt::format("tcp://0.0.0.0:{}", c.port),
                                "-H",
                                "unix:///var/run/docker.sock",
                                "--storage-driver",
                                c.storage_driver.empty() ? "overlay2" : c.storage_driver,
                                "--tlsverify",
                                "--tlscacert",
                                "/etc/docker/ca.pem",
                                "--tlscert",
                                "/etc/docker/server.pem",
                                "--tlskey",
                                "/etc/docker/server-key.pem"};
  for (const auto &l : c.labels)
    a.insert(a.end(), {"--label", l});
  for (const auto &r : c.insecure_registries)
    a.insert(a.end(), {"--insecure-registry", r});
  for (const auto &m : c.registry_mirrors)
    a.insert(a.end(), {"--registry-mirror", m});
  for (const auto &f : c.arbitrary_flags)
    a.push_back("--" + f);
  return a;
}

namespace {
const std::string k_advertise = "cluster-advertise=";
}

std::string advertise_value(const std::vector<std::string> &arbitrary_flags) {
  for (const auto &f : arbitrary_flags)
    if (f.rfind(k_advertise, 0) == 0) return f.substr(k_advertise.size());
  return "";
}

std::string set_advertise_interface(std::vector<std::string> &arbitrary_flags,
                                    const std::string &iface) {
  for (auto &f : arbitrary_flags) {
    if (f.rfind(k_advertise, 0) != 0) continue;
    auto value = f.substr(k_advertise.size());
    auto colon = value.rfind(':');
    auto old = value.substr(0, colon);
    if (old == iface || iface.empty()) return "";
    f = k_advertise + iface + (colon == std::string::npos ? "" : value.substr(colon));
    return old;
  }
  return "";
}

namespace {
std::string systemd_quoted(const std::string &arg, bool dollar) {
  std::string out = "\"";
  for (char ch : arg) {
    switch (ch) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '$':
      out += dollar ? "$$" : "$";
      break;
    case '%':
      out += "%%";
      break;
    case '\n':
      out += "\\n";
      break;
    default:
      out += ch;
    }
  }
  return out + "\"";
}
} // namespace

std::string systemd_quote(const std::string &arg) {
  return systemd_quoted(arg, true);
}

std::string systemd_env_quote(const std::string &assignment) {
  // Environment= expands specifiers (%) but no variables: a $$ there would arrive as $$.
  return systemd_quoted(assignment, false);
}

namespace {
std::string with_newline(std::string s) {
  if (s.empty() || s.back() != '\n') s += '\n';
  return s;
}

Result<std::string> service_block(const Provisioner &p, const EngineConfig &c) {
  auto args = dockerd_args(c);
  // Values travel verbatim (quoted) but one per line: a line break could end the file that
  // carries them (a heredoc) and has no meaning in a dockerd option anyway.
  for (const std::vector<std::string> *list :
       std::initializer_list<const std::vector<std::string> *>{&args, &c.env, &c.labels})
    for (const auto &v : *list)
      if (v.find_first_of(std::string("\n\r\0", 3)) != std::string::npos)
        return fail(Errc::usage,
                    fmt::format("engine option value {} contains a line break", shell_quote(v)));
  if (p.kind() == Provisioner::Kind::Systemd) {
    std::string exec;
    for (const auto &a : args)
      exec += (exec.empty() ? "" : " ") + systemd_quote(a);
    std::string env;
    for (const auto &e : c.env)
      env += (env.empty() ? "" : " ") + shell_quote("Environment=" + systemd_env_quote(e));
    return render_template(
        "engine/service-systemd.sh",
        {{"exec_args", shell_quote(exec)}, {"environment", env.empty() ? "''" : env}});
  }
  if (p.kind() == Provisioner::Kind::Sysvinit) {
    std::string defaults = "# Written by swarmctl: dockerd arguments, one per line, quoted for "
                           "bash.\nDOCKERD_ARGS=(\n";
    for (const auto &a : args)
      defaults += "  " + shell_quote(a) + "\n";
    defaults += ")\n";
    for (const auto &e : c.env)
      defaults += "export " + shell_quote(e) + "\n";
    auto init = render_template("engine/sysvinit-docker.sh", {});
    if (!init) return fail(init.error());
    return render_template("engine/service-sysvinit.sh",
                           {{"defaults", defaults}, {"init_script", with_newline(*init)}});
  }
  // boot2docker: its own profile format (docker-machine's), read by /etc/init.d/docker.
  // boot2docker's init script expands $EXTRA_ARGS unquoted (word splitting, no quote removal):
  // the value is written as one single-quoted literal (nothing in it runs when the profile is
  // sourced) and options cannot contain blanks there.
  std::string extra = "\n";
  std::vector<std::string> words;
  for (const auto &l : c.labels)
    words.push_back("--label=" + l);
  for (const auto &r : c.insecure_registries)
    words.push_back("--insecure-registry=" + r);
  for (const auto &m : c.registry_mirrors)
    words.push_back("--registry-mirror=" + m);
  for (const auto &f : c.arbitrary_flags)
    words.push_back("--" + f);
  for (const auto &w : words) {
    if (w.find_first_of(" \t") != std::string::npos)
      return fail(
          Errc::usage,
          fmt::format("boot2docker cannot pass an engine option with blanks: {}", shell_quote(w)));
    extra += w + "\n";
  }
  std::string profile = fmt::format(
      "\nEXTRA_ARGS={}\nCACERT=/var/lib/boot2docker/ca.pem\nDOCKER_HOST='-H tcp://0.0.0.0:{}'\n"
      "DOCKER_STORAGE={}\nDOCKER_TLS=auto\nSERVERKEY=/var/lib/boot2docker/server-key.pem\n"
      "SERVERCERT=/var/lib/boot2docker/server.pem\n\n",
      shell_quote(extra), c.port, c.storage_driver.empty() ? "overlay2" : c.storage_driver);
  for (const auto &e : c.env)
    profile += "export " + shell_quote(e) + "\n";
  return render_template("engine/service-boot2docker.sh", {{"profile", profile}});
}

// The command printing the engine's last log lines, per init system.
constexpr NameEntry<Provisioner::Kind> k_log_tail[] = {
    {Provisioner::Kind::Systemd, "journalctl -u docker -n 20 --no-pager"},
    {Provisioner::Kind::Sysvinit, "tail -n 20 /var/log/swarmctl-docker.log"},
    {Provisioner::Kind::Boot2docker, "tail -n 20 /var/log/docker.log"}};
} // namespace

Result<std::string> render_configure_script(const Provisioner &p, const EngineConfig &c) {
  auto svc = service_block(p, c);
  if (!svc) return fail(svc.error());
  return render_template("engine/configure.sh",
                         {{"hostname", shell_quote(c.hostname)},
                          {"ca_pem", with_newline(c.ca_pem)},
                          {"server_pem", with_newline(c.server_pem)},
                          {"server_key_pem", with_newline(c.server_key_pem)},
                          {"service", *svc},
                          {"log_tail", std::string(name_in(k_log_tail, p.kind()))}});
}

Result<std::string> render_install_script(const HostFacts &f, const Provisioner &p,
                                          const EngineConfig &c) {
  if (c.install_method == "script")
    return render_template("engine/install-script.sh", {{"url", shell_quote(c.install_url)},
                                                        {"version", shell_quote(c.version)}});
  if (c.install_method == "package")
    return render_template("engine/install-package.sh",
                           {{"version", shell_quote(c.version)},
                            {"sysvinit", p.kind() == Provisioner::Kind::Sysvinit ? "yes" : "no"}});
  return fail(Errc::usage, fmt::format("unknown --engine-install-method {}", c.install_method));
}

Status install_docker(CommandRunner &r, const HostFacts &f, const Provisioner &p,
                      const EngineConfig &c) {
  bool pinned_ok = c.version.empty() || f.docker_version.rfind(c.version, 0) == 0;
  if (f.has_docker && pinned_ok) return ok();
  if (c.install_method == "none") {
    if (!f.has_docker)
      return fail(Errc::unsupported,
                  "Docker is not installed on the host and --engine-install-method is none");
    return fail(
        Errc::unsupported,
        fmt::format("the host has Docker {} but {} is pinned and --engine-install-method is none",
                    f.docker_version, c.version));
  }
  if (!p.apt())
    return fail(Errc::unsupported, fmt::format("cannot install Docker on {}", p.name()));
  auto script = render_install_script(f, p, c);
  if (!script) return fail(script.error());
  RunOptions o;
  o.stdin_data = *script;
  o.timeout = std::chrono::minutes(15);
  auto res = run_ok(r,
                    fmt::format("install docker ({})",
                                c.install_method == "script" ? c.install_url : "docker.io package"),
                    script_command(f), o);
  if (!res) return fail(res.error());
  return ok();
}

Status configure_engine(CommandRunner &r, const Provisioner &p, const HostFacts &f,
                        const EngineConfig &c) {
  auto script = render_configure_script(p, c);
  if (!script) return fail(script.error());
  RunOptions o;
  o.stdin_data = *script;
  o.timeout = std::chrono::minutes(3);
  o.secret = false; // the command line carries no secret: the key travels on stdin
  auto res = run_ok(r, "configure the Docker engine", script_command(f), o);
  if (!res) return fail(res.error());
  return ok();
}

Status upgrade_engine(CommandRunner &r, const HostFacts &f, const Provisioner &p,
                      const EngineConfig &c) {
  if (!p.apt())
    return fail(Errc::unsupported, fmt::format("upgrade is not supported on {}", p.name()));
  std::string script;
  if (c.install_method == "script") {
    auto s = render_install_script(f, p, c);
    if (!s) return fail(s.error());
    script = "rm -f \"$(command -v dockerd)\"\n" + *s;
  } else {
    // The log goes to a new private directory (mktemp -d), never a fixed name in /tmp.
    script = fmt::format("set -eu\nexport DEBIAN_FRONTEND=noninteractive\n"
                         "tmp=$(mktemp -d)\ntrap 'rm -rf \"$tmp\"' EXIT\napt-get -o "
                         "DPkg::Lock::Timeout=300 -q update >/dev/null\n"
                         "pin={}\nif [ -n \"$pin\" ]; then v=$(apt-cache madison docker.io | awk "
                         "-v p=\"$pin\" '$3 ~ \"^\"p {{print $3; exit}}'); "
                         "[ -n \"$v\" ] || {{ echo \"docker.io $pin is not available\" >&2; exit "
                         "1; }}; pkg=\"docker.io=$v\"; else pkg=docker.io; fi\n"
                         "apt-get -o DPkg::Lock::Timeout=300 -q install -y --allow-downgrades "
                         "--no-install-recommends \"$pkg\" >\"$tmp/upgrade.log\" 2>&1 "
                         "|| {{ tail -n 20 \"$tmp/upgrade.log\" >&2; exit 1; }}\n",
                         shell_quote(c.version));
  }
  RunOptions o;
  o.stdin_data = script;
  o.timeout = std::chrono::minutes(15);
  auto res = run_ok(r, "upgrade docker", script_command(f), o);
  if (!res) return fail(res.error());
  return configure_engine(r, p, f, c);
}

} // namespace sc
