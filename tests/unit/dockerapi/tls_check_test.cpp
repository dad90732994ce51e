// env's certificate check against a real OpenSSL TLS server on 127.0.0.1 that asks for a client
// certificate and hands out session tickets, as dockerd does: the first check is a full
// handshake, later ones resume the kept session without reading the CA, certificate or key; a
// session is never offered for changed files, and an engine that forgot it is checked in full.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../support/loopback.hpp"
#include "../../support/temp_dir.hpp"
#include <atomic>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <mutex>
#include <provision/crypto/ca.hpp>
#include <provision/dockerapi/tls_client.hpp>
#include <provision/dockerapi/tls_session.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>
#include <thread>

using namespace sc;
using test::TempDir;

namespace {

constexpr auto k_timeout = std::chrono::seconds(20);

SSL_CTX *server_ctx(const fs::path &cert, const fs::path &key, const fs::path &client_ca,
                    int max_version) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  REQUIRE(SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) == 1);
  REQUIRE(SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) == 1);
  REQUIRE(SSL_CTX_load_verify_locations(ctx, client_ca.c_str(), nullptr) == 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  if (max_version) SSL_CTX_set_max_proto_version(ctx, max_version);
  SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char *>("t"), 1);
  return ctx;
}

// Serves handshakes one connection at a time and counts full and resumed ones. use() swaps the
// server's context: new ticket keys (an engine restarted) and maybe another certificate.
class TicketEngine {
public:
  explicit TicketEngine(SSL_CTX *ctx) : m_ctx(ctx) {
    m_listen = test::listen_loopback(port);
    m_thread = std::thread([this] { serve(); });
  }
  ~TicketEngine() {
    m_stop = true;
    m_thread.join();
    ::close(m_listen);
    SSL_CTX_free(m_ctx);
  }
  void use(SSL_CTX *ctx) {
    std::lock_guard lk(m_mu);
    SSL_CTX_free(m_ctx);
    m_ctx = ctx;
  }
  // Waits until the server is through with `n` handshakes in all (it counts after the client
  // returned), then true when exactly `want_full` of them were full ones.
  bool counted(int n, int want_full) {
    auto done = poll_until("the engine's handshakes", std::chrono::seconds(20), [&]() -> Status {
      return full + resumed >= n ? ok() : fail(Errc::generic, "still shaking hands");
    });
    return done && full + resumed == n && full == want_full;
  }
  int port = 0;
  std::atomic<int> full{0}, resumed{0}, version{0};

private:
  void serve() {
    while (!m_stop) {
      pollfd p{m_listen, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lk(m_mu);
      SSL *ssl = SSL_new(m_ctx);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        version = SSL_version(ssl);
        ++(SSL_session_reused(ssl) ? resumed : full);
        char c;
        SSL_read(ssl, &c, 1); // until the client hangs up
      }
      SSL_free(ssl);
      ::close(fd);
    }
  }
  std::mutex m_mu;
  SSL_CTX *m_ctx;
  int m_listen = -1;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

struct Pki {
  explicit Pki(const fs::path &dir, const std::string &org = "test") {
    auto ca = CertAuthority::load_or_create(dir / "certs", org);
    REQUIRE(ca);
    REQUIRE(ca->issue_server_cert(org, {"127.0.0.1"}, false, dir / "server.pem",
                                  dir / "server-key.pem"));
    tls = {dir / "certs/ca.pem", dir / "certs/cert.pem", dir / "certs/key.pem"};
    server = dir / "server.pem";
    server_key = dir / "server-key.pem";
  }
  SSL_CTX *ctx(int max_version = 0) const {
    return server_ctx(server, server_key, tls.ca, max_version);
  }
  TlsFiles tls;
  fs::path server, server_key;
};

// Rewrites `f` with other bytes of the same size and puts its times back: the file's identity
// (device, inode, size, mtime) is unchanged, its content is garbage.
void spoil_keeping_identity(const fs::path &f) {
  struct stat st {};
  REQUIRE(::stat(f.c_str(), &st) == 0);
  {
    std::fstream out(f, std::ios::in | std::ios::out | std::ios::binary);
    out << std::string(static_cast<size_t>(st.st_size), 'x');
  }
  timespec times[2] = {st.st_atim, st.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, f.c_str(), times, 0) == 0);
}

// One check's world: a store's PKI in a temporary directory, an engine that serves with it, and
// the file the session is kept in.
struct Rig {
  TempDir t;
  Pki pki{t.path};
  TicketEngine e{pki.ctx()};
  fs::path kept = t.path / "tls-session";
  Status check() { return docker_tls_check("127.0.0.1", e.port, pki.tls, k_timeout, kept); }
};

} // namespace

TEST_CASE("tls check: the second check resumes the session and reads no certificate file") {
  Rig r;
  auto &[t, pki, e, kept] = r;
  REQUIRE(r.check());
  CHECK(e.counted(1, 1));
  REQUIRE(fs::exists(kept));
  auto mode = fs::status(kept).permissions() & fs::perms::all;
  CHECK(mode == (fs::perms::owner_read | fs::perms::owner_write));
  // Neither the CA, nor the certificate, nor the key is readable now: a resumed check must not
  // need them.
  for (const auto &f : {pki.tls.ca, pki.tls.cert, pki.tls.key})
    spoil_keeping_identity(f);
  REQUIRE(r.check());
  REQUIRE(r.check());
  CHECK(e.counted(3, 1));
}

TEST_CASE("tls check: no session is offered once the client's files changed") {
  Rig r;
  auto &[t, pki, e, kept] = r;
  REQUIRE(r.check());
  // Same bytes, new modification time: as after regenerate-certs.
  fs::last_write_time(pki.tls.cert, fs::last_write_time(pki.tls.cert) + std::chrono::seconds(1));
  REQUIRE(r.check());
  CHECK(e.counted(2, 2));
}

TEST_CASE("tls check: an engine that forgot the session is checked in full, certificate too") {
  Rig r;
  auto &[t, pki, e, kept] = r;
  TempDir other;
  REQUIRE(r.check());
  e.use(pki.ctx()); // restarted: new ticket keys
  REQUIRE(r.check());
  CHECK(e.counted(2, 2));
  // Restarted with a certificate from another CA: refused although a session is kept.
  Pki theirs(other.path, "other");
  e.use(server_ctx(theirs.server, theirs.server_key, pki.tls.ca, 0));
  auto refused = r.check();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::auth);
  CHECK(refused.error().message == "x509: unable to get local issuer certificate");
}

TEST_CASE("tls check: TLS 1.2 with an engine that speaks 1.3, as docker-machine 0.16.2") {
  Rig r;
  auto &[t, pki, e, kept] = r;
  REQUIRE(r.check());
  CHECK(e.counted(1, 1));
  CHECK(e.version == TLS1_2_VERSION);
  e.version = 0;
  REQUIRE(r.check());
  CHECK(e.counted(2, 1));
  CHECK(e.version == TLS1_2_VERSION);
}

TEST_CASE("tls check: a TLS 1.3 session kept by an earlier swarmctl is not offered") {
  Rig r;
  auto &[t, pki, e, kept] = r;
  // What swarmctl kept before its check spoke TLS 1.2: a TLS 1.3 session with this engine.
  SSL_CTX *c = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION);
  REQUIRE(SSL_CTX_use_certificate_chain_file(c, pki.tls.cert.c_str()) == 1);
  REQUIRE(SSL_CTX_use_PrivateKey_file(c, pki.tls.key.c_str(), SSL_FILETYPE_PEM) == 1);
  auto sock = tcp_connect("127.0.0.1", e.port, k_timeout);
  REQUIRE(sock);
  SSL *ssl = SSL_new(c);
  SSL_set_fd(ssl, sock->get());
  auto deadline = TlsClock::now() + k_timeout;
  REQUIRE(tls_io(
      ssl, sock->get(), deadline, [&] { return SSL_connect(ssl); }, "connect"));
  SSL_SESSION *s13 = nullptr;
  for (char byte; !s13 || !SSL_SESSION_is_resumable(s13);) { // tickets follow the handshake
    SSL_SESSION_free(s13);
    pollfd p{sock->get(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 20000) == 1);
    REQUIRE(SSL_read(ssl, &byte, 1) <= 0);
    s13 = SSL_get1_session(ssl);
  }
  REQUIRE(SSL_SESSION_get_protocol_version(s13) == TLS1_3_VERSION);
  auto binding = session_binding("127.0.0.1", e.port, {pki.tls.ca, pki.tls.cert, pki.tls.key});
  REQUIRE(save_session(kept, binding, s13, std::time(nullptr) + 3600));
  SSL_SESSION_free(s13);
  SSL_free(ssl);
  SSL_CTX_free(c);
  sock->reset();
  // The check does a full TLS 1.2 handshake and keeps its session instead.
  REQUIRE(r.check());
  REQUIRE(r.check());
  CHECK(e.counted(3, 2));
  CHECK(e.version == TLS1_2_VERSION);
}

TEST_CASE("tls check: an engine that refuses the client certificate fails the check") {
  TempDir t, other;
  Pki pki(t.path), theirs(other.path, "other");
  // The engine trusts another CA's clients only.
  TicketEngine e(server_ctx(pki.server, pki.server_key, theirs.tls.ca, 0));
  auto r = docker_tls_check("127.0.0.1", e.port, pki.tls, k_timeout, t.path / "tls-session");
  REQUIRE_FALSE(r);
  // OpenSSL's own words, its error texts loaded when the first is printed.
  CHECK(r.error().message.find("tls handshake with 127.0.0.1:") == 0);
  CHECK(r.error().message.find("SSL routines::tlsv1 alert unknown ca") != std::string::npos);
  CHECK_FALSE(fs::exists(t.path / "tls-session"));
}

TEST_CASE("tls check: RSA certificates, as docker-machine's stores hold, are checked") {
  TempDir t;
  // docker-machine's CA and certificates are RSA 2048: made here with the openssl program.
  std::string d = t.path.string();
  std::string script =
      "(cd '" + d +
      "' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /O=dm -keyout ca-key.pem "
      "-out ca.pem && for n in server client; do openssl req -newkey rsa:2048 -nodes -subj "
      "/O=dm -keyout $n-key.pem -out $n.csr && printf 'subjectAltName=IP:127.0.0.1\\n' > ext && "
      "openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 "
      "-extfile ext -out $n.pem; done) >/dev/null 2>&1";
  REQUIRE(std::system(script.c_str()) == 0);
  TlsFiles tls{t.path / "ca.pem", t.path / "client.pem", t.path / "client-key.pem"};
  TicketEngine e(server_ctx(t.path / "server.pem", t.path / "server-key.pem", tls.ca, 0));
  auto kept = t.path / "tls-session";
  REQUIRE(docker_tls_check("127.0.0.1", e.port, tls, k_timeout, kept));
  REQUIRE(docker_tls_check("127.0.0.1", e.port, tls, k_timeout, kept));
  CHECK(e.counted(2, 1));
}

TEST_CASE("tls check: unreadable client files are one clear error") {
  Rig r;
  spoil_keeping_identity(r.pki.tls.key);
  auto res = r.check();
  REQUIRE_FALSE(res);
  CHECK(res.error().message ==
        "cannot read client certificate " + r.pki.tls.cert.string() + " / key");
  CHECK_FALSE(fs::exists(r.kept));
}

TEST_CASE("tls session file: kept sessions are refused when expired, foreign or damaged") {
  Rig r;
  auto &[t, pki, e, kept] = r;
  REQUIRE(r.check());
  auto binding = session_binding("127.0.0.1", e.port, {pki.tls.ca, pki.tls.cert, pki.tls.key});
  auto now = std::time(nullptr);
  REQUIRE(load_session(kept, binding, now));
  // The engine certificate expires in about a year (the store's CA's validity).
  CHECK_FALSE(load_session(kept, binding, now + 3 * 365 * 24 * 3600));
  CHECK_FALSE(load_session(kept, binding + "x", now));
  CHECK_FALSE(load_session(
      kept, session_binding("127.0.0.1", e.port + 1, {pki.tls.ca, pki.tls.cert, pki.tls.key}),
      now));
  auto text = read_file(kept);
  REQUIRE(text);
  // Kept without the engine certificate.
  auto s = load_session(kept, binding, now);
  CHECK(SSL_SESSION_get0_peer(s.get()) == nullptr);
  for (auto cut : {text->size() - 1, text->find('\n') + 1, text->find('\n'), size_t{5}}) {
    REQUIRE(atomic_write(kept, text->substr(0, cut)));
    CHECK_FALSE(load_session(kept, binding, now));
  }
  REQUIRE(atomic_write(kept, *text + "trailing"));
  CHECK_FALSE(load_session(kept, binding, now));
  // A damaged file costs a full handshake, nothing else.
  REQUIRE(r.check());
  CHECK(e.counted(2, 2));
}

TEST_CASE("tls session file: the peer certificate is cut out of a session's DER") {
  CHECK(strip_session_peer("") == "");
  CHECK(strip_session_peer("\x31\x00") == "");                             // not a SEQUENCE
  CHECK(strip_session_peer(std::string("\x30\x05\x02\x01\x01", 5)) == ""); // length past the end
  std::string seq("\x30\x0a\x02\x01\x01\xa3\x02\x05\x00\xa4\x01\x07", 12);
  CHECK(strip_session_peer(seq) == std::string("\x30\x06\x02\x01\x01\xa4\x01\x07", 8));
  // A long-form length (a 200-byte element) is kept long-form, the SEQUENCE's shrinks.
  std::string big = std::string("\x04\x81\xc8", 3) + std::string(200, 'a');
  std::string in = std::string("\x30\x81\xcf", 3) + big + std::string("\xa3\x02\x05\x00", 4);
  CHECK(strip_session_peer(in) == std::string("\x30\x81\xcb", 3) + big);
}
