#pragma once
// CommandRunner over libssh: ONE session per host, a new channel per command. Key auth with the
// machine's key only; the host key is pinned on first contact (known_hosts file) and checked on
// every later connection.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <provision/ssh/runner.hpp>
#include <string>

namespace sc {
namespace fs = std::filesystem;

struct SshConfig {
  std::string host;
  int port = 22;
  std::string user = "root";
  fs::path key_path;
  fs::path known_hosts; // pin file; empty = no pinning
  std::chrono::milliseconds connect_timeout{10000};
  std::function<void(const std::string &)> debug; // every command, exit status and duration
};

class LibsshRunner : public CommandRunner {
public:
  // Errc::unreachable, Errc::auth, Errc::host_key_changed or Errc::timeout on failure.
  static Result<std::unique_ptr<LibsshRunner>> connect(const SshConfig &cfg);
  ~LibsshRunner() override;

  Result<CommandResult> run(const std::string &cmd, const RunOptions &opts = {}) override;
  Status put_file(const std::string &path, std::string_view bytes, unsigned mode) override;
  std::string target() const override;
  int round_trips() const override { return m_round_trips; }

  // `swarmctl ssh`: empty command = login shell with a PTY; otherwise runs the command (PTY when
  // stdin is a terminal), streaming stdin/stdout/stderr. Returns the remote exit code.
  Result<int> interactive(const std::string &command);
  // `swarmctl scp`: local -> remote and remote -> local; directories need `recursive`. What
  // arrives here is owned by the caller with the remote mode & 0777 & ~umask (no setuid, no
  // owner or mode taken from a hostile host's tar).
  Status copy_to(const fs::path &local, const std::string &remote, bool recursive);
  Status copy_from(const std::string &remote, const fs::path &local, bool recursive);

private:
  LibsshRunner() = default;
  struct Impl;
  std::unique_ptr<Impl> m;
  SshConfig m_cfg;
  int m_round_trips = 0;
};

// The mode of a file copied from a host: the octal mode the host's `stat -c %a` printed, masked
// with 0777 and ~umask. Errc::parse naming the reply when it is not an octal number.
Result<unsigned> copied_file_mode(std::string_view stat_reply, unsigned umask);

// Polls LibsshRunner::connect until it succeeds or `timeout` passes (auth and host-key errors
// are final, not retried). On success *out holds the connected runner.
Status wait_for_ssh(const SshConfig &cfg, std::chrono::milliseconds timeout,
                    std::unique_ptr<LibsshRunner> *out);

} // namespace sc
