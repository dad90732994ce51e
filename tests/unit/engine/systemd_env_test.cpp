// --engine-env on systemd hosts: Environment= expands specifiers (%) but no variables, so a $ in
// a value must stay a single $ (docker-machine's quoting doubled it and the value arrived as $$).
#include <doctest/doctest.h>
#include <provision/engine/engine.hpp>

using namespace sc;

TEST_CASE("engine: an Environment= value keeps its $ (systemd expands no variables there)") {
  CHECK(systemd_env_quote("A=x$y${z}$$") == "\"A=x$y${z}$$\"");
  CHECK(systemd_env_quote("P=50%") == "\"P=50%%\"");
  CHECK(systemd_quote("a$b") == "\"a$$b\""); // ExecStart= does expand $: doubled there
  EngineConfig c;
  c.hostname = "node1";
  c.env = {"PASS=a$b"};
  const Provisioner systemd("debian(systemd)", Provisioner::Kind::Systemd);
  auto s = render_configure_script(systemd, c);
  REQUIRE(s);
  CHECK(s->find("'Environment=\"PASS=a$b\"'") != std::string::npos);
}
