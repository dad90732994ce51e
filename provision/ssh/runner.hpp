#pragma once
// The seam between provisioning and transport: everything a provisioner does on a host goes
// through a CommandRunner. Real implementation: one libssh session per host, reused for every
// command (provision/ssh/libssh_runner.hpp). Tests use a scripted fake (tests/support).
#include <chrono>
#include <cstddef>
#include <functional>
#include <provision/util/result.hpp>
#include <string>
#include <string_view>

namespace sc {

struct CommandResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

struct RunOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::string stdin_data; // sent on the channel's stdin, then EOF
  bool secret = false;    // the command text must not be logged (it carries a secret)
  // Instead of stdin_data, for inputs too large to hold (an image archive): puts up to `cap`
  // next bytes in `buf` and returns how many, 0 at the end, or an error (the command's).
  std::function<Result<std::size_t>(char *buf, std::size_t cap)> stdin_reader;
  std::size_t stdin_size = 0; // the bytes stdin_reader gives in all (for stdin_progress)
  // Called as stdin is sent: (bytes sent so far, stdin size). For progress displays.
  std::function<void(std::size_t, std::size_t)> stdin_progress;
};

// A command's stdin in chunks (RunOptions::stdin_data or stdin_reader), with progress calls: at
// most one chunk of a reader's is held.
class StdinFeed {
public:
  explicit StdinFeed(const RunOptions &o) : m_o(o) {}
  // The bytes to send next (at most 64 KiB; empty at the end), or the reader's error. Until
  // sent() they stay pending.
  Result<std::string_view> pending();
  // `n` bytes of pending() were sent.
  void sent(std::size_t n);

private:
  const RunOptions &m_o;
  std::string m_chunk;    // a reader's current chunk
  std::size_t m_off = 0;  // sent of m_chunk
  std::size_t m_sent = 0; // sent in all
  bool m_end = false;
};

class CommandRunner {
public:
  virtual ~CommandRunner() = default;
  // Runs `cmd` through the remote user's shell. A non-zero exit is not an error here.
  virtual Result<CommandResult> run(const std::string &cmd, const RunOptions &opts = {}) = 0;
  // Writes bytes to a remote path (content over stdin, temp + rename, mode set before content).
  virtual Status put_file(const std::string &path, std::string_view bytes, unsigned mode) = 0;
  // "root@192.168.99.12:22", for messages.
  virtual std::string target() const = 0;
  // Number of commands sent so far (round trips), for benchmarks and tests.
  virtual int round_trips() const = 0;
};

// Runs cmd and turns a non-zero exit into Errc::remote_failed with "<what>: exited N: <output
// tail>" (stderr preferred, last lines only).
Result<CommandResult> run_ok(CommandRunner &r, std::string_view what, const std::string &cmd,
                             const RunOptions &opts = {});

} // namespace sc
