#pragma once
// docker-machine's help screens (its codegangsta/cli templates laid out by Go's text/tabwriter)
// and man pages, rendered from plain descriptions of the commands and flags. Pure: no I/O. The
// descriptions are read from the parser's own tables (cmd/help.hpp), so --help, `help TOPIC` and
// the man pages can never disagree with what the parser accepts.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sc {

struct FlagDoc {
  std::vector<std::string> names; // without dashes, long names first: {"timeout", "t"}
  enum class Kind { Bool, Value, List } kind = Kind::Bool;
  std::string def;   // default shown in quotes; "" = none
  std::string env;   // environment variable read when the flag is absent; "" = none
  std::string usage; // one line
  std::string group; // "" = the command's own; "local driver options" for a driver's flags
};

struct CommandDoc {
  std::string path;        // "ls", "network create"
  std::string usage;       // one line
  std::string description; // docker-machine's longer text ("Argument is a machine name.")
  std::vector<FlagDoc> flags;
  std::vector<CommandDoc> subcommands;
};

struct AppDoc {
  std::string program; // argv[0]'s base name: "swarmctl", or "docker-machine" when renamed
  std::string usage;   // "Create and manage machines running Docker."
  std::string version; // "0.1.0, build 0123abcd"
  std::vector<FlagDoc> flags;
  std::vector<CommandDoc> commands;
  std::vector<std::pair<std::string, std::string>> sections; // man-only: {"EXIT STATUS", text}
};

// codegangsta/cli's flag line: `--timeout, -t "10"<TAB>Timeout in seconds [$ENV]`; a list flag
// reads `--filter [--filter option --filter option]<TAB>...`, an empty default `--format, -f
// <TAB>`.
std::string flag_line(const FlagDoc &f);

// Go's text/tabwriter as codegangsta/cli configures it (minwidth 0, tabwidth 8, padding 1,
// padding with tabs): in each run of consecutive lines that hold a tab, the text before the tab
// is padded with tabs to a common width (the longest + 1, rounded up to a multiple of 8).
std::string tab_align(std::string_view text);

// `PROGRAM CMD -h`: "Usage: PROGRAM CMD [OPTIONS] [arg...]", the usage line, "Description:",
// "Options:" (a command with subcommands lists them instead).
std::string render_command_help(const std::string &program, const CommandDoc &c);
// `PROGRAM`, `PROGRAM -h`: usage, version, global options, commands.
std::string render_app_help(const AppDoc &a);

// Text escaped for troff: backslashes, dashes, and a leading '.' or '\''.
std::string man_escape(std::string_view s);
// PROGRAM(1): synopsis, global options, the commands, extra sections, environment.
std::string render_man_app(const AppDoc &a);
// PROGRAM-CMD(1): synopsis, description, options (one subsection per group or subcommand).
std::string render_man_command(const AppDoc &a, const CommandDoc &c);

} // namespace sc
