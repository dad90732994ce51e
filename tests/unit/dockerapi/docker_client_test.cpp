// The Docker API client against a hostile engine: a real TLS server on 127.0.0.1 (certificates
// from the store's CA code) that answers with malformed, endless or escape-laden replies.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../support/loopback.hpp"
#include "../../support/temp_dir.hpp"
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <doctest/doctest.h>
#include <functional>
#include <provision/crypto/ca.hpp>
#include <provision/dockerapi/docker_client.hpp>
#include <provision/util/poll.hpp>
#include <thread>

using namespace sc;

namespace {

// A one-request-per-connection TLS server: reads the request head, then `respond` writes the
// reply on the TLS session. Counts the reply bytes the client accepted.
class HostileEngine {
public:
  using Respond = std::function<void(SSL *, std::atomic<size_t> &written)>;

  HostileEngine(const fs::path &dir, Respond respond) : m_respond(std::move(respond)) {
    auto ca = CertAuthority::load_or_create(dir / "certs", "test");
    REQUIRE(ca);
    REQUIRE(ca->issue_server_cert("test", {"127.0.0.1"}, false, dir / "server.pem",
                                  dir / "server-key.pem"));
    tls = {dir / "certs/ca.pem", dir / "certs/cert.pem", dir / "certs/key.pem"};
    m_ctx = SSL_CTX_new(TLS_server_method());
    REQUIRE(SSL_CTX_use_certificate_chain_file(m_ctx, (dir / "server.pem").c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(m_ctx, (dir / "server-key.pem").c_str(),
                                        SSL_FILETYPE_PEM) == 1);
    m_listen = test::listen_loopback(port);
    m_thread = std::thread([this] { serve(); });
  }
  ~HostileEngine() {
    m_stop = true;
    m_thread.join();
    ::close(m_listen);
    SSL_CTX_free(m_ctx);
  }

  TlsFiles tls;
  int port = 0;
  std::atomic<size_t> written{0};
  std::atomic<int> served{0};   // replies finished (the client read them or hung up)
  std::atomic<int> requests{0}; // request heads received
  std::atomic<int> handled{0};  // connections closed, whatever happened on them

private:
  void serve() {
    while (!m_stop) {
      pollfd p{m_listen, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      SSL *ssl = SSL_new(m_ctx);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        std::string head;
        char buf[4096];
        while (head.find("\r\n\r\n") == std::string::npos) {
          int n = SSL_read(ssl, buf, sizeof buf);
          if (n <= 0) break;
          head.append(buf, static_cast<size_t>(n));
        }
        if (head.find("\r\n\r\n") != std::string::npos) ++requests;
        m_respond(ssl, written);
        SSL_shutdown(ssl);
        ++served;
      }
      SSL_free(ssl);
      ::close(fd);
      ++handled;
    }
  }

  Respond m_respond;
  SSL_CTX *m_ctx = nullptr;
  int m_listen = -1;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

HostileEngine::Respond reply(std::string text) {
  return [text](SSL *ssl, std::atomic<size_t> &written) {
    if (SSL_write(ssl, text.data(), static_cast<int>(text.size())) > 0) written += text.size();
  };
}

using test::TempDir;

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

TEST_CASE("docker client: a malformed chunked reply is one error, not an abort") {
  TempDir t;
  HostileEngine e(t.path,
                  reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\nxx\r\n"));
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == Errc::parse);
  CHECK(v.error().message ==
        "malformed HTTP response from the Docker engine: bad chunk size 'not-hex'");
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
  HostileEngine e(t.path, [](SSL *ssl, std::atomic<size_t> &written) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n";
    SSL_write(ssl, head.data(), static_cast<int>(head.size()));
    std::string chunk(64 << 10, 'x');
    while (written < k_offered) {
      int n = SSL_write(ssl, chunk.data(), static_cast<int>(chunk.size()));
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
  });
  auto v = docker_version("127.0.0.1", e.port, e.tls, k_timeout);
  REQUIRE_FALSE(v);
  CHECK(v.error().message == "the Docker engine's reply to GET /version is larger than 1024 KiB");
  // The client stopped reading: what the server could write is 1 MiB plus socket buffers.
  REQUIRE(poll_until("the engine's reply to end", std::chrono::seconds(20), [&]() -> Status {
    return e.served > 0 ? ok() : fail(Errc::generic, "still writing");
  }));
  CHECK(e.written < k_offered / 2);
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
  CHECK_FALSE(docker_ping("127.0.0.1", e.port, e.tls, k_timeout));
}

TEST_CASE("docker client: the TLS check refuses an engine the machine's CA did not certify") {
  TempDir t, other;
  HostileEngine e(t.path, reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));
  auto ca = CertAuthority::load_or_create(other.path / "certs", "other");
  REQUIRE(ca);
  TlsFiles theirs{other.path / "certs/ca.pem", other.path / "certs/cert.pem",
                  other.path / "certs/key.pem"};
  auto r = docker_tls_check("127.0.0.1", e.port, theirs, k_timeout);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::auth);
  CHECK(r.error().message == "x509: unable to get local issuer certificate");
}
