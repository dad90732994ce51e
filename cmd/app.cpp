#include <unistd.h>

#include <cmd/app.hpp>
#include <cmd/cmd_completion.hpp>
#include <cmd/cmd_context.hpp>
#include <cmd/commands.hpp>
#include <cmd/version.hpp>
#include <cstdlib>
#include <fmt/format.h>

namespace sc {

int report(Services &s, const Error &e) {
  s.ui.error(e.message);
  return exit_code_for(e);
}
int report_status(Services &s, const Status &st) {
  return st ? 0 : report(s, st.error());
}

namespace {
std::string join_argv(int argc, char **argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i == 0 && (a.find(' ') != std::string::npos || a.find('\\') != std::string::npos))
      a = "\"" + a + "\"";
    if (i) out += ' ';
    out += a;
  }
  return out;
}

// Index of the command word: the first argument that is neither an option nor the value of a
// global option that takes one (`-s DIR`, `--tls-ca-cert FILE`...); argc when there is none.
int command_index(int argc, char **argv) {
  static const char *const with_value[] = {"-s",           "--storage-path",    "--tls-ca-cert",
                                           "--tls-ca-key", "--tls-client-cert", "--tls-client-key"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.empty() || a[0] == '-') {
      for (const char *o : with_value)
        if (a == o) ++i; // its value is the next argument
      continue;
    }
    return i;
  }
  return argc;
}

std::string first_word(int argc, char **argv) {
  int i = command_index(argc, argv);
  return i < argc ? argv[i] : "";
}

bool is_light_command(const std::string &w) {
  for (const char *c :
       {"ls", "env", "ip", "url", "inspect", "status", "version", "active", "config"})
    if (w == c) return true;
  return false;
}

// `create` registers every driver's flags (hundreds of options); commands that scripts run in
// loops (ip, url, env, ls, ...) build only their own group: registering the other commands was
// a good part of such a command's run time (bench/startup.sh). Anything else — help, an unknown
// word, a global option before the command — gets the full command set.
void add_commands(CLI::App &app, Services &s, int &rc, const std::string &word) {
  bool light = is_light_command(word);
  bool ls_group = word == "ls" || word == "active", env_group = word == "env" || word == "config";
  if (!light) add_create(app, s, rc);
  if (!light || ls_group) add_ls(app, s, rc);
  if (!light || env_group) add_env(app, s, rc);
  if (!light || (!ls_group && !env_group)) add_info(app, s, rc);
  if (light) return;
  add_actions(app, s, rc);
  add_ssh(app, s, rc);
  add_cluster(app, s, rc);
  add_context(app, s, rc);
  add_completion(app, s, rc); // last: it describes every command registered above
}

bool env_true(const char *name) {
  const char *v = std::getenv(name);
  if (!v) return false;
  std::string s = v;
  return s == "1" || s == "true" || s == "TRUE" || s == "True" || s == "yes";
}
} // namespace

int run_app(int argc, char **argv) {
  Services s;
  s.command_line = join_argv(argc, argv);
  int rc = 0;

  CLI::App app{"swarmctl: create Docker hosts and clusters (docker-machine compatible)",
               "swarmctl"};
  app.set_version_flag("-v,--version", std::string("swarmctl version ") + k_version);
  app.add_flag("-D,--debug", s.g.debug, "Enable debug mode (shows every remote command)")
      ->envname("MACHINE_DEBUG");
  app.add_option("-s,--storage-path", s.g.storage_path,
                 "Configures storage path (default ~/.swarmctl)")
      ->envname("SWARMCTL_STORAGE_PATH");
  app.add_option("--tls-ca-cert", s.g.tls_ca_cert, "CA to verify remotes against")
      ->envname("MACHINE_TLS_CA_CERT");
  app.add_option("--tls-ca-key", s.g.tls_ca_key, "Private key to generate certificates")
      ->envname("MACHINE_TLS_CA_KEY");
  app.add_option("--tls-client-cert", s.g.tls_client_cert, "Client cert to use for TLS")
      ->envname("MACHINE_TLS_CLIENT_CERT");
  app.add_option("--tls-client-key", s.g.tls_client_key, "Private key used in client TLS auth")
      ->envname("MACHINE_TLS_CLIENT_KEY");
  bool native_ssh = false;
  app.add_flag("--native-ssh", native_ssh,
               "Accepted for compatibility (swarmctl always uses libssh)");
  app.require_subcommand(1, 1);
  app.fallthrough();

  add_commands(app, s, rc, first_word(argc, argv));

  // Store and UI are ready before any callback runs (callbacks run after parsing).
  app.parse_complete_callback([&] {
    s.ui.debug_enabled = s.g.debug || env_true("SWARMCTL_DEBUG");
    fs::path root = s.g.storage_path.empty() ? default_store_path() : fs::path(s.g.storage_path);
    s.store = std::make_unique<Store>(absolute_or_same(root));
  });

  // `ssh NAME [--] command...`: nothing after NAME is parsed (it is the remote command).
  std::vector<char *> args(argv, argv + argc);
  if (int i = command_index(argc, argv); i < argc && std::string(argv[i]) == "ssh") {
    int keep = i + 1;
    if (keep < argc && std::string(argv[keep]) != "--" && argv[keep][0] != '-') ++keep;
    for (int j = keep; j < argc; ++j)
      s.passthrough.push_back(argv[j]);
    if (!s.passthrough.empty() && s.passthrough[0] == "--")
      s.passthrough.erase(s.passthrough.begin());
    args.assign(argv, argv + keep);
  }
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::RequiredError &e) {
    if (argc < 2) {
      std::fputs(app.help().c_str(), stderr);
      return 2;
    }
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const CLI::ExtrasError &e) {
    bool known = false;
    for (const auto *sub : app.get_subcommands([](CLI::App *) { return true; }))
      known = known || (argc >= 2 && sub->get_name() == argv[1]);
    if (argc >= 2 && argv[1][0] != '-' && !known) {
      fmt::print(stderr, "swarmctl: '{}' is not a swarmctl command. See 'swarmctl --help'.\n",
                 argv[1]);
      return 2;
    }
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const CLI::ParseError &e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  return rc;
}

} // namespace sc
