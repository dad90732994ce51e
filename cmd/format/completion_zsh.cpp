// zsh completion script (see completion.hpp).
#include <cmd/format/completion.hpp>
#include <fmt/format.h>
#include <map>
#include <provision/templates/render.hpp>
#include <provision/util/shell_quote.hpp>

namespace sc {

namespace {

// "name:description" for _describe, with the colons of the name escaped.
std::vector<std::string> zsh_specs(const std::vector<CompletionFlag> &flags) {
  std::vector<std::string> out;
  for (const auto &f : flags)
    for (const auto &n : f.names) {
      std::string h = f.help;
      for (auto &c : h)
        if (c == '\n') c = ' ';
      out.push_back(shell_quote(n + ":" + h));
    }
  return out;
}

std::string zsh_words(const std::vector<std::string> &w) {
  return "compadd -- " + shell_join(w);
}

// zsh completion statements; a driver or shell name needs no quoting, a choice may.
const ValueSyntax k_zsh_values = {.words = zsh_words,
                                  .machine = "compadd -- $(_swarmctl_machines)",
                                  .cluster_file = "_files -g '*.(yml|yaml)'",
                                  .file = "_files",
                                  .dir = "_files -/",
                                  .none = "_message value"};

// The case arms of the script: flags, valued options, values and positionals per command.
std::map<std::string, std::string> zsh_arms(const CompletionModel &m) {
  std::string flags, valued, values, positional;
  auto value_arm = [&](const std::string &prefix_pat, const CompletionFlag &f) {
    std::string pats;
    for (const auto &n : f.names)
      pats += (pats.empty() ? "" : "|") + prefix_pat + n;
    values +=
        fmt::format("    {}) {};;\n", pats, value_completion(m, f.kind, f.choices, k_zsh_values));
  };
  for (const auto &c : m.commands) {
    std::string q = shell_quote(c.path);
    flags += fmt::format("    {}) reply=({});;\n", q, join_words(zsh_specs(c.flags)));
    auto v = flag_names(c.flags, true);
    if (c.path == "create")
      for (const auto &[d, fl] : m.driver_flags)
        for (auto &n : flag_names(fl, true))
          v.push_back(n);
    valued += fmt::format("    {}) reply=({});;\n", q, join_words(v));
    for (const auto &f : c.flags)
      if (f.takes_value) value_arm(shell_quote(c.path + " "), f);
    if (!c.subcommands.empty())
      positional += fmt::format("    {}) compadd -- {};;\n", q, join_words(c.subcommands));
    else if (c.path == "scp")
      positional += fmt::format(
          "    {}) local -a ms; ms=($(_swarmctl_machines)); compadd -S '' -- ${{^ms}}:; _files;;\n",
          q);
    else if (c.positional != ValueKind::None)
      positional +=
          fmt::format("    {}) {};;\n", q,
                      value_completion(m, c.positional, c.positional_choices, k_zsh_values));
  }
  for (const auto &[d, fl] : m.driver_flags)
    for (const auto &f : fl)
      if (f.takes_value) value_arm("'create '", f);
  for (const auto &f : m.global_flags)
    if (f.takes_value) value_arm("*' '", f);
  std::string drivers;
  for (const auto &[d, fl] : m.driver_flags)
    drivers += fmt::format("    {}) reply=({});;\n", d, join_words(zsh_specs(fl)));
  return {{"global", join_words(zsh_specs(m.global_flags))},
          {"flags", flags},
          {"drivers", drivers},
          {"valued", valued},
          {"global_valued", join_words(flag_names(m.global_flags, true))},
          {"values", values},
          {"positional", positional}};
}

} // namespace

Result<std::string> completion_zsh(const CompletionModel &m) {
  std::vector<std::string> top;
  for (const auto &c : m.commands)
    if (c.path.find(' ') == std::string::npos) top.push_back(shell_quote(c.path + ":" + c.help));
  auto scan = scan_words(m);
  if (!scan) return scan;
  auto values = zsh_arms(m);
  values["scan_words"] = *scan;
  values["top"] = join_words(top);
  return render_template("completion/_swarmctl.zsh", values);
}

} // namespace sc
