// The Docker API client against a hostile engine (hostile_engine.hpp): malformed, endless or
// escape-laden replies give one error or a printable version, never an abort or a full memory.
#include "../../support/temp_dir.hpp"
#include "hostile_engine.hpp"
#include <csignal>
#include <mutex>
#include <provision/dockerapi/docker_client.hpp>
#include <provision/util/poll.hpp>

using namespace sc;
using namespace sc::test;

namespace {
constexpr auto k_timeout = std::chrono::seconds(20);
} // namespace

TEST_CASE("docker client: a chunked version reply from a real TLS engine is decoded") {
  TempDir t;
  HostileEngine e(t.path, reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "d\r\n{\"Version\":\"2\r\n8\r\n4.0.7\"} \r\n0\r\n\r\n"));
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE(v);
  CHECK(*v == "24.0.7");
}

TEST_CASE("docker client: the request names the engine and swarmctl, and asks for HTTP/1.1") {
  TempDir t;
  HostileEngine e(t.path, reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));
  REQUIRE(docker_ping("127.0.0.1", e.port, e.tls, k_timeout));
  REQUIRE(poll_until("the engine to close", std::chrono::seconds(20), [&]() -> Status {
    return e.handled > 0 ? ok() : fail(Errc::generic, "still open");
  }));
  CHECK(e.last_head.rfind("GET /_ping HTTP/1.1\r\n", 0) == 0);
  CHECK(e.last_head.find(fmt::format("\r\nHost: 127.0.0.1:{}\r\n", e.port)) != std::string::npos);
  CHECK(e.last_head.find("\r\nUser-Agent: swarmctl\r\n") != std::string::npos);
}

TEST_CASE("docker client: a malformed chunked reply is one error, not an abort") {
  TempDir t;
  HostileEngine e(t.path,
                  reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\nxx\r\n"));
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::parse);
  CHECK(v.error().message == "malformed HTTP response from the Docker engine: "
                             "Illegal or missing hexadecimal sequence in chunked-encoding");
}

TEST_CASE("docker client: any malformed reply is one printable line with Errc::parse") {
  // Bad chunks, status lines, headers and lengths: the engine is a remote host (issue 13: a
  // malformed chunk aborted `ls`).
  TempDir t;
  std::mutex mu;
  std::string current;
  HostileEngine e(t.path, [&](SSL *ssl, std::atomic<size_t> &) {
    std::lock_guard lk(mu);
    SSL_write(ssl, current.data(), static_cast<int>(current.size()));
  });
  for (const char *bad : {
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcdXY0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nx\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\n\x1b[2Jxx\r\nabcdefgh\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
           "",
           "garbage\r\n\r\n",
           "HTTP/1.1\r\n\r\n",
           "HTTP/1.1 abc OK\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
           "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
           "HTTP/1.1 200 OK\r\n",
       }) {
    CAPTURE(bad);
    {
      std::lock_guard lk(mu);
      current = bad;
    }
    auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == Errc::parse);
    CHECK(v.error().message.find('\n') == std::string::npos);
    for (char c : v.error().message)
      CHECK((c >= ' ' && c < 0x7f));
  }
}

TEST_CASE("docker client: the engine's version reaches the terminal without escapes") {
  TempDir t;
  std::string body = R"({"Version":"\u001b]0;owned\u0007\u001b[2J20.10\nfake"})";
  HostileEngine e(t.path, reply("HTTP/1.1 200 OK\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body));
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE(v);
  CHECK(*v == "?]0;owned??[2J20.10?fake");
}

TEST_CASE("docker client: an endless reply is cut at 1 MiB instead of filling memory") {
  std::signal(SIGPIPE, SIG_IGN); // the server writes on after the client hung up
  TempDir t;
  constexpr size_t k_offered = 64u << 20;
  HostileEngine e(t.path, flood("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n",
                                std::string(64 << 10, 'x'), k_offered));
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::parse);
  CHECK(v.error().message == "the Docker engine's reply to GET /version is larger than 1024 KiB");
  // The client stopped reading: what the server could write is 1 MiB plus socket buffers.
  REQUIRE(poll_until("the engine's reply to end", std::chrono::seconds(20), [&]() -> Status {
    return e.served > 0 ? ok() : fail(Errc::generic, "still writing");
  }));
  CHECK(e.written < k_offered / 2);
}

TEST_CASE("docker client: endless headers are refused, not read into memory") {
  std::signal(SIGPIPE, SIG_IGN); // the server writes on after the client hung up
  TempDir t;
  constexpr size_t k_offered = 64u << 20;
  HostileEngine e(t.path, flood("HTTP/1.1 200 OK\r\n", "X-Junk: " + std::string(1000, 'x') + "\r\n",
                                k_offered));
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::parse);
  CHECK(v.error().message.rfind("malformed HTTP response from the Docker engine: ", 0) == 0);
  REQUIRE(poll_until("the engine's reply to end", std::chrono::seconds(20), [&]() -> Status {
    return e.served > 0 ? ok() : fail(Errc::generic, "still writing");
  }));
  CHECK(e.written < k_offered / 2);
}

TEST_CASE("docker client: a reply of exactly 1 MiB is accepted") {
  TempDir t;
  std::string body = "{\"Version\":\"1.0\"}";
  body += std::string(k_max_engine_reply - body.size(), ' ');
  HostileEngine e(t.path, reply("HTTP/1.1 200 OK\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body));
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE(v);
  CHECK(*v == "1.0");
}

TEST_CASE("docker client: the TLS check is the handshake alone, as docker-machine's") {
  TempDir t;
  // An engine whose API fails: a check that sent a request (a /_ping) would fail on it.
  HostileEngine e(t.path, reply("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"));
  REQUIRE(docker_tls_check("127.0.0.1", e.port, e.tls, k_timeout));
  REQUIRE(
      poll_until("the engine to close the connection", std::chrono::seconds(20), [&]() -> Status {
        return e.handled > 0 ? ok() : fail(Errc::generic, "still open");
      }));
  CHECK(e.requests == 0);
  auto ping = docker_ping("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE_FALSE(ping);
  CHECK(ping.error().code == Errc::remote_failed);
  CHECK(ping.error().message == "GET /_ping: HTTP 500");
}

TEST_CASE("docker client: the TLS check refuses an engine the machine's CA did not certify") {
  TempDir t, other;
  HostileEngine e(t.path, reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));
  auto theirs = other_store_files(other.path);
  auto r = docker_tls_check("127.0.0.1", e.port, theirs, k_timeout);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::auth);
  CHECK(r.error().message == "x509: unable to get local issuer certificate");
}
