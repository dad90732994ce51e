#pragma once
// A hostile Docker engine for the API client's tests: a real TLS server on 127.0.0.1 with a
// certificate from the store's CA code, answering each request with what the test wants
// (malformed, endless, escape-laden or slow replies). It counts what it saw.
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../support/loopback.hpp"
#include <atomic>
#include <doctest/doctest.h>
#include <functional>
#include <provision/crypto/ca.hpp>
#include <provision/dockerapi/tls_client.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sc::test {

struct EngineOptions {
  std::vector<std::string> sans{"127.0.0.1"}; // the server certificate's names
  bool require_client_cert = false;           // a certificate from the CA, as dockerd --tlsverify
  bool keep_alive = false;                    // serve several requests per connection
};

// Reads request heads; `respond` writes the reply on the TLS session. One request per connection
// (then the server closes it), or as many as the client sends with keep_alive.
class HostileEngine {
public:
  using Respond = std::function<void(SSL *, std::atomic<size_t> &written)>;

  HostileEngine(const fs::path &dir, Respond respond, EngineOptions o = {})
      : m_respond(std::move(respond)), m_keep_alive(o.keep_alive) {
    auto ca = CertAuthority::load_or_create(dir / "certs", "test");
    REQUIRE(ca);
    REQUIRE(
        ca->issue_server_cert("test", o.sans, false, dir / "server.pem", dir / "server-key.pem"));
    tls = {dir / "certs/ca.pem", dir / "certs/cert.pem", dir / "certs/key.pem"};
    m_ctx = SSL_CTX_new(TLS_server_method());
    REQUIRE(SSL_CTX_use_certificate_chain_file(m_ctx, (dir / "server.pem").c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(m_ctx, (dir / "server-key.pem").c_str(),
                                        SSL_FILETYPE_PEM) == 1);
    if (o.require_client_cert) {
      REQUIRE(SSL_CTX_load_verify_locations(m_ctx, tls.ca.c_str(), nullptr) == 1);
      SSL_CTX_set_verify(m_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    m_listen = listen_loopback(port);
    m_thread = std::thread([this] { serve(); });
  }
  ~HostileEngine() {
    m_stop = true;
    m_thread.join();
    ::close(m_listen);
    SSL_CTX_free(m_ctx);
  }
  HostileEngine(const HostileEngine &) = delete;
  HostileEngine &operator=(const HostileEngine &) = delete;

  TlsFiles tls;
  int port = 0;
  std::atomic<size_t> written{0};
  std::atomic<int> served{0};      // replies finished (the client read them or hung up)
  std::atomic<int> requests{0};    // request heads received
  std::atomic<int> handled{0};     // connections closed, whatever happened on them
  std::atomic<int> connections{0}; // TLS handshakes completed
  std::string last_head;           // the last request head (read after handled > 0)

private:
  // One request head; false when the client closed the connection (or sent garbage) first.
  bool read_head(SSL *ssl) {
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) return false;
      head.append(buf, static_cast<size_t>(n));
    }
    last_head = head;
    ++requests;
    return true;
  }

  void serve() {
    while (!m_stop) {
      pollfd p{m_listen, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      SSL *ssl = SSL_new(m_ctx);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        ++connections;
        bool got = read_head(ssl);
        m_respond(ssl, written); // even to no request: a reply nobody asked for is hostile too
        while (m_keep_alive && got && read_head(ssl))
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
  bool m_keep_alive;
  SSL_CTX *m_ctx = nullptr;
  int m_listen = -1;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

// A respond function that writes `text` once.
inline HostileEngine::Respond reply(std::string text) {
  return [text](SSL *ssl, std::atomic<size_t> &written) {
    if (SSL_write(ssl, text.data(), static_cast<int>(text.size())) > 0) written += text.size();
  };
}

// A respond function that writes `head`, then `unit` again and again until `limit` bytes are
// written or the client hangs up.
inline HostileEngine::Respond flood(std::string head, std::string unit, size_t limit) {
  return [head, unit, limit](SSL *ssl, std::atomic<size_t> &written) {
    SSL_write(ssl, head.data(), static_cast<int>(head.size()));
    while (written < limit) {
      int n = SSL_write(ssl, unit.data(), static_cast<int>(unit.size()));
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
  };
}

// The CA, client certificate and key of another store (made under `dir`): an engine of this
// test's store is not certified by that CA.
inline TlsFiles other_store_files(const fs::path &dir) {
  REQUIRE(CertAuthority::load_or_create(dir / "certs", "other"));
  return {dir / "certs/ca.pem", dir / "certs/cert.pem", dir / "certs/key.pem"};
}

} // namespace sc::test
