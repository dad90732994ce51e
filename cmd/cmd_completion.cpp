#include <cmd/cmd_completion.hpp>
#include <cmd/commands.hpp>
#include <cmd/format/completion.hpp>
#include <drivers/registry.hpp>
#include <fmt/format.h>

namespace sc {

namespace {

bool ends_with(const std::string &s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Values listed in a help text as "[a, b, c]" (env --shell) or by a CLI11 IsMember check
// ("{a,b,c}").
std::vector<std::string> listed_values(const std::string &text, char open, char close) {
  std::vector<std::string> out;
  auto a = text.find(open), b = text.find(close, a == std::string::npos ? 0 : a);
  if (a == std::string::npos || b == std::string::npos) return out;
  std::string cur;
  for (char c : text.substr(a + 1, b - a - 1)) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string validator_text(CLI::Option *o) {
  try {
    return o->get_validator(0)->get_description();
  } catch (const CLI::Error &) {
    return ""; // no check on this option
  }
}

// What a value of option `o` of command `path` completes to.
void set_value_kind(const std::string &path, CLI::Option *o, CompletionFlag &f) {
  std::string n = o->get_lnames().empty() ? "" : o->get_lnames()[0];
  std::string check = validator_text(o);
  if (path == "create" && n == "driver") {
    f.kind = ValueKind::Driver;
  } else if ((path == "up" || path == "down") && n == "file") {
    f.kind = ValueKind::ClusterFile;
  } else if (n == "storage-path" || n == "local-rootfs" || check == "DIR") {
    f.kind = ValueKind::Dir;
  } else if (check == "FILE" || ends_with(n, "-ssh-key") || ends_with(n, "-ssh-keypath") ||
             ends_with(n, "-userdata") || ends_with(n, "-cert") || n == "virtualbox-image" ||
             (n.rfind("tls-", 0) == 0 && ends_with(n, "-key"))) {
    f.kind = ValueKind::File;
  } else if (auto v = listed_values(check, '{', '}');
             !check.empty() && check.front() == '{' && !v.empty()) {
    f.kind = ValueKind::Choice;
    f.choices = v;
  } else if (auto w = listed_values(o->get_description(), '[', ']'); !w.empty()) {
    f.kind = ValueKind::Choice; // env --shell: "[fish, cmd, powershell, ...]"
    f.choices = w;
  }
}

CompletionFlag flag_of(const std::string &path, CLI::Option *o) {
  CompletionFlag f;
  for (const auto &s : o->get_snames())
    f.names.push_back("-" + s);
  for (const auto &l : o->get_lnames())
    f.names.push_back("--" + l);
  f.takes_value = o->get_items_expected_max() > 0;
  f.help = o->get_description();
  if (auto pos = f.help.find(" [$"); pos != std::string::npos) f.help.resize(pos);
  if (f.takes_value) set_value_kind(path, o, f);
  return f;
}

void add_command(CompletionModel &m, CLI::App *app, const std::string &path) {
  CompletionCommand c;
  c.path = path;
  c.help = app->get_description();
  for (CLI::Option *o : app->get_options()) {
    if (o->get_positional()) {
      // A machine name, except where a new name is given (create, network create).
      if (path == "completion") {
        c.positional = ValueKind::Choice;
        c.positional_choices = {"bash", "zsh", "fish"};
      } else if (path != "create" && path != "network create") {
        c.positional = ValueKind::Machine;
      }
      continue;
    }
    if (o->get_lnames().empty() && o->get_snames().empty()) continue;
    const std::string &group = o->get_group();
    if (ends_with(group, " driver options")) {
      std::string driver = group.substr(0, group.size() - std::string(" driver options").size());
      for (auto &[d, flags] : m.driver_flags)
        if (d == driver) flags.push_back(flag_of(path, o));
      continue;
    }
    c.flags.push_back(flag_of(path, o));
  }
  for (CLI::App *sub : app->get_subcommands([](CLI::App *) { return true; }))
    c.subcommands.push_back(sub->get_name());
  m.commands.push_back(c);
  for (CLI::App *sub : app->get_subcommands([](CLI::App *) { return true; }))
    add_command(m, sub, path + " " + sub->get_name());
}

} // namespace

CompletionModel completion_model(CLI::App &root) {
  CompletionModel m;
  for (const auto &d : driver_table())
    m.driver_flags.push_back({d.name, {}});
  for (CLI::Option *o : root.get_options())
    if (!o->get_positional()) m.global_flags.push_back(flag_of("", o));
  for (CLI::App *sub : root.get_subcommands([](CLI::App *) { return true; }))
    add_command(m, sub, sub->get_name());
  for (const auto &c : m.commands)
    for (const auto &f : c.flags)
      if (c.path == "env" && f.names.back() == "--shell") m.shells = f.choices;
  return m;
}

void add_completion(CLI::App &app, Services &s, int &rc) {
  auto shell = std::make_shared<std::string>();
  auto *c = app.add_subcommand("completion",
                               "Print the shell completion script (bash, zsh or fish) to stdout");
  c->add_option("shell", *shell, "Shell: bash, zsh or fish")->required();
  c->callback([shell, &app, &s, &rc] {
    CompletionModel m = completion_model(app);
    Result<std::string> script = fail(Errc::usage, fmt::format("completion: unknown shell \"{}\" "
                                                               "(bash, zsh or fish)",
                                                               *shell));
    if (*shell == "bash") script = completion_bash(m);
    if (*shell == "zsh") script = completion_zsh(m);
    if (*shell == "fish") script = completion_fish(m);
    if (!script) {
      rc = report(s, script.error());
      return;
    }
    s.ui.raw_out(*script);
    rc = 0;
  });
}

} // namespace sc
