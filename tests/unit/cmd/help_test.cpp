// docker-machine's help layout (codegangsta/cli templates + Go's text/tabwriter), flag lines,
// man pages, and the docs read from CLI11 tables: byte-exact where docker-machine's format is
// known from its source (cmd/docker-machine/machine.go, vendor/github.com/codegangsta/cli).
#include <cmd/help.hpp>
#include <cmd/help_render.hpp>
#include <cmd/version.hpp>
#include <cstdlib>
#include <doctest/doctest.h>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace sc;

namespace {
FlagDoc flag(std::vector<std::string> names, FlagDoc::Kind kind, std::string def = "",
             std::string env = "", std::string usage = "u") {
  FlagDoc f;
  f.names = std::move(names);
  f.kind = kind;
  f.def = std::move(def);
  f.env = std::move(env);
  f.usage = std::move(usage);
  return f;
}

// The lines of a text, without their newlines (std::getline: a final newline ends the last line).
std::vector<std::string> lines_of(const std::string &s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}
} // namespace

TEST_CASE("flag lines are codegangsta/cli's String() of each flag kind") {
  using K = FlagDoc::Kind;
  CHECK(flag_line(flag({"quiet", "q"}, K::Bool, "", "", "Enable quiet mode")) ==
        "--quiet, -q\tEnable quiet mode");
  CHECK(flag_line(flag({"timeout", "t"}, K::Value, "10", "", "Timeout")) ==
        "--timeout, -t \"10\"\tTimeout");
  // An empty default keeps the space before the tab (Go's "%s %v\t%v").
  CHECK(flag_line(flag({"format", "f"}, K::Value, "", "", "Pretty-print")) ==
        "--format, -f \tPretty-print");
  CHECK(flag_line(flag({"filter"}, K::List, "", "", "Filter output")) ==
        "--filter [--filter option --filter option]\tFilter output");
  CHECK(flag_line(flag({"driver", "d"}, K::Value, "virtualbox", "MACHINE_DRIVER", "Driver.")) ==
        "--driver, -d \"virtualbox\"\tDriver. [$MACHINE_DRIVER]");
  CHECK(flag_line(flag({"y"}, K::Bool, "", "", "Yes")) == "-y\tYes");
}

TEST_CASE("tab_align pads like Go's tabwriter with tabs (tabwidth 8, padding 1)") {
  // Widths 14 and 21: cell = 21+1 rounded up to 24; 14 -> 2 tabs, 21 -> 1 tab.
  CHECK(tab_align("   --quiet, -q\tA\n   --timeout, -t \"10\"\tB\n") ==
        "   --quiet, -q\t\tA\n   --timeout, -t \"10\"\tB\n");
  // Exactly 7 wide + padding 1 = 8: one tab; a line without a tab ends the block.
  CHECK(tab_align("1234567\tx\nno tab\n12\ty\n") == "1234567\tx\nno tab\n12\ty\n");
  // 8 wide: 9 -> 16: one tab reaches column 16 from 8, two from 2.
  CHECK(tab_align("12345678\ta\nab\tb") == "12345678\ta\nab\t\tb");
  // Widths count code points, not bytes.
  CHECK(tab_align("∞∞∞∞∞∞∞\tx\n") == "∞∞∞∞∞∞∞\tx\n");
}

TEST_CASE("command help: docker-machine's layout, the program name given") {
  CommandDoc c;
  c.path = "ls";
  c.usage = "List machines";
  c.flags = {flag({"quiet", "q"}, FlagDoc::Kind::Bool, "", "", "Enable quiet mode")};
  auto out = render_command_help("docker-machine", c);
  CHECK(out == "Usage: docker-machine ls [OPTIONS] [arg...]\n\nList machines\n\nOptions:\n   \n"
               "   --quiet, -q\tEnable quiet mode\n");
  c.description = "Argument is a machine name.";
  c.flags.clear();
  c.path = "url";
  c.usage = "Get the URL of a machine";
  CHECK(render_command_help("swarmctl", c) ==
        "Usage: swarmctl url [arg...]\n\nGet the URL of a machine\n\nDescription:\n   Argument "
        "is a machine name.\n");
}

TEST_CASE("app help: usage line, description on the second non-empty line, commands") {
  AppDoc a;
  a.program = "docker-machine";
  a.usage = "Create and manage machines running Docker.";
  a.version = "0.1.0, build abcdef12";
  a.flags = {flag({"debug", "D"}, FlagDoc::Kind::Bool, "", "", "Enable debug mode")};
  CommandDoc ls;
  ls.path = "ls";
  ls.usage = "List machines";
  a.commands = {ls};
  auto lines = lines_of(render_app_help(a));
  REQUIRE(lines.size() >= 10);
  CHECK(lines[0] == "Usage: docker-machine [OPTIONS] COMMAND [arg...]");
  CHECK(lines[1].empty());
  CHECK(lines[2] == "Create and manage machines running Docker.");
  CHECK(lines[4] == "Version: 0.1.0, build abcdef12");
  CHECK(lines[6] == "Options:");
  CHECK(lines[7] == "  --debug, -D\tEnable debug mode");
  CHECK(lines.back() == "Run 'docker-machine COMMAND --help' for more information on a command.");
}

TEST_CASE("man pages: troff with escaped dashes, one .TP per flag, groups as subsections") {
  CHECK(man_escape("--url") == "\\-\\-url");
  CHECK(man_escape(".x\\y") == "\\&.x\\ey");
  AppDoc a;
  a.program = "swarmctl";
  a.usage = "Create and manage machines running Docker.";
  a.version = "0.1.0, build x";
  CommandDoc c;
  c.path = "create";
  c.usage = "Create a machine";
  c.flags = {flag({"driver", "d"}, FlagDoc::Kind::Value, "virtualbox", "MACHINE_DRIVER", "Driver"),
             flag({"url"}, FlagDoc::Kind::Value, "", "", "URL of host")};
  c.flags[1].group = "none driver options";
  auto page = render_man_command(a, c);
  CHECK(page.rfind(".TH \"SWARMCTL-CREATE\" 1", 0) == 0);
  CHECK(page.find("\\fB\\-\\-driver\\fR, \\fB\\-d\\fR \\fIvalue\\fR") != std::string::npos);
  CHECK(page.find("Environment: \\fBMACHINE_DRIVER\\fR.") != std::string::npos);
  CHECK(page.find(".SS \"none driver options\"") != std::string::npos);
  a.commands = {c};
  a.sections = {{"EXIT STATUS", "0 ok"}};
  auto main = render_man_app(a);
  CHECK(main.find("See \\fBswarmctl\\-create\\fR(1).") != std::string::npos);
  CHECK(main.find(".SH EXIT STATUS\n0 ok\n") != std::string::npos);
}

TEST_CASE("docs come from the CLI11 tables: create shows one driver's flags, sorted") {
  CLI::App app{"Create and manage machines running Docker.", "swarmctl"};
  auto *c = app.add_subcommand("create", "Create a machine");
  c->footer("Run 'swarmctl create --driver name --help' ...");
  std::string d, url, mem;
  std::vector<std::string> labels, names;
  c->add_option("name", names);
  c->add_option("-d,--driver", d, "Driver")->envname("MACHINE_DRIVER")->default_str("virtualbox");
  c->add_option("--engine-label", labels, "Labels");
  c->add_option("--url", url, "URL")->group(driver_group("none"));
  c->add_option("--virtualbox-memory", mem, "Memory")
      ->group(driver_group("virtualbox"))
      ->default_str("1024");
  auto doc = command_doc(*c, "none");
  REQUIRE(doc.flags.size() == 3);
  CHECK(flag_line(doc.flags[0]) == "--driver, -d \"virtualbox\"\tDriver [$MACHINE_DRIVER]");
  CHECK(flag_line(doc.flags[1]) ==
        "--engine-label [--engine-label option --engine-label option]\tLabels");
  CHECK(flag_line(doc.flags[2]) == "--url \tURL");
  CHECK(doc.description == "Run 'swarmctl create --driver name --help' ...");
  auto all = command_doc(*c, "", true);
  CHECK(all.flags.size() == 4);
  CHECK(all.flags.back().group == "virtualbox driver options");
}

TEST_CASE("create's driver: -d/--driver in any spelling, then MACHINE_DRIVER, then virtualbox") {
  CHECK(create_driver_from({"create", "-d", "none"}) == "none");
  CHECK(create_driver_from({"create", "--driver", "local", "x"}) == "local");
  CHECK(create_driver_from({"create", "--driver=generic"}) == "generic");
  CHECK(create_driver_from({"create", "-d=amazonec2"}) == "amazonec2");
  ::setenv("MACHINE_DRIVER", "local", 1);
  CHECK(create_driver_from({"create", "x"}) == "local");
  ::unsetenv("MACHINE_DRIVER");
  CHECK(create_driver_from({}) == "virtualbox");
}

TEST_CASE("version: docker-machine's first line, then commit and libraries") {
  CHECK(std::regex_match(version_line("docker-machine"),
                         std::regex("docker-machine version [0-9]+\\.[0-9]+\\.[0-9]+, build "
                                    "[0-9a-f]{8}(-dirty)?\n|docker-machine version .*, build "
                                    "unknown\n")));
  auto report = version_report("swarmctl");
  CHECK(report.rfind(version_line("swarmctl"), 0) == 0);
  for (const char *lib :
       {"libssh:", "libarchive:", "OpenSSL:", "yaml-cpp:", "CLI11:", "fmt:", "libcurl:"})
    CHECK(report.find(std::string("\n") + lib) != std::string::npos);
}
