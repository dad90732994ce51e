#include <algorithm>
#include <cmd/commands.hpp>
#include <cmd/help.hpp>
#include <cmd/version.hpp>
#include <cstdlib>
#include <drivers/registry.hpp>
#include <fmt/format.h>
#include <provision/util/fs.hpp>
#include <provision/util/text.hpp>

namespace sc {

namespace {

// The environment variable of a driver flag: drivers read their own (only the chosen driver's
// flags may consult the environment), so it lives in the driver's table, not in CLI11.
std::string driver_flag_env(const std::string &driver, const std::string &flag) {
  auto d = make_driver(driver);
  if (!d) return "";
  for (const auto &spec : d->create_flags())
    if (spec.name == flag) return spec.env;
  return "";
}

std::string driver_of_group(const std::string &group) {
  const std::string suffix = " driver options";
  if (group.size() <= suffix.size() ||
      group.compare(group.size() - suffix.size(), suffix.size(), suffix) != 0)
    return "";
  return group.substr(0, group.size() - suffix.size());
}

FlagDoc flag_doc(const CLI::Option &o) {
  FlagDoc f;
  for (const auto &n : o.get_lnames())
    f.names.push_back(n);
  for (const auto &n : o.get_snames())
    f.names.push_back(n);
  if (o.get_expected_max() == 0)
    f.kind = FlagDoc::Kind::Bool;
  else if (o.get_items_expected_max() > 1 &&
           o.get_multi_option_policy() != CLI::MultiOptionPolicy::TakeLast)
    f.kind = FlagDoc::Kind::List;
  else
    f.kind = FlagDoc::Kind::Value;
  if (f.kind != FlagDoc::Kind::Bool) f.def = o.get_default_str();
  f.env = o.get_envname();
  f.usage = o.get_description();
  f.group = o.get_group() == "Options" ? "" : o.get_group();
  if (auto d = driver_of_group(f.group); !d.empty() && f.env.empty())
    f.env = driver_flag_env(d, f.names.empty() ? "" : f.names.front());
  return f;
}

bool shown(const CLI::Option *o, const CLI::App &cmd) {
  return o->nonpositional() && !o->get_group().empty() && o != cmd.get_help_ptr();
}

// The command at `path` (its words: strings or string_views), nullptr when there is none.
template <class Words> const CLI::App *find_command(const CLI::App &app, const Words &path) {
  const CLI::App *at = &app;
  for (const auto &w : path) {
    const CLI::App *next = nullptr;
    for (const auto *sub : at->get_subcommands([](const CLI::App *) { return true; }))
      if (sub->get_name() == w) next = sub;
    if (!next) return nullptr;
    at = next;
  }
  return at;
}

std::string path_of(const CLI::App &cmd) {
  std::string p = cmd.get_name();
  for (const CLI::App *up = cmd.get_parent(); up && up->get_parent(); up = up->get_parent())
    p = up->get_name() + " " + p;
  return p;
}

bool is_driver(const std::string &name) {
  for (const auto &d : driver_table())
    if (d.name == name) return true;
  return false;
}
} // namespace

std::string driver_group(const std::string &driver) {
  return driver + " driver options";
}

CommandDoc command_doc(const CLI::App &cmd, const std::string &driver, bool all_drivers) {
  CommandDoc c;
  c.path = path_of(cmd);
  c.usage = cmd.get_description();
  c.description = cmd.get_footer();
  bool has_drivers = false;
  for (const auto *o : cmd.get_options()) {
    if (!shown(o, cmd)) continue;
    auto f = flag_doc(*o);
    bool of_driver = !driver_of_group(f.group).empty();
    has_drivers = has_drivers || of_driver;
    if (of_driver && !all_drivers && f.group != driver_group(driver)) continue;
    c.flags.push_back(std::move(f));
  }
  // docker-machine sorts create's flags (its own and the driver's) by their help line; the
  // man page keeps one subsection per driver instead.
  auto by_line = [](const FlagDoc &a, const FlagDoc &b) { return flag_line(a) < flag_line(b); };
  if (has_drivers && !all_drivers) {
    for (auto &f : c.flags)
      f.group.clear();
    std::sort(c.flags.begin(), c.flags.end(), by_line);
  } else if (has_drivers) {
    std::stable_sort(c.flags.begin(), c.flags.end(),
                     [](const FlagDoc &a, const FlagDoc &b) { return a.group < b.group; });
  }
  for (const auto *sub : cmd.get_subcommands([](const CLI::App *) { return true; }))
    c.subcommands.push_back(command_doc(*sub));
  return c;
}

AppDoc app_doc(const CLI::App &app, const Services &s) {
  AppDoc a;
  a.program = s.program;
  a.usage = app.get_description();
  a.version = version_string();
  // docker-machine lists --help and --version after the program's own flags.
  for (const auto *o : app.get_options())
    if (o->nonpositional() && !o->get_group().empty() && o != app.get_help_ptr() &&
        o != app.get_version_ptr())
      a.flags.push_back(flag_doc(*o));
  for (const auto *o : {app.get_help_ptr(), app.get_version_ptr()})
    if (o) a.flags.push_back(flag_doc(*o));
  for (const auto *sub : app.get_subcommands([](const CLI::App *) { return true; })) {
    CommandDoc c;
    c.path = sub->get_name();
    c.usage = sub->get_description();
    a.commands.push_back(std::move(c));
  }
  std::stable_sort(a.commands.begin(), a.commands.end(),
                   [](const CommandDoc &x, const CommandDoc &y) {
                     if ((x.path == "help") != (y.path == "help")) return y.path == "help";
                     return x.path < y.path;
                   });
  a.sections = {{"EXIT STATUS", "0 on success; 1 on any error, usage errors included; 3 when a "
                                "pre-create check failed (create). `ssh NAME COMMAND` exits "
                                "with the remote command's status."}};
  return a;
}

std::string create_driver_from(const std::vector<std::string> &args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const auto &a = args[i];
    if ((a == "-d" || a == "--driver") && i + 1 < args.size()) return args[i + 1];
    for (const char *p : {"-d=", "--driver="})
      if (a.rfind(p, 0) == 0) return a.substr(std::string(p).size());
  }
  if (const char *e = std::getenv("MACHINE_DRIVER"); e && *e) return e;
  return "virtualbox";
}

int print_help(const CLI::App &app, Services &s, const std::vector<std::string> &path,
               const std::string &driver) {
  if (path.empty()) {
    s.ui.raw_out(render_app_help(app_doc(app, s)));
    return 0;
  }
  const CLI::App *cmd = find_command(app, path);
  if (!cmd) {
    s.ui.error(fmt::format("{}: '{}' is not a {} command. See '{} --help'.", s.program, path[0],
                           s.program, s.argv0));
    return 1;
  }
  if (cmd->get_name() == "create" && !is_driver(driver)) {
    s.ui.error(fmt::format("Driver \"{}\" not found. Do you have the plugin binary "
                           "\"docker-machine-driver-{}\" accessible in your PATH?",
                           driver, driver));
    return 1;
  }
  s.ui.raw_out(render_command_help(s.program, command_doc(*cmd, driver)));
  return 0;
}

Status write_man_pages(const CLI::App &app, const Services &s, const fs::path &dir) {
  SC_TRY(ensure_dir(dir, 0755));
  auto a = app_doc(app, s);
  SC_TRY(atomic_write(dir / (s.program + ".1"), render_man_app(a), 0644));
  for (const auto &c : a.commands) {
    const CLI::App *cmd = find_command(app, split(c.path, ' '));
    if (!cmd) continue;
    auto doc = command_doc(*cmd, "", true);
    // A page names the program, not the path it was run by (docker-machine's os.Args[0] hints).
    for (size_t p;
         s.argv0 != s.program && (p = doc.description.find(s.argv0)) != std::string::npos;)
      doc.description.replace(p, s.argv0.size(), s.program);
    auto page = render_man_command(a, doc);
    SC_TRY(atomic_write(dir / (s.program + "-" + c.path + ".1"), page, 0644));
  }
  return ok();
}

void add_help(CLI::App &app, Services &s, int &rc) {
  auto topics = std::make_shared<std::vector<std::string>>();
  auto man_dir = std::make_shared<std::string>();
  auto *c = app.add_subcommand("help", "Shows a list of commands or help for one command");
  c->add_option("topic", *topics, "A command (`help network create`) or a driver");
  c->add_option("--man", *man_dir,
                "Write the man pages (PROGRAM.1, PROGRAM-COMMAND.1) into this directory");
  c->footer("Argument is a command, or a driver name for the flags of that driver.");
  c->callback([topics, man_dir, &app, &s, &rc] {
    if (!man_dir->empty()) {
      rc = report_status(s, write_man_pages(app, s, *man_dir));
      return;
    }
    if (topics->size() == 1 && is_driver((*topics)[0])) {
      rc = print_help(app, s, {"create"}, (*topics)[0]);
      return;
    }
    rc = print_help(app, s, *topics, create_driver_from({}));
  });
}

} // namespace sc
