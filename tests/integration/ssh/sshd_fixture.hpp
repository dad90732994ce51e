#pragma once
// A real OpenSSH sshd on 127.0.0.1 for one test: own temp dir, host key, authorized_keys and
// config; stopped (only the pid we started) and cleaned up in the destructor, even when an
// assertion fails. A missing sshd FAILS the test: this executable exists to test against it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/ssh/keys.hpp>
#include <provision/util/process.hpp>
#include <string>
#include <thread>

namespace sc::test {
namespace fs = std::filesystem;

inline constexpr const char *k_sshd = "/usr/sbin/sshd";

// A TCP port that nothing listens on right now (bind to 0, read it back, close).
inline int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(s, reinterpret_cast<sockaddr *>(&a), &len) == 0);
  ::close(s);
  return ntohs(a.sin_port);
}

inline bool port_open(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(s, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

class Sshd {
  // Members destroyed even when the constructor fails half-way (a REQUIRE throws).
  struct DirGuard {
    fs::path path;
    ~DirGuard() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);
    }
  } m_dir_guard;
  struct PidGuard {
    pid_t pid = -1;
    ~PidGuard() {
      if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } m_proc;

public:
  fs::path dir, client_key, wrong_key, known_hosts;
  int port = 0;

  Sshd() {
    REQUIRE_MESSAGE(::access(k_sshd, X_OK) == 0,
                    "OpenSSH server missing: " << k_sshd << " (apt-get install openssh-server)");
    REQUIRE_MESSAGE(!sc::find_in_path("ssh-keygen").empty(),
                    "ssh-keygen missing (apt-get install openssh-client)");
    std::string t = (fs::temp_directory_path() / "sc-sshd-test.XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    dir = t;
    m_dir_guard.path = dir;
    client_key = dir / "id_ed25519";
    wrong_key = dir / "wrong_ed25519";
    known_hosts = dir / "known_hosts";
    REQUIRE(sc::generate_ssh_key(client_key));
    REQUIRE(sc::generate_ssh_key(wrong_key));
    auto pub = sc::read_public_key(client_key);
    REQUIRE(pub);
    std::ofstream(dir / "authorized_keys") << *pub << "\n";
    new_host_key();
    port = free_port();
    // sshd's compiled-in privilege separation directory.
    std::error_code ec;
    fs::create_directories("/run/sshd", ec);
    start();
  }

  ~Sshd() { stop(); }

  Sshd(const Sshd &) = delete;
  Sshd &operator=(const Sshd &) = delete;

  void authorize(const fs::path &private_key) {
    auto pub = sc::read_public_key(private_key);
    REQUIRE(pub);
    std::ofstream(dir / "authorized_keys", std::ios::app) << *pub << "\n";
  }

  // Replaces the host key and restarts on the same port (a re-created host).
  void restart_with_new_host_key() {
    stop();
    new_host_key();
    start();
  }

  void stop() {
    if (m_proc.pid <= 0) return;
    ::kill(m_proc.pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int st = 0;
      if (::waitpid(m_proc.pid, &st, WNOHANG) == m_proc.pid) {
        m_proc.pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (m_proc.pid > 0) {
      ::kill(m_proc.pid, SIGKILL);
      ::waitpid(m_proc.pid, nullptr, 0);
      m_proc.pid = -1;
    }
    // Wait until the port is free again so that a restart can bind it.
    for (int i = 0; i < 100 && port_open(port); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  pid_t pid() const { return m_proc.pid; }
  std::string log() const {
    std::ifstream in(dir / "sshd.log");
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

private:
  std::string m_unshare;

  void new_host_key() {
    std::error_code ec;
    fs::remove(dir / "host_ed25519", ec);
    fs::remove(dir / "host_ed25519.pub", ec);
    auto r = sc::run_process(
        {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (dir / "host_ed25519").string()});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->exit_code == 0, "ssh-keygen: " << r->err);
  }

  void start() {
    auto cfg = dir / "sshd_config";
    std::ofstream(cfg) << "Port " << port << "\n"
                       << "ListenAddress 127.0.0.1\n"
                       << "HostKey " << (dir / "host_ed25519").string() << "\n"
                       << "AuthorizedKeysFile " << (dir / "authorized_keys").string() << "\n"
                       << "PidFile " << (dir / "sshd.pid").string() << "\n"
                       << "PermitRootLogin yes\nStrictModes no\nPubkeyAuthentication yes\n"
                       << "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                       << "MaxSessions 100\nLogLevel VERBOSE\n";
    auto check = sc::run_process({k_sshd, "-t", "-f", cfg.string()});
    REQUIRE(check);
    REQUIRE_MESSAGE(check->exit_code == 0, "sshd -t: " << check->err);
    auto log = (dir / "sshd.log").string();
    if (fs::exists("/root/.bashrc") && ::geteuid() == 0) {
      m_unshare = sc::find_in_path("unshare");
      std::ofstream(dir / "empty_bashrc").flush();
    }
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      // Every remote command runs through root's bash, which sources ~/.bashrc under sshd; on
      // this machine that costs ~1 s per command (pyenv init). sshd runs in a private mount
      // namespace with an empty file over /root/.bashrc (the real file is untouched).
      if (!m_unshare.empty()) {
        std::string sh = "mount --bind " + (dir / "empty_bashrc").string() +
                         " /root/.bashrc 2>/dev/null; exec " + k_sshd + " -D -e -f " + cfg.string();
        ::execl(m_unshare.c_str(), "unshare", "-m", "--propagation", "private", "sh", "-c",
                sh.c_str(), static_cast<char *>(nullptr));
      }
      ::execl(k_sshd, k_sshd, "-D", "-e", "-f", cfg.c_str(), static_cast<char *>(nullptr));
      ::_exit(127);
    }
    m_proc.pid = pid;
    for (int i = 0; i < 250; ++i) {
      if (port_open(port)) return;
      int st = 0;
      if (::waitpid(m_proc.pid, &st, WNOHANG) == m_proc.pid) {
        m_proc.pid = -1;
        FAIL("sshd exited at start: " << this->log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("sshd did not listen on 127.0.0.1:" << port << ": " << this->log());
  }
};

} // namespace sc::test
