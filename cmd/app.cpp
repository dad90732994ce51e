#include <unistd.h>

#include <cmd/app.hpp>
#include <cmd/cmd_completion.hpp>
#include <cmd/cmd_context.hpp>
#include <cmd/commands.hpp>
#include <cmd/help.hpp>
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

CLI::App *add_machine_command(CLI::App &app, const std::string &name, const std::string &help,
                              std::vector<std::string> &names, bool several,
                              const std::string &more) {
  auto *c = app.add_subcommand(name, help);
  c->footer(
      (several ? "Argument(s) are one or more machine names." : "Argument is a machine name.") +
      more);
  c->add_option("name", names, several ? "Machine names" : "Machine name");
  return c;
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
  static const char *const with_value[] = {"-s",
                                           "--storage-path",
                                           "--tls-ca-cert",
                                           "--tls-ca-key",
                                           "--tls-client-cert",
                                           "--tls-client-key",
                                           "--github-api-token",
                                           "--bugsnag-api-token"};
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
  add_help(app, s, rc);
  add_completion(app, s, rc); // last: it describes every command registered above
}

bool env_true(const char *name) {
  const char *v = std::getenv(name);
  if (!v) return false;
  std::string s = v;
  return s == "1" || s == "true" || s == "TRUE" || s == "True" || s == "yes";
}

std::string base_name(const std::string &path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

const CLI::App *subcommand_named(const CLI::App &at, const std::string &name) {
  for (const auto *sub : at.get_subcommands([](const CLI::App *) { return true; }))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// The command words from argv[i] on: {"network", "create"} for a nested command.
std::vector<std::string> command_path(const CLI::App &app, int argc, char **argv, int i) {
  std::vector<std::string> path;
  const CLI::App *at = &app;
  for (; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    const CLI::App *next = subcommand_named(*at, argv[i]);
    if (!next) {
      if (path.empty()) path.push_back(argv[i]); // unknown: print_help reports it
      break;
    }
    path.push_back(argv[i]);
    at = next;
  }
  return path;
}

void add_globals(CLI::App &app, Services &s) {
  app.set_help_flag("-h,--help", "show help");
  app.set_version_flag("-v,--version", version_line(s.program), "print the version");
  app.add_flag("-D,--debug", s.g.debug, "Enable debug mode (shows every remote command)")
      ->envname("MACHINE_DEBUG");
  app.add_option("-s,--storage-path", s.g.storage_path,
                 "Configures storage path ($MACHINE_STORAGE_PATH is read too)")
      ->envname("SWARMCTL_STORAGE_PATH")
      ->default_str(default_store_path().string());
  app.add_option("--tls-ca-cert", s.g.tls_ca_cert, "CA to verify remotes against")
      ->envname("MACHINE_TLS_CA_CERT");
  app.add_option("--tls-ca-key", s.g.tls_ca_key, "Private key to generate certificates")
      ->envname("MACHINE_TLS_CA_KEY");
  app.add_option("--tls-client-cert", s.g.tls_client_cert, "Client cert to use for TLS")
      ->envname("MACHINE_TLS_CLIENT_CERT");
  app.add_option("--tls-client-key", s.g.tls_client_key, "Private key used in client TLS auth")
      ->envname("MACHINE_TLS_CLIENT_KEY");
  // Accepted so that docker-machine command lines keep working; they change nothing here.
  static std::string unused_token;
  static bool unused_flag = false;
  app.add_option("--github-api-token", unused_token,
                 "Accepted for compatibility (no GitHub API is asked)")
      ->envname("MACHINE_GITHUB_API_TOKEN");
  app.add_flag("--native-ssh", unused_flag,
               "Accepted for compatibility (the built-in SSH client, libssh, is always used)")
      ->envname("MACHINE_NATIVE_SSH");
  app.add_option("--bugsnag-api-token", unused_token,
                 "Accepted for compatibility (no crash report is sent)")
      ->envname("MACHINE_BUGSNAG_API_TOKEN");
}

// One value per occurrence for every repeatable option, as Go's flag package reads them:
// `--engine-label a=b m1` leaves m1 as the machine name (CLI11's vector options would take every
// word that follows).
void one_value_per_flag(CLI::App &app) {
  for (auto *o : app.get_options())
    if (o->nonpositional() && o->get_items_expected_max() > 1) o->allow_extra_args(false);
  for (auto *sub : app.get_subcommands([](CLI::App *) { return true; }))
    one_value_per_flag(*sub);
}

// CLI11 found arguments nobody takes: an unknown command word, an unknown flag, or a positional
// argument of a command that takes none.
int extras_error(const CLI::App &app, Services &s, int argc, char **argv) {
  int ci = command_index(argc, argv);
  if (ci < argc && !subcommand_named(app, argv[ci])) return print_help(app, s, {argv[ci]}, "");
  auto rest = app.remaining(true);
  if (!rest.empty() && rest[0].size() > 1 && rest[0][0] == '-') {
    s.ui.error(fmt::format("Incorrect Usage: flag provided but not defined: {}. See '{} {} "
                           "--help'.",
                           rest[0], s.argv0, ci < argc ? argv[ci] : ""));
    return 1;
  }
  std::string list;
  for (const auto &r : rest)
    list += (list.empty() ? "" : " ") + r;
  s.ui.error(fmt::format("Invalid command line. Found extra arguments [{}]", list));
  return 1;
}
// A command group (`network`, `kv`) without one of its commands: its help, then the error.
int missing_subcommand(const CLI::App &app, Services &s, const std::vector<std::string> &path,
                       const CLI::RequiredError &e) {
  const CLI::App *at = &app;
  for (const auto &w : path)
    at = at ? subcommand_named(*at, w) : nullptr;
  if (path.empty() || !at || at->get_subcommands([](const CLI::App *) { return true; }).empty()) {
    s.ui.error(fmt::format("Incorrect Usage: {}", e.what()));
    return 1;
  }
  (void)print_help(app, s, path, "");
  std::string group;
  for (const auto &w : path)
    group += " " + w;
  s.ui.error(fmt::format("Error: Expected one of the commands of '{}{}'", s.program, group));
  return 1;
}
} // namespace

int run_app(int argc, char **argv) {
  Services s;
  s.argv0 = argc > 0 ? argv[0] : "swarmctl";
  s.program = base_name(s.argv0);
  s.command_line = join_argv(argc, argv);
  int rc = 0;

  CLI::App app{"Create and manage machines running Docker, and clusters of them.", s.program};
  add_globals(app, s);
  app.require_subcommand(0, 1);
  app.fallthrough();

  int ci = command_index(argc, argv);
  std::string word = ci < argc ? argv[ci] : "";
  add_commands(app, s, rc, word);
  one_value_per_flag(app);

  // Store and UI are ready before any callback runs (callbacks run after parsing).
  app.parse_complete_callback([&] {
    s.ui.debug_enabled = s.g.debug || env_true("SWARMCTL_DEBUG");
    fs::path root = s.g.storage_path.empty() ? default_store_path() : fs::path(s.g.storage_path);
    s.store = std::make_unique<Store>(absolute_or_same(root), s.program);
  });

  // `ssh [NAME] [ssh options] [--] [command...]`: nothing after `ssh` is parsed here (cmd_ssh
  // reads it the way ssh(1) would).
  std::vector<char *> args(argv, argv + argc);
  if (word == "ssh") {
    for (int j = ci + 1; j < argc; ++j)
      s.passthrough.push_back(argv[j]);
    args.assign(argv, argv + ci + 1);
    if (!s.passthrough.empty() &&
        (s.passthrough[0] == "-h" || s.passthrough[0] == "--help" || s.passthrough[0] == "-help"))
      return print_help(app, s, {"ssh"}, "");
  }
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp &) {
    return print_help(app, s, command_path(app, argc, argv, ci),
                      create_driver_from(std::vector<std::string>(argv + ci, argv + argc)));
  } catch (const CLI::CallForAllHelp &) {
    return print_help(app, s, {}, "");
  } catch (const CLI::CallForVersion &) {
    s.ui.raw_out(version_line(s.program));
    return 0;
  } catch (const CLI::ExtrasError &) {
    return extras_error(app, s, argc, argv);
  } catch (const CLI::RequiredError &e) {
    return missing_subcommand(app, s, command_path(app, argc, argv, ci), e);
  } catch (const CLI::ParseError &e) {
    s.ui.error(fmt::format("Incorrect Usage: {}", e.what()));
    return 1;
  }
  // A bare invocation (or global options only) prints the help, like docker-machine.
  if (app.get_subcommands().empty()) return print_help(app, s, {}, "");
  return rc;
}

} // namespace sc
