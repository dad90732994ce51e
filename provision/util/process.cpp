#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <provision/util/fd.hpp>
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

namespace {
thread_local std::optional<std::chrono::steady_clock::time_point> t_deadline;

// o.timeout, cut to the thread's ProcessDeadline (at least 1 ms: 0 means none).
std::chrono::milliseconds effective_timeout(std::chrono::milliseconds timeout) {
  if (!t_deadline) return timeout;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      *t_deadline - std::chrono::steady_clock::now());
  left = std::max(left, std::chrono::milliseconds(1));
  return timeout.count() > 0 ? std::min(timeout, left) : left;
}
} // namespace

ProcessDeadline::ProcessDeadline(std::chrono::steady_clock::time_point deadline)
    : m_prev(t_deadline) {
  t_deadline = m_prev ? std::min(*m_prev, deadline) : deadline;
}

ProcessDeadline::~ProcessDeadline() {
  t_deadline = m_prev;
}

namespace {
// The child's ends (stdin's read end, stdout's and stderr's write ends) and ours.
struct ChildPipes {
  FdPair in, out, err;
};

Result<ChildPipes> open_pipes() {
  auto in = make_pipe();
  if (!in) return fail(in.error());
  auto out = make_pipe();
  if (!out) return fail(out.error());
  auto err = make_pipe();
  if (!err) return fail(err.error());
  return ChildPipes{std::move(*in), std::move(*out), std::move(*err)};
}

// `fd` becomes `target` and survives exec. Async-signal-safe.
void move_to(int fd, int target) noexcept {
  if (fd == target)
    fcntl(fd, F_SETFD, 0); // dup2 onto itself would keep O_CLOEXEC
  else
    dup2(fd, target);
}

// In the child, between fork and exec: async-signal-safe calls only (no allocation, no lock).
[[noreturn]] void exec_child(const char *exe, char *const *argv, char *const *envp,
                             const ChildPipes *pipes) noexcept {
  if (pipes) {
    move_to(pipes->in.read.get(), 0);
    move_to(pipes->out.write.get(), 1);
    move_to(pipes->err.write.get(), 2);
  }
  // Only 0/1/2 reach the program (a daemon it starts, such as VBoxSVC, keeps what it gets).
  close_descriptors_from(3);
  // swarmctl ignores SIGPIPE (cmd/main.cpp); the programs it runs get the default back.
  signal(SIGPIPE, SIG_DFL);
  execve(exe, argv, envp);
  _exit(127);
}

// Writes o.stdin_data to the child and reads its stdout/stderr into r until both are closed.
// Returns false when o.timeout passed first. Every descriptor is closed on return.
bool exchange(Fd in, Fd out, Fd err, const ProcessOptions &o, ProcessResult &r) {
  size_t in_off = 0;
  if (o.stdin_data.empty())
    in.reset();
  else
    fcntl(in.get(), F_SETFL, O_NONBLOCK);
  Fd *fds[2] = {&out, &err};
  auto deadline = std::chrono::steady_clock::now() + o.timeout;
  char buf[65536];
  while (out || err) {
    pollfd p[3];
    int n = 0;
    int idx[3];
    for (int i = 0; i < 2; ++i)
      if (*fds[i]) {
        p[n] = {fds[i]->get(), POLLIN, 0};
        idx[n++] = i;
      }
    if (in) {
      p[n] = {in.get(), POLLOUT, 0};
      idx[n++] = 2;
    }
    int wait_ms = -1;
    if (o.timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      wait_ms = static_cast<int>(left.count());
    }
    int rc = poll(p, n, wait_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) break;
    for (int k = 0; k < n; ++k) {
      if (!p[k].revents) continue;
      if (idx[k] == 2) {
        // EPIPE (SIGPIPE is ignored): the child exited without reading all of its input.
        ssize_t w = write(in.get(), o.stdin_data.data() + in_off, o.stdin_data.size() - in_off);
        if (w > 0) in_off += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) in_off = o.stdin_data.size();
        if (in_off >= o.stdin_data.size()) in.reset();
        continue;
      }
      ssize_t got = read(fds[idx[k]]->get(), buf, sizeof buf);
      if (got > 0)
        (idx[k] == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
      else if (got == 0 || (errno != EINTR && errno != EAGAIN))
        fds[idx[k]]->reset();
    }
  }
  return true;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
} // namespace

Result<ProcessResult> run_process(const std::vector<std::string> &argv,
                                  const ProcessOptions &opts) {
  if (argv.empty()) return fail(Errc::usage, "run_process: empty argv");
  ProcessOptions bounded;
  const ProcessOptions &o = t_deadline ? bounded : opts;
  if (t_deadline) {
    bounded = opts;
    bounded.timeout = effective_timeout(opts.timeout);
  }
  std::string exe = find_in_path(argv[0]);
  if (exe.empty()) return fail(Errc::not_found, fmt::format("{}: command not found", argv[0]));

  std::optional<ChildPipes> pipes;
  if (!o.inherit_stdio) {
    auto p = open_pipes(); // a failure half way closes the pipes already made
    if (!p) return fail(p.error());
    pipes = std::move(*p);
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
  if (pid == 0) exec_child(exe.c_str(), cargv.data(), cenv.data(), pipes ? &*pipes : nullptr);
  ProcessResult r;
  bool finished = true;
  if (pipes) {
    pipes->in.read.reset(); // the child's ends: its copies keep them open
    pipes->out.write.reset();
    pipes->err.write.reset();
    finished = exchange(std::move(pipes->in.write), std::move(pipes->out.read),
                        std::move(pipes->err.read), o, r);
  }
  if (!finished) kill(pid, SIGKILL);
  r.exit_code = wait_exit_code(pid);
  if (!finished)
    return fail(Errc::timeout,
                fmt::format("{} did not finish within {} s", argv[0], o.timeout.count() / 1000.0));
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
