#pragma once
// A stand-in for a machine's Docker engine TLS endpoint (a fake: no dockerd runs in a unit
// test): a real TLS server on 127.0.0.1 that answers every request with `200 OK` (what
// GET /_ping gets), with the server certificate provisioning issued into the machine directory
// (read at each connection: it exists only once the flow wrote it). Counts the requests served.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/util/fd.hpp>
#include <string>
#include <thread>

#include "../../support/loopback.hpp"

namespace sc::test {

class FakeEngine {
public:
  explicit FakeEngine(std::filesystem::path machine_dir) : m_dir(std::move(machine_dir)) {
    m_thread = std::thread([this] { serve(); });
  }
  ~FakeEngine() {
    m_stop = true;
    m_thread.join();
  }
  FakeEngine(const FakeEngine &) = delete;
  FakeEngine &operator=(const FakeEngine &) = delete;

  int port = 0;
  std::atomic<int> requests{0}; // answered over TLS

private:
  void serve() {
    while (!m_stop) {
      pollfd p{m_listen.get(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      Fd c(::accept4(m_listen.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!c) continue;
      timeval tv{5, 0}; // a client that stalls cannot hold the test
      ::setsockopt(c.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      answer(c.get());
    }
  }
  void answer(int fd) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    bool loaded =
        ctx && SSL_CTX_use_certificate_chain_file(ctx, (m_dir / "server.pem").c_str()) == 1 &&
        SSL_CTX_use_PrivateKey_file(ctx, (m_dir / "server-key.pem").c_str(), SSL_FILETYPE_PEM) == 1;
    SSL *ssl = loaded ? SSL_new(ctx) : nullptr;
    if (ssl && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1) {
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      static const std::string ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                    "Api-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";
      if (head.find("\r\n\r\n") != std::string::npos &&
          SSL_write(ssl, ok.data(), static_cast<int>(ok.size())) > 0)
        ++requests;
      SSL_shutdown(ssl);
    }
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }

  std::filesystem::path m_dir;
  Fd m_listen{listen_loopback(port, 8)}; // after `port`, which it sets
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

} // namespace sc::test
