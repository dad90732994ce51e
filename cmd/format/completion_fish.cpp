// fish completion script (see completion.hpp).
#include <cmd/format/completion.hpp>
#include <fmt/format.h>
#include <provision/templates/render.hpp>
#include <provision/util/shell_quote.hpp>

namespace sc {

namespace {

std::string fish_quote(const std::string &s) {
  // fish single quotes: only \ and ' are special inside.
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string fish_words(const std::vector<std::string> &w) {
  return " -x -a " + fish_quote(join_words(w));
}

// fish `complete` options for a flag's value.
const ValueSyntax k_fish_values = {.words = fish_words,
                                   .machine = " -x -a '(__swarmctl_machines)'",
                                   .cluster_file = " -r -F",
                                   .file = " -r -F",
                                   .dir = " -x -a '(__fish_complete_directories)'",
                                   .none = " -x"};

// One `complete` line per flag under the condition `cond`.
std::string fish_flags(const CompletionModel &m, const std::string &cond,
                       const std::vector<CompletionFlag> &flags) {
  std::string out;
  for (const auto &f : flags) {
    std::string line = "complete -c " + std::string("swarmctl") + " -n " + fish_quote(cond);
    for (const auto &n : f.names) {
      if (n.rfind("--", 0) == 0)
        line += " -l " + n.substr(2);
      else if (n.size() == 2)
        line += " -s " + n.substr(1);
      else
        line += " -o " + n.substr(1);
    }
    if (f.takes_value) line += value_completion(m, f.kind, f.choices, k_fish_values);
    if (!f.help.empty()) line += " -d " + fish_quote(f.help);
    out += line + "\n";
  }
  return out;
}

// The script's functions (command path, chosen driver, store, machine names).
Result<std::string> fish_functions(const CompletionModel &m) {
  std::vector<std::string> nested;
  for (const auto &c : m.commands)
    if (!c.subcommands.empty()) nested.push_back(c.path);
  std::vector<std::string> valued = flag_names(m.global_flags, true);
  for (const auto &c : m.commands)
    for (const auto &n : flag_names(c.flags, true))
      valued.push_back(n);
  for (const auto &[d, flags] : m.driver_flags)
    for (const auto &n : flag_names(flags, true))
      valued.push_back(n);
  return render_template("completion/swarmctl.fish",
                         {{"valued", join_words(valued)},
                          {"nested", nested.empty() ? std::string("''") : shell_join(nested)},
                          {"default_driver", m.default_driver}});
}

} // namespace

Result<std::string> completion_fish(const CompletionModel &m) {
  auto head = fish_functions(m);
  if (!head) return head;
  std::string out = *head;
  out += fish_flags(m, "true", m.global_flags);
  for (const auto &c : m.commands) {
    auto space = c.path.find(' ');
    std::string parent = space == std::string::npos ? "" : c.path.substr(0, space);
    std::string name = space == std::string::npos ? c.path : c.path.substr(space + 1);
    out +=
        fmt::format("complete -c {} -n {} -a {} -d {}\n", std::string("swarmctl"),
                    fish_quote("__swarmctl_is " + shell_quote(parent)), name, fish_quote(c.help));
    std::string cond = "__swarmctl_is " + shell_quote(c.path);
    out += fish_flags(m, cond, c.flags);
    if (c.subcommands.empty() && c.positional != ValueKind::None) {
      std::string v = value_completion(m, c.positional, c.positional_choices, k_fish_values);
      if (c.path == "scp") v = " -F -a '(__swarmctl_machines | string replace -r \\$ :)'";
      out += fmt::format("complete -c {} -n {}{}\n", std::string("swarmctl"), fish_quote(cond), v);
    }
  }
  for (const auto &[d, flags] : m.driver_flags)
    out += fish_flags(m, "__swarmctl_driver_is " + d, flags);
  return out;
}

} // namespace sc
