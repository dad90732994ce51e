// The Docker API client's connection: mutual TLS from the machine's PEM files, the engine's name
// and CA checked with docker-machine's words, util's dialer, deadlines, no proxy, and one
// connection for a caller's several requests. Real TLS servers on 127.0.0.1 (hostile_engine.hpp).
#include "../../support/temp_dir.hpp"
#include "hostile_engine.hpp"
#include <cstdlib>
#include <provision/dockerapi/docker_client.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>
#include <vector>

using namespace sc;
using namespace sc::test;

namespace {

constexpr auto k_timeout = std::chrono::seconds(20);
const char *k_version = "HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{\"Version\":\"24.0\"}";

// A port nothing listens on (bound, then closed).
int closed_port() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr *>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

} // namespace

TEST_CASE("docker client: an engine that is down is docker-machine's dial error") {
  TempDir t;
  int port = closed_port();
  auto v =
      docker_version("127.0.0.1", port, {t.path / "ca.pem", t.path / "c", t.path / "k"}, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::unreachable);
  CHECK(v.error().message ==
        fmt::format("dial tcp 127.0.0.1:{}: connect: Connection refused", port));
}

TEST_CASE("docker client: a certificate for other names is refused, naming them in order") {
  TempDir t;
  HostileEngine e(t.path, reply(k_version), EngineOptions{{"engine.test", "10.9.9.9", "::1"}});
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::auth);
  CHECK(v.error().message == "x509: certificate is valid for engine.test, 10.9.9.9, ::1, not "
                             "127.0.0.1");
  CHECK(e.requests == 0);
}

TEST_CASE("docker client: an engine certified by another CA is refused before any request") {
  TempDir t, other;
  HostileEngine e(t.path, reply(k_version));
  auto theirs = other_store_files(other.path);
  auto v = docker_version("127.0.0.1", e.port, theirs, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::auth);
  CHECK(v.error().message == "x509: unable to get local issuer certificate");
  CHECK(e.requests == 0);
}

TEST_CASE("docker client: the client certificate is sent (an engine run with --tlsverify)") {
  TempDir t;
  HostileEngine e(t.path, reply(k_version), EngineOptions{.require_client_cert = true});
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE(v);
  CHECK(*v == "24.0");
  // A client certificate of another CA: the engine refuses it, the request fails.
  TempDir other;
  REQUIRE(CertAuthority::load_or_create(other.path / "certs", "other"));
  TlsFiles foreign{e.tls.ca, other.path / "certs/cert.pem", other.path / "certs/key.pem"};
  auto r = docker_version("127.0.0.1", e.port, foreign, k_timeout);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::unreachable);
  // Under TLS 1.3 the refusal comes after the handshake: libcurl's words depend on when the
  // engine's alert arrives ("... alert unknown ca", "Failed sending data to the peer"), never the
  // getpeername() note libcurl 7.88 writes first when the engine was quicker.
  CAPTURE(r.error().message);
  CHECK(r.error().message.rfind("get", 0) != 0);
  CHECK(r.error().message.find('\n') == std::string::npos);
}

// The client's files are parsed once for the same bytes (each machine holds a copy of the
// store's): a machine whose files changed is served from its new files, never another's parse.
TEST_CASE("docker client: copies of the same files are shared, changed files are read again") {
  TempDir t, other;
  HostileEngine e(t.path, reply(k_version), EngineOptions{.require_client_cert = true});
  REQUIRE(CertAuthority::load_or_create(other.path / "certs", "other"));
  auto copy_files = [](const fs::path &dir, const TlsFiles &from) {
    fs::create_directories(dir);
    TlsFiles to{dir / "ca.pem", dir / "cert.pem", dir / "key.pem"};
    for (auto [a, b] : {std::pair{from.ca, to.ca}, {from.cert, to.cert}, {from.key, to.key}})
      fs::copy_file(a, b, fs::copy_options::overwrite_existing);
    return to;
  };
  TlsFiles m1 = copy_files(t.path / "m1", e.tls), m2 = copy_files(t.path / "m2", e.tls);
  CHECK(docker_version("127.0.0.1", e.port, m1, k_timeout) == "24.0");
  CHECK(docker_version("127.0.0.1", e.port, m2, k_timeout) == "24.0");
  // m2's certificate and key now come from another CA: the engine refuses them.
  TlsFiles theirs{other.path / "certs/ca.pem", other.path / "certs/cert.pem",
                  other.path / "certs/key.pem"};
  copy_files(t.path / "m2", TlsFiles{e.tls.ca, theirs.cert, theirs.key});
  CHECK_FALSE(docker_version("127.0.0.1", e.port, m2, k_timeout));
  // Its CA too: the engine (which sends its CA along) is no longer trusted.
  copy_files(t.path / "m2", theirs);
  auto v = docker_version("127.0.0.1", e.port, m2, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::auth);
  CHECK(v.error().message == "x509: self-signed certificate in certificate chain");
  CHECK(docker_version("127.0.0.1", e.port, m1, k_timeout) == "24.0");
}

TEST_CASE("docker client: unreadable certificate files are named") {
  TempDir t;
  HostileEngine e(t.path, reply(k_version));
  auto no_ca = docker_version("127.0.0.1", e.port,
                              {t.path / "missing-ca.pem", e.tls.cert, e.tls.key}, k_timeout);
  REQUIRE_FALSE(no_ca);
  CHECK(no_ca.error().code == Errc::io);
  CHECK(no_ca.error().message ==
        "cannot read CA certificate " + (t.path / "missing-ca.pem").string());
  auto no_cert =
      docker_version("127.0.0.1", e.port, {e.tls.ca, t.path / "missing.pem", e.tls.key}, k_timeout);
  REQUIRE_FALSE(no_cert);
  CHECK(no_cert.error().code == Errc::io);
  CHECK(no_cert.error().message ==
        "cannot read client certificate " + (t.path / "missing.pem").string() + " / key");
}

TEST_CASE("docker client: the deadline covers the handshake and the reply") {
  TempDir t;
  // A listener that never accepts: the kernel completes TCP, nobody answers the ClientHello.
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  REQUIRE(::listen(s, 4) == 0);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr *>(&a), &len);
  int port = ntohs(a.sin_port);
  REQUIRE(CertAuthority::load_or_create(t.path / "certs", "test"));
  TlsFiles files{t.path / "certs/ca.pem", t.path / "certs/cert.pem", t.path / "certs/key.pem"};
  auto start = std::chrono::steady_clock::now();
  auto v = docker_version("127.0.0.1", port, files, std::chrono::milliseconds(300));
  auto took = std::chrono::steady_clock::now() - start;
  ::close(s);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::timeout);
  CHECK(v.error().message == fmt::format("tls handshake with 127.0.0.1:{}: i/o timeout", port));
  CHECK(took < std::chrono::seconds(3));
  // An engine that answers the handshake and then nothing (it waits for the client to leave).
  HostileEngine e(t.path, [](SSL *ssl, std::atomic<size_t> &) {
    char c;
    SSL_read(ssl, &c, 1);
  });
  start = std::chrono::steady_clock::now();
  auto r = docker_version("127.0.0.1", e.port, e.tls, std::chrono::milliseconds(300));
  took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::timeout);
  CHECK(r.error().message == "read: i/o timeout");
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("docker client: a connection that never completes is the dial's i/o timeout") {
  TempDir t;
  REQUIRE(CertAuthority::load_or_create(t.path / "certs", "test"));
  TlsFiles files{t.path / "certs/ca.pem", t.path / "certs/cert.pem", t.path / "certs/key.pem"};
  // A listener whose accept queue is full: the kernel drops the next SYNs (nothing is accepted).
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  REQUIRE(::listen(s, 0) == 0);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr *>(&a), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    fillers.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    ::connect(fillers.back(), reinterpret_cast<sockaddr *>(&a), sizeof a);
  }
  // The fillers' handshakes complete (or are dropped) within a few ms on loopback.
  REQUIRE(poll_until("the accept queue to fill", std::chrono::seconds(5), [&]() -> Status {
    int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ::connect(probe, reinterpret_cast<sockaddr *>(&a), sizeof a);
    pollfd p{probe, POLLOUT, 0};
    bool connected = ::poll(&p, 1, 100) > 0;
    ::close(probe);
    return connected ? fail(Errc::generic, "a connection still gets through") : ok();
  }));
  int port = ntohs(a.sin_port);
  auto v = docker_version("127.0.0.1", port, files, std::chrono::milliseconds(300));
  for (int f : fillers)
    ::close(f);
  ::close(s);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::timeout);
  CHECK(v.error().message == fmt::format("dial tcp 127.0.0.1:{}: i/o timeout", port));
}

TEST_CASE("docker client: no proxy from the environment is used for an engine") {
  TempDir t;
  HostileEngine e(t.path, reply(k_version));
  // A proxy that does not exist: a client that went through it would fail.
  for (const char *var : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    ::setenv(var, "http://127.0.0.1:9", 1);
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  for (const char *var : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    ::unsetenv(var);
  REQUIRE(v);
  CHECK(*v == "24.0");
}

TEST_CASE("docker client: one client's requests share one connection") {
  TempDir t;
  HostileEngine e(t.path, reply(k_version), EngineOptions{.keep_alive = true});
  {
    DockerClient client("127.0.0.1", e.port, e.tls);
    for (int i = 0; i < 3; ++i) {
      auto r = client.request("GET", "/version", "", k_timeout);
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(version_from_reply(*r) == "24.0");
    }
  }
  REQUIRE(
      poll_until("the engine to see the client leave", std::chrono::seconds(20), [&]() -> Status {
        return e.handled > 0 ? ok() : fail(Errc::generic, "still open");
      }));
  CHECK(e.requests == 3);
  CHECK(e.connections == 1);
  // One-shot requests each have their own.
  REQUIRE(docker_version("127.0.0.1", e.port, e.tls, k_timeout));
  REQUIRE(docker_version("127.0.0.1", e.port, e.tls, k_timeout));
  CHECK(e.connections == 3);
}

TEST_CASE("docker client: a client reconnects when the engine closed its connection") {
  TempDir t;
  HostileEngine e(t.path, reply(k_version)); // closes after each reply
  DockerClient client("127.0.0.1", e.port, e.tls);
  for (int i = 0; i < 2; ++i) {
    auto r = client.request("GET", "/version", "", k_timeout);
    REQUIRE(r);
    CHECK(version_from_reply(*r) == "24.0");
  }
  CHECK(e.connections == 2);
}
