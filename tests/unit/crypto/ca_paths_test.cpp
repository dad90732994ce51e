// A CA and client certificate where --tls-ca-cert, --tls-ca-key, --tls-client-cert and
// --tls-client-key say (docker-machine's BootstrapCertificates): missing files are created there,
// a CA key that does not match the CA certificate is refused.
#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <fstream>
#include <provision/crypto/ca.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace sc;

namespace {
using test::TempDir;

std::string slurp(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
} // namespace

TEST_CASE("ca paths: a CA of the user's signs the client certificate created beside it") {
  TempDir t;
  // The user's CA: made by swarmctl in one directory, then used through explicit paths.
  REQUIRE(CertAuthority::load_or_create(t.path / "mine", "me"));
  fs::remove(t.path / "mine" / "cert.pem");
  fs::remove(t.path / "mine" / "key.pem");
  CertPaths p{t.path / "mine" / "ca.pem", t.path / "mine" / "ca-key.pem",
              t.path / "client" / "c.pem", t.path / "client" / "k.pem"};
  fs::create_directories(t.path / "client");
  std::vector<std::string> created;
  auto ca = CertAuthority::load_or_create(p, "me", &created);
  REQUIRE(ca);
  CHECK(created == std::vector<std::string>{p.client_cert.string()});
  CHECK(verify_cert_chain(slurp(p.ca), slurp(p.client_cert)));
  CHECK_FALSE(fs::exists(t.path / "mine" / "cert.pem"));
}

TEST_CASE("ca paths: a CA key that does not belong to the CA certificate is refused") {
  TempDir t;
  REQUIRE(CertAuthority::load_or_create(t.path / "a", "a"));
  REQUIRE(CertAuthority::load_or_create(t.path / "b", "b"));
  CertPaths p{t.path / "a" / "ca.pem", t.path / "b" / "ca-key.pem", t.path / "a" / "cert.pem",
              t.path / "a" / "key.pem"};
  auto ca = CertAuthority::load_or_create(p, "a");
  REQUIRE_FALSE(ca);
  CHECK(ca.error().code == Errc::usage);
  CHECK(ca.error().message.find("does not belong to the CA certificate") != std::string::npos);
}
