#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <provision/util/process.hpp>

extern char **environ;

namespace sc {

std::string find_in_path(const std::string &program) {
  if (program.find('/') != std::string::npos)
    return access(program.c_str(), X_OK) == 0 ? program : "";
  const char *path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string cand = dir + "/" + program;
    struct stat st {};
    if (stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(cand.c_str(), X_OK) == 0)
      return cand;
    start = end + 1;
  }
  return "";
}

void close_descriptors_from(int first) noexcept {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0U) == 0) return;
#endif
  rlimit rl{};
  rlim_t max = 65536;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < max)
    max = rl.rlim_cur;
  for (rlim_t fd = static_cast<rlim_t>(first); fd < max; ++fd)
    close(static_cast<int>(fd));
}

namespace {
std::vector<std::string> build_env(const ProcessOptions &o) {
  std::vector<std::string> env;
  for (char **e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto key = kv.substr(0, kv.find('='));
    if (o.env.count(key)) continue;
    bool drop = false;
    for (const auto &u : o.unset_env)
      drop = drop || u == key;
    if (!drop) env.push_back(kv);
  }
  for (const auto &[k, v] : o.env)
    env.push_back(k + "=" + v);
  return env;
}
} // namespace

Result<ProcessResult> run_process(const std::vector<std::string> &argv, const ProcessOptions &o) {
  if (argv.empty()) return fail(Errc::usage, "run_process: empty argv");
  std::string exe = find_in_path(argv[0]);
  if (exe.empty()) return fail(Errc::not_found, fmt::format("{}: command not found", argv[0]));

  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (!o.inherit_stdio) {
    if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
      return fail(Errc::io, fmt::format("pipe: {}", std::strerror(errno)));
  }
  auto env = build_env(o);
  std::vector<char *> cargv, cenv;
  for (const auto &a : argv)
    cargv.push_back(const_cast<char *>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto &e : env)
    cenv.push_back(const_cast<char *>(e.c_str()));
  cenv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return fail(Errc::io, fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    if (!o.inherit_stdio) {
      dup2(in_pipe[0], 0);
      dup2(out_pipe[1], 1);
      dup2(err_pipe[1], 2);
    }
    // Only 0/1/2 reach the program (a daemon it starts, such as VBoxSVC, keeps what it gets).
    close_descriptors_from(3);
    signal(SIGPIPE, SIG_DFL);
    execve(exe.c_str(), cargv.data(), cenv.data());
    _exit(127);
  }
  ProcessResult r;
  bool timed_out = false;
  if (!o.inherit_stdio) {
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    int in_fd = in_pipe[1];
    size_t in_off = 0;
    if (o.stdin_data.empty()) {
      close(in_fd);
      in_fd = -1;
    } else {
      fcntl(in_fd, F_SETFL, O_NONBLOCK);
    }
    int fds[2] = {out_pipe[0], err_pipe[0]};
    auto deadline = std::chrono::steady_clock::now() + o.timeout;
    char buf[65536];
    while (fds[0] >= 0 || fds[1] >= 0) {
      pollfd p[3];
      int n = 0;
      int idx[3];
      for (int i = 0; i < 2; ++i)
        if (fds[i] >= 0) {
          p[n] = {fds[i], POLLIN, 0};
          idx[n++] = i;
        }
      if (in_fd >= 0) {
        p[n] = {in_fd, POLLOUT, 0};
        idx[n++] = 2;
      }
      int wait_ms = -1;
      if (o.timeout.count() > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
          timed_out = true;
          break;
        }
        wait_ms = static_cast<int>(left.count());
      }
      int rc = poll(p, n, wait_ms);
      if (rc < 0 && errno == EINTR) continue;
      if (rc < 0) break;
      for (int k = 0; k < n; ++k) {
        if (!p[k].revents) continue;
        if (idx[k] == 2) {
          ssize_t w = write(in_fd, o.stdin_data.data() + in_off, o.stdin_data.size() - in_off);
          if (w > 0) in_off += static_cast<size_t>(w);
          if (w < 0 && errno != EAGAIN) in_off = o.stdin_data.size();
          if (in_off >= o.stdin_data.size()) {
            close(in_fd);
            in_fd = -1;
          }
          continue;
        }
        ssize_t got = read(fds[idx[k]], buf, sizeof buf);
        if (got > 0)
          (idx[k] == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
        else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
          close(fds[idx[k]]);
          fds[idx[k]] = -1;
        }
      }
    }
    if (in_fd >= 0) close(in_fd);
    for (int fd : fds)
      if (fd >= 0) close(fd);
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    return fail(Errc::timeout,
                fmt::format("{} did not finish within {} s", argv[0], o.timeout.count() / 1000.0));
  if (WIFEXITED(status))
    r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.exit_code = 128 + WTERMSIG(status);
  if (r.exit_code == 127 && r.err.empty() && r.out.empty())
    return fail(Errc::not_found, fmt::format("{}: could not be executed", argv[0]));
  return r;
}

Result<ProcessResult> run_checked(const std::vector<std::string> &argv, const ProcessOptions &o) {
  auto r = run_process(argv, o);
  if (!r) return r;
  if (r->exit_code != 0) {
    std::string msg = r->err.empty() ? r->out : r->err;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    return fail(Errc::remote_failed, fmt::format("{} exited {}{}{}", argv[0], r->exit_code,
                                                 msg.empty() ? "" : ": ", msg));
  }
  return r;
}

} // namespace sc
