#include <algorithm>
#include <cctype>
#include <cmd/help_render.hpp>
#include <cstddef>
#include <fmt/format.h>
#include <provision/util/text.hpp>

namespace sc {

namespace {

std::string dashed(const std::string &name) {
  return (name.size() == 1 ? "-" : "--") + name;
}

std::string joined_names(const FlagDoc &f) {
  std::string out;
  for (const auto &n : f.names)
    out += (out.empty() ? "" : ", ") + dashed(n);
  return out;
}

// Width as Go's tabwriter counts it: UTF-8 code points.
size_t text_width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

// The text as a sentence: a final period added when missing.
std::string sentence(std::string s) {
  if (!s.empty() && s.back() != '.') s += '.';
  return s;
}

std::string man_title(std::string s) {
  for (auto &c : s)
    c = c == ' ' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string man_flag(const FlagDoc &f) {
  std::string out = ".TP\n";
  std::string names;
  for (const auto &n : f.names)
    names += (names.empty() ? "" : ", ") + ("\\fB" + man_escape(dashed(n)) + "\\fR");
  out += names;
  if (f.kind != FlagDoc::Kind::Bool) out += " \\fIvalue\\fR";
  out += "\n" + man_escape(sentence(f.usage));
  if (f.kind == FlagDoc::Kind::List) out += " May be given several times.";
  if (!f.def.empty()) out += " Default: " + man_escape(f.def) + ".";
  if (!f.env.empty()) out += " Environment: \\fB" + man_escape(f.env) + "\\fR.";
  return out + "\n";
}

std::string man_flags(const std::vector<FlagDoc> &flags) {
  std::string out, group;
  for (const auto &f : flags) {
    if (f.group != group) {
      group = f.group;
      out += ".SS \"" + man_escape(group.empty() ? "Options" : group) + "\"\n";
    }
    out += man_flag(f);
  }
  return out;
}

std::string man_header(const AppDoc &a, const std::string &page) {
  return fmt::format(".TH \"{}\" 1 \"\" \"{} {}\" \"User Commands\"\n", man_title(page), a.program,
                     man_escape(a.version));
}

void collect_env(const std::vector<FlagDoc> &flags, std::vector<std::string> &out) {
  for (const auto &f : flags) {
    if (f.env.empty()) continue;
    std::string line = "\\fB" + man_escape(f.env) + "\\fR: " + man_escape(f.usage) + " (" +
                       man_escape(dashed(f.names.front())) + ")";
    bool seen = false;
    for (const auto &l : out)
      seen = seen || l == line;
    if (!seen) out.push_back(line);
  }
}
} // namespace

std::string flag_line(const FlagDoc &f) {
  std::string names = joined_names(f);
  std::string out;
  switch (f.kind) {
  case FlagDoc::Kind::Bool:
    out = fmt::format("{}\t{}", names, f.usage);
    break;
  case FlagDoc::Kind::Value:
    out = f.def.empty() ? fmt::format("{} \t{}", names, f.usage)
                        : fmt::format("{} \"{}\"\t{}", names, f.def, f.usage);
    break;
  case FlagDoc::Kind::List: {
    std::string first = f.names.empty() ? std::string() : dashed(f.names.front());
    out = fmt::format("{} [{} option {} option]\t{}", names, first, first, f.usage);
    break;
  }
  }
  if (!f.env.empty()) out += " [$" + f.env + "]";
  return out;
}

std::string tab_align(std::string_view text) {
  auto lines = split(text, '\n');
  std::string out;
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].find('\t') == std::string_view::npos) {
      out += lines[i];
      if (i + 1 < lines.size()) out += '\n';
      ++i;
      continue;
    }
    size_t end = i, width = 0;
    for (; end < lines.size() && lines[end].find('\t') != std::string_view::npos; ++end)
      width = std::max(width, text_width(lines[end].substr(0, lines[end].find('\t'))) + 1);
    size_t cell = (width + 7) / 8 * 8;
    for (; i < end; ++i) {
      auto tab = lines[i].find('\t');
      auto head = lines[i].substr(0, tab);
      out += head;
      out.append((cell - text_width(head) + 7) / 8, '\t');
      out += lines[i].substr(tab + 1);
      if (i + 1 < lines.size()) out += '\n';
    }
  }
  return out;
}

std::string render_command_help(const std::string &program, const CommandDoc &c) {
  std::string out;
  if (!c.subcommands.empty()) {
    out =
        fmt::format("Usage: {} {} COMMAND [arg...]\n\n{}\n\nCommands:\n", program, c.path, c.usage);
    for (const auto &sub : c.subcommands)
      out += fmt::format("  {}\t{}\n", sub.path.substr(sub.path.rfind(' ') + 1), sub.usage);
    out += fmt::format("\nRun '{} {} COMMAND --help' for more information on a command.\n", program,
                       c.path);
    return tab_align(out);
  }
  out = fmt::format("Usage: {} {}{} [arg...]\n\n{}", program, c.path,
                    c.flags.empty() ? "" : " [OPTIONS]", c.usage);
  if (!c.description.empty()) out += "\n\nDescription:\n   " + c.description;
  if (!c.flags.empty()) {
    out += "\n\nOptions:\n   ";
    for (const auto &f : c.flags)
      out += "\n   " + flag_line(f);
  }
  out += "\n";
  return tab_align(out);
}

std::string render_app_help(const AppDoc &a) {
  std::string out = fmt::format("Usage: {} {}COMMAND [arg...]\n\n{}\n\nVersion: {}\n", a.program,
                                a.flags.empty() ? "" : "[OPTIONS] ", a.usage, a.version);
  if (!a.flags.empty()) {
    out += "\nOptions:\n  ";
    for (const auto &f : a.flags)
      out += flag_line(f) + "\n  ";
  }
  out += "\nCommands:\n  ";
  for (const auto &c : a.commands)
    out += c.path + "\t" + c.usage + "\n  ";
  out += fmt::format("\nRun '{} COMMAND --help' for more information on a command.\n", a.program);
  return tab_align(out);
}

std::string man_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string render_man_app(const AppDoc &a) {
  std::string out = man_header(a, a.program);
  out += fmt::format(".SH NAME\n{} \\- {}\n", a.program, man_escape(a.usage));
  out += fmt::format(".SH SYNOPSIS\n\\fB{}\\fR [OPTIONS] COMMAND [arg...]\n", a.program);
  out += ".SH OPTIONS\n" + man_flags(a.flags);
  out += ".SH COMMANDS\n";
  for (const auto &c : a.commands)
    out += fmt::format(".TP\n\\fB{}\\fR\n{} See \\fB{}\\-{}\\fR(1).\n", man_escape(c.path),
                       man_escape(sentence(c.usage)), a.program, man_escape(c.path));
  for (const auto &[title, text] : a.sections)
    out += ".SH " + title + "\n" + man_escape(text) + "\n";
  std::vector<std::string> env;
  collect_env(a.flags, env);
  for (const auto &c : a.commands)
    collect_env(c.flags, env);
  if (!env.empty()) {
    out += ".SH ENVIRONMENT\n";
    for (const auto &e : env)
      out += ".TP\n" + e.substr(0, e.find(": ")) + "\n" + e.substr(e.find(": ") + 2) + "\n";
  }
  return out;
}

std::string render_man_command(const AppDoc &a, const CommandDoc &c) {
  std::string page = a.program + "-" + c.path;
  for (auto &ch : page)
    if (ch == ' ') ch = '-';
  std::string out = man_header(a, page);
  out += fmt::format(".SH NAME\n{} \\- {}\n", man_escape(page), man_escape(c.usage));
  out += fmt::format(".SH SYNOPSIS\n\\fB{} {}\\fR{} [arg...]\n", a.program, man_escape(c.path),
                     c.subcommands.empty() ? (c.flags.empty() ? "" : " [OPTIONS]") : " COMMAND");
  out += ".SH DESCRIPTION\n" + man_escape(sentence(c.usage)) + "\n";
  if (!c.description.empty()) out += ".PP\n" + man_escape(c.description) + "\n";
  if (!c.flags.empty()) out += ".SH OPTIONS\n" + man_flags(c.flags);
  if (!c.subcommands.empty()) {
    out += ".SH COMMANDS\n";
    for (const auto &sub : c.subcommands) {
      out += fmt::format(".SS \"{}\"\n{}\n", man_escape(sub.path), man_escape(sub.usage));
      if (!sub.description.empty()) out += ".PP\n" + man_escape(sub.description) + "\n";
      for (const auto &f : sub.flags)
        out += man_flag(f);
    }
  }
  out += fmt::format(".SH SEE ALSO\n\\fB{}\\fR(1)\n", a.program);
  return out;
}

} // namespace sc
