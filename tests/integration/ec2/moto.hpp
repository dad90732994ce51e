#pragma once
// moto's EC2 server on 127.0.0.1 for integration tests: started on a free port, waited for with
// a deadline, killed by PID when the fixture goes away (and by the kernel if this process dies).
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>

namespace sc::test {

// A python interpreter that can `import moto, botocore`, or "" (SC_PYTHON, python3 on PATH,
// pyenv shims and versions, /usr/bin/python3 are tried in that order).
std::string python_with_moto();

class MotoServer {
public:
  // extra_env e.g. {"INITIAL_NO_AUTH_ACTION_COUNT", "0"} to make moto check credentials.
  explicit MotoServer(const std::string &python, std::map<std::string, std::string> extra_env = {});
  ~MotoServer();
  MotoServer(const MotoServer &) = delete;
  MotoServer &operator=(const MotoServer &) = delete;
  bool ready() const { return m_ready; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  std::string log() const;
  std::string error() const { return m_error; }
  void reset(); // POST /moto-api/reset: forget every resource
  // From now on moto checks every request's SigV4 signature and IAM policy: its authentication
  // counter is reset to allow exactly three unsigned calls, which botocore (run by `python`)
  // spends on creating an IAM user, its access key and an allow-all policy. Returns
  // {access key id, secret}, or {"", error message}.
  std::pair<std::string, std::string> enforce_signatures(const std::string &python);

private:
  pid_t m_pid = -1;
  int m_port = 0;
  bool m_ready = false;
  std::string m_error;
  std::filesystem::path m_log;
};

} // namespace sc::test
