#pragma once
// Runs local programs (VBoxManage, ip, iptables, ...) without a shell.
#include <chrono>
#include <map>
#include <optional>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct ProcessResult {
  int exit_code = -1; // 128+signal when killed by a signal
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string stdin_data;                 // written to the child's stdin, then closed
  std::chrono::milliseconds timeout{0};   // 0 = none; on expiry the child is killed (SIGKILL)
  std::map<std::string, std::string> env; // added to (or overriding) the inherited environment
  std::vector<std::string> unset_env;     // removed from the inherited environment
  bool inherit_stdio = false;             // child uses our stdin/stdout/stderr (interactive)
};

// Runs argv[0] (looked up in PATH) with the arguments. Fails only when the program cannot be
// started or times out (Errc::timeout); a non-zero exit is a successful ProcessResult.
Result<ProcessResult> run_process(const std::vector<std::string> &argv,
                                  const ProcessOptions &opts = {});

// Like run_process, but a non-zero exit becomes an error "<argv0> exited N: <stderr>".
Result<ProcessResult> run_checked(const std::vector<std::string> &argv,
                                  const ProcessOptions &opts = {});

// While it lives, every run_process on this thread ends by `deadline` (a longer timeout, or
// none, is cut to it; once past, the program is killed at once and the call fails with
// Errc::timeout). A caller bound in time (`ls --timeout`) so bounds the programs its drivers run
// (VBoxManage) on the threads it joins. Nested scopes keep the earliest deadline.
class ProcessDeadline {
public:
  explicit ProcessDeadline(std::chrono::steady_clock::time_point deadline);
  ~ProcessDeadline();
  ProcessDeadline(const ProcessDeadline &) = delete;
  ProcessDeadline &operator=(const ProcessDeadline &) = delete;

private:
  std::optional<std::chrono::steady_clock::time_point> m_prev;
};

// Closes every descriptor from `first` up (close_range, or a loop where the kernel lacks it).
// Async-signal-safe: called in a child between fork and exec so that no daemon or tool keeps a
// descriptor its caller handed to swarmctl (a CI runner's result pipe on fd 3 would never see
// EOF otherwise).
void close_descriptors_from(int first) noexcept;

// Full path of an executable found in PATH, or empty.
std::string find_in_path(const std::string &program);

} // namespace sc
