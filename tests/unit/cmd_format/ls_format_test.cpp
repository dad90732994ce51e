// `ls` table, --format templates, json and filters; Go templates; `config` output.
#include <cmd/format/config_format.hpp>
#include <cmd/format/gotemplate.hpp>
#include <cmd/format/ls_format.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reference_outputs.hpp"

using namespace sc;
using nlohmann::json;

namespace {
LsRow fake1() {
  LsRow r;
  r.name = "fake1";
  r.active = "-";
  r.driver = "none";
  r.state = "Running";
  r.url = "tcp://127.0.0.1:2376";
  r.swarm = "";
  r.docker = "v19.03.5";
  r.error = "";
  r.swarm_options = json::object();
  r.engine_options = json::object();
  return r;
}

LsRow row(std::string name, std::string active, std::string driver, std::string state,
          std::string url, std::string swarm, std::string docker, std::string error = "") {
  LsRow r;
  r.name = std::move(name);
  r.active = std::move(active);
  r.driver = std::move(driver);
  r.state = std::move(state);
  r.url = std::move(url);
  r.swarm = std::move(swarm);
  r.docker = std::move(docker);
  r.error = std::move(error);
  return r;
}

std::string render(const std::vector<LsRow> &rows, std::string_view fmt) {
  auto r = render_ls(rows, fmt);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  return *r;
}

std::string tmpl(std::string_view t, const json &data) {
  auto r = render_go_template(t, data);
  REQUIRE_MESSAGE(r, t << ": " << (r ? "" : r.error().message));
  return *r;
}

LsFilter filters(std::vector<std::string> f) {
  auto r = parse_ls_filters(f);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  return *r;
}

LsFilterSubject subject(std::string name, std::string driver, std::string state, std::string master,
                        std::vector<std::string> labels = {}) {
  return LsFilterSubject{std::move(name), std::move(driver), std::move(state), std::move(master),
                         std::move(labels)};
}
} // namespace

TEST_CASE(
    "ls: the default table matches docker-machine byte for byte (trailing padding included)") {
  CHECK(render({fake1()}, "") == test::ref::output("ls"));
  CHECK(render({fake1()}, "") == test::ref::output("ls --filter driver=none"));
  auto r = fake1();
  r.docker = "Unknown";
  r.error = "Unable to query docker version: Cannot connect to the docker engine endpoint";
  CHECK(render({r}, "") == test::ref::output("ls (no daemon)"));
}

TEST_CASE("ls: no machine prints the header only") {
  CHECK(render({}, "") == test::ref::output("ls --filter name=nomatch"));
  CHECK(render({}, "") == test::ref::output("ls after rm"));
}

TEST_CASE("ls: columns are as wide as the widest cell plus 3 (docker-machine's swarm example)") {
  std::vector<LsRow> rows = {
      row("consul", "-", "virtualbox", "Running", "tcp://192.168.99.100:2376", "", "v19.03.12"),
      row("master", "* (swarm)", "virtualbox", "Running", "tcp://192.168.99.101:2376",
          "master (master)", "v19.03.12"),
      row("node1", "-", "virtualbox", "Running", "tcp://192.168.99.102:2376", "master",
          "v19.03.12"),
  };
  std::string want = "NAME     ACTIVE      DRIVER       STATE     URL                         "
                     "SWARM             DOCKER      ERRORS\n"
                     "consul   -           virtualbox   Running   tcp://192.168.99.100:2376        "
                     "             v19.03.12   \n"
                     "master   * (swarm)   virtualbox   Running   tcp://192.168.99.101:2376   "
                     "master (master)   v19.03.12   \n"
                     "node1    -           virtualbox   Running   tcp://192.168.99.102:2376   "
                     "master            v19.03.12   \n";
  CHECK(render(rows, "") == want);
}

TEST_CASE("ls: tabwriter minimum width is 5 and multibyte cells count as one column each") {
  // Go: cell width = widest cell + padding 3, at least minwidth 5.
  CHECK(tabwrite("a\tb\nccc\td\n") == "a     b\nccc   d\n");
  CHECK(tabwrite("a\tb\n") == "a    b\n");
  CHECK(tabwrite("abcdef\tx\n") == "abcdef   x\n");
  CHECK(tabwrite("é\tx\nab\ty\n") == "é    x\nab   y\n");
  CHECK(tabwrite("no tabs\n") == "no tabs\n");
}

TEST_CASE("ls: --format with every field, no header, one line per machine") {
  CHECK(render({fake1()},
               "{{.Name}} {{.DriverName}} {{.State}} {{.URL}} {{.DockerVersion}} {{.Active}}") ==
        test::ref::output("ls --format"));
  auto r = row("m1", "*", "generic", "Running", "tcp://10.0.0.1:2376", "boss (master)", "v20.10.24",
               "some error");
  auto r2 = row("m2", "-", "local", "Stopped", "", "boss", "Unknown");
  CHECK(render({r, r2}, "{{.Name}}|{{.DriverName}}|{{.State}}|{{.URL}}|{{.Swarm}}|{{.DockerVersion}"
                        "}|{{.Error}}|{{.Active}}") ==
        "m1|generic|Running|tcp://10.0.0.1:2376|boss (master)|v20.10.24|some error|*\n"
        "m2|local|Stopped||boss|Unknown||-\n");
  r.active_host = true;
  r.response_time = "12ms";
  CHECK(render({r}, "{{.ActiveHost}} {{.ActiveSwarm}} {{.ResponseTime}}") == "true false 12ms\n");
}

TEST_CASE("ls: --format 'table ...' prints a header from the field names and aligns columns") {
  auto out = render({fake1()}, "table {{.Name}}\\t{{.DriverName}}\\t{{.State}}\\t{{.Error}}");
  CHECK(out == "NAME    DRIVER   STATE     ERRORS\nfake1   none     Running   \n");
  // A literal \n in the format is unescaped, and a newline ends each row (docker-machine.md §2.2).
  CHECK(render({fake1(), fake1()}, "{{.Name}}\\n") == "fake1\n\nfake1\n\n");
  CHECK(render({fake1()}, "table {{.Swarm}} {{.DockerVersion}} {{.URL}} {{.Active}}") ==
        "SWARM DOCKER URL ACTIVE\n v19.03.5 tcp://127.0.0.1:2376 -\n");
}

TEST_CASE("ls: a bad --format is an error naming the template") {
  auto r = render_ls({fake1()}, "{{.Name");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.rfind("template: ", 0) == 0);
  auto f = render_ls({fake1()}, "{{nosuchfunc .Name}}");
  REQUIRE_FALSE(f);
}

TEST_CASE("ls: json format lists every field of every row") {
  auto r = fake1();
  r.swarm_options = {{"IsSwarm", true}, {"Master", true}};
  auto out = render({r, fake1()}, "json");
  auto j = json::parse(out);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  CHECK(j[0]["Name"] == "fake1");
  CHECK(j[0]["DriverName"] == "none");
  CHECK(j[0]["State"] == "Running");
  CHECK(j[0]["URL"] == "tcp://127.0.0.1:2376");
  CHECK(j[0]["DockerVersion"] == "v19.03.5");
  CHECK(j[0]["Active"] == "-");
  CHECK(j[0]["Swarm"] == "");
  CHECK(j[0]["Error"] == "");
  CHECK(j[0]["ActiveHost"] == false);
  CHECK(j[0]["SwarmOptions"]["Master"] == true);
  CHECK(out.back() == '\n');
  CHECK(json::parse(render({}, "json")) == json::array());
}

TEST_CASE("ls filters: keys and syntax errors use docker-machine's messages") {
  auto syntax = parse_ls_filters({"driver"});
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().message == "Unsupported filter syntax.");
  auto key = parse_ls_filters({"color=red"});
  REQUIRE_FALSE(key);
  CHECK(key.error().message == "Unsupported filter key 'color'");
  auto re = parse_ls_filters({"name=("});
  REQUIRE_FALSE(re);
  CHECK(re.error().message.find("error parsing regexp") != std::string::npos);
  // Keys are case-insensitive.
  auto upper = parse_ls_filters({"DRIVER=none", "Name=x"});
  REQUIRE(upper);
  CHECK(upper->driver == std::vector<std::string>{"none"});
  CHECK(upper->name == std::vector<std::string>{"x"});
  // A value may itself contain '='.
  auto lbl = parse_ls_filters({"label=a=b=c"});
  REQUIRE(lbl);
  CHECK(lbl->label == std::vector<std::string>{"a=b=c"});
}

TEST_CASE("ls filters: a bad name regexp exits 1 like docker-machine") {
  // docker-machine.md §2.2: "A bad regexp makes it exit 1". parse_ls_filters returns Errc::usage,
  // which exit_code_for maps to 2 (the same holds for the two other filter errors).
  auto re = parse_ls_filters({"name=("});
  REQUIRE_FALSE(re);
  CHECK(exit_code_for(re.error()) == 1);
}

TEST_CASE("ls filters: name is a regexp, driver and state are case-insensitive") {
  auto f = filters({"name=^node[0-9]+$"});
  CHECK(ls_filter_match(f, subject("node1", "local", "Running", "")));
  CHECK(ls_filter_match(f, subject("node10", "local", "Running", "")));
  CHECK_FALSE(ls_filter_match(f, subject("master", "local", "Running", "")));
  CHECK_FALSE(ls_filter_match(f, subject("node1x", "local", "Running", "")));
  // Unanchored regexp: a substring match, like Go's MatchString.
  CHECK(ls_filter_match(filters({"name=ode"}), subject("node1", "local", "Running", "")));
  auto d = filters({"driver=VirtualBox"});
  CHECK(ls_filter_match(d, subject("a", "virtualbox", "Running", "")));
  CHECK_FALSE(ls_filter_match(d, subject("a", "generic", "Running", "")));
  auto s = filters({"state=stopped"});
  CHECK(ls_filter_match(s, subject("a", "generic", "Stopped", "")));
  CHECK_FALSE(ls_filter_match(s, subject("a", "generic", "Running", "")));
  CHECK(ls_filter_needs_state(s));
  CHECK_FALSE(ls_filter_needs_state(d));
}

TEST_CASE("ls filters: the same key twice is OR, different keys are AND, no filter matches all") {
  auto f = filters({"driver=local", "driver=generic", "state=Running"});
  CHECK(ls_filter_match(f, subject("a", "local", "Running", "")));
  CHECK(ls_filter_match(f, subject("b", "generic", "Running", "")));
  CHECK_FALSE(ls_filter_match(f, subject("c", "virtualbox", "Running", "")));
  CHECK_FALSE(ls_filter_match(f, subject("d", "local", "Stopped", "")));
  CHECK(ls_filter_match(filters({}), subject("x", "y", "z", "")));
}

TEST_CASE("ls filters: swarm= matches the machines of a master, label= matches engine labels") {
  auto sw = filters({"swarm=master"});
  CHECK(ls_filter_match(sw, subject("node1", "local", "Running", "master")));
  CHECK(ls_filter_match(sw, subject("master", "local", "Running", "master")));
  CHECK_FALSE(ls_filter_match(sw, subject("other", "local", "Running", "boss")));
  CHECK_FALSE(ls_filter_match(sw, subject("solo", "local", "Running", "")));
  auto lb = filters({"label=env=Prod"});
  CHECK(ls_filter_match(lb, subject("a", "l", "Running", "", {"provider=local", "env=prod"})));
  CHECK_FALSE(ls_filter_match(lb, subject("b", "l", "Running", "", {"env=dev"})));
  CHECK_FALSE(ls_filter_match(lb, subject("c", "l", "Running", "", {})));
  // Key only: any value.
  auto key = filters({"label=env"});
  CHECK(ls_filter_match(key, subject("a", "l", "Running", "", {"env=dev"})));
  CHECK_FALSE(ls_filter_match(key, subject("a", "l", "Running", "", {"environment=dev"})));
  // The key is compared exactly.
  CHECK_FALSE(ls_filter_match(lb, subject("d", "l", "Running", "", {"ENV=prod"})));
}

TEST_CASE("gotemplate: fields, nesting, missing keys and Go's %v printing") {
  json d = {{"Name", "m1"},
            {"Driver", {{"URL", "tcp://1.2.3.4:2376"}, {"SSHPort", 22}, {"Ratio", 1.5}}},
            {"Labels", {"a=1", "b=2"}},
            {"Env", nullptr},
            {"Flag", true},
            {"Map", {{"k", "v"}, {"a", 1}}},
            {"Empty", json::array()}};
  CHECK(tmpl("{{.Name}}", d) == "m1");
  CHECK(tmpl("{{.Driver.URL}} {{.Driver.SSHPort}} {{.Driver.Ratio}}", d) ==
        "tcp://1.2.3.4:2376 22 1.5");
  CHECK(tmpl("{{.Labels}}", d) == "[a=1 b=2]");
  CHECK(tmpl("{{.Map}}", d) == "map[a:1 k:v]");
  CHECK(tmpl("{{.Flag}}", d) == "true");
  CHECK(tmpl("{{.Env}}", d) == "<no value>");
  CHECK(tmpl("{{.Missing}}", d) == "<no value>");
  CHECK(tmpl("{{.Empty}}", d) == "[]");
  CHECK(tmpl("plain text", d) == "plain text");
  CHECK(go_print(json("s")) == "s");
  CHECK(go_print(json(nullptr)) == "<no value>");
  CHECK(go_print(json(2376)) == "2376");
  CHECK(go_print(json(false)) == "false");
  CHECK(go_print(json::array({1, "x"})) == "[1 x]");
}

TEST_CASE(
    "gotemplate: functions json, prettyjson, printf, len, index, upper, lower and pipelines") {
  json d = {{"Name", "Node1"}, {"Labels", {"a=1", "b=2"}}, {"Map", {{"k", "v"}}}, {"Port", 2376}};
  CHECK(tmpl("{{json .Labels}}", d) == R"(["a=1","b=2"])");
  CHECK(tmpl("{{json .Name}}", d) == R"("Node1")");
  CHECK(tmpl("{{.Labels | json}}", d) == R"(["a=1","b=2"])");
  CHECK(tmpl("{{prettyjson .Map}}", d) == "{\n    \"k\": \"v\"\n}");
  CHECK(tmpl("{{printf \"%s:%v\" .Name .Port}}", d) == "Node1:2376");
  CHECK(tmpl("{{len .Labels}} {{len .Name}}", d) == "2 5");
  CHECK(tmpl("{{index .Map \"k\"}} {{index .Labels 1}}", d) == "v b=2");
  CHECK(tmpl("{{upper .Name}} {{lower .Name}}", d) == "NODE1 node1");
  CHECK(tmpl("{{.Name | lower | upper}}", d) == "NODE1");
  CHECK(tmpl("{{.}}", json("whole")) == "whole");
}

TEST_CASE("gotemplate: if/else, range and whitespace trimming") {
  json d = {{"On", true},
            {"Off", false},
            {"Str", ""},
            {"Items", {"x", "y", "z"}},
            {"None", json::array()}};
  CHECK(tmpl("{{if .On}}yes{{else}}no{{end}}", d) == "yes");
  CHECK(tmpl("{{if .Off}}yes{{else}}no{{end}}", d) == "no");
  CHECK(tmpl("{{if .None}}some{{else}}none{{end}}", d) == "none");
  CHECK(tmpl("{{if .Missing}}a{{end}}b", d) == "b");
  CHECK(tmpl("{{range .Items}}[{{.}}]{{end}}", d) == "[x][y][z]");
  CHECK(tmpl("{{range .None}}[{{.}}]{{end}}", d) == "");
  CHECK(tmpl("a  {{- .Items | len -}}  b", d) == "a3b");
  CHECK(tmpl("{{range .Items -}}\n  {{.}}\n{{- end}}", d) == "xyz");
}

TEST_CASE("gotemplate: an empty string is false in {{if}}, like Go") {
  // Product bug: truthy() in cmd/format/gotemplate.cpp uses json::empty(), which is false for
  // every string (nlohmann treats a string as one value), so {{if .X}} is true for X = "".
  json d = {{"Str", ""}, {"Full", "x"}};
  CHECK(tmpl("{{if .Full}}yes{{else}}empty{{end}}", d) == "yes");
  CHECK(tmpl("{{if .Str}}yes{{else}}empty{{end}}", d) == "empty");
  CHECK(tmpl("{{range .Str}}x{{end}}", json{{"Str", json::array()}}) == "");
}

TEST_CASE("gotemplate: errors are usage errors prefixed with template:") {
  for (auto bad :
       {"{{.Name", "{{if .X}}never closed", "{{end}}", "{{nosuch .X}}", "{{printf}}x{{"}) {
    INFO(bad);
    auto r = render_go_template(bad, json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::usage);
    CHECK(r.error().message.rfind("template: ", 0) == 0);
  }
}

TEST_CASE("inspect --format: docker-machine's example on a config.json-shaped document") {
  json host = {{"ConfigVersion", 3},
               {"Driver", {{"URL", "tcp://127.0.0.1:2376"}, {"IPAddress", "127.0.0.1:2376"}}},
               {"DriverName", "none"},
               {"HostOptions", {{"AuthOptions", {{"CaCertPath", "/tmp/dm-store/certs/ca.pem"}}}}}};
  auto out = tmpl("{{.Driver.URL}} {{.DriverName}} {{.HostOptions.AuthOptions.CaCertPath}}", host);
  CHECK(out + "\n" == test::ref::output("inspect --format"));
  CHECK(tmpl("{{json .DriverName}}", host) == "\"none\"");
  CHECK(tmpl("{{.ConfigVersion}}", host) == "3");
}

TEST_CASE("config: output matches docker-machine byte for byte") {
  auto out =
      render_config("/tmp/dm-store/machines/fake1/ca.pem", "/tmp/dm-store/machines/fake1/cert.pem",
                    "/tmp/dm-store/machines/fake1/key.pem", "tcp://127.0.0.1:2376");
  // -H bare: the Docker CLI does not strip quotes from -H ("invalid bind address format").
  std::string want(test::ref::output("config fake1"));
  CHECK(out == want);
}

TEST_CASE("config: paths are quoted like Go's %q") {
  CHECK(go_quote("plain") == "\"plain\"");
  CHECK(go_quote("/home/a b/x") == "\"/home/a b/x\"");
  CHECK(go_quote("q\"b\\s") == "\"q\\\"b\\\\s\"");
  CHECK(go_quote("n\nt\tr\r") == "\"n\\nt\\tr\\r\"");
  CHECK(go_quote(std::string("\x01\x7f", 2)) == "\"\\x01\\x7f\"");
  CHECK(go_quote("é") == "\"é\"");
  CHECK(go_quote("") == "\"\"");
  auto out = render_config("/a b/ca.pem", "/c\"d/cert.pem", "/k/key.pem", "tcp://10.0.0.1:3376");
  CHECK(out == "--tlsverify\n--tlscacert=\"/a "
               "b/ca.pem\"\n--tlscert=\"/c\\\"d/cert.pem\"\n--tlskey=\"/k/key.pem\"\n-H=tcp://"
               "10.0.0.1:3376\n");
  // A URL that is not plain tcp://HOST:PORT (never stored: validated first) is quoted.
  CHECK(render_config("c", "c", "k", "tcp://$(x):1").find("-H=\"tcp://\\$(x):1\"\n") !=
        std::string::npos);
}
