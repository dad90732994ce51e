#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <drivers/local/local.hpp>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <provision/util/c_handle.hpp>
#include <provision/util/fd.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/number.hpp>
#include <provision/util/process.hpp>
#include <sstream>
#include <vector>

namespace sc::local {

namespace {
using Dir = CHandle<DIR *, ::closedir>;
} // namespace

unsigned long long process_start_time(pid_t pid) {
  if (pid <= 0) return 0;
  auto text = read_file(fmt::format("/proc/{}/stat", pid));
  if (!text) return 0;
  auto r = text->rfind(')');
  if (r == std::string::npos) return 0;
  // Fields after the command: state is #3, starttime #22.
  std::string_view rest = std::string_view(*text).substr(r + 1);
  int field = 2;
  for (size_t i = 0; i < rest.size() && field < 22;) {
    while (i < rest.size() && rest[i] == ' ')
      ++i;
    size_t end = rest.find(' ', i);
    if (end == std::string_view::npos) end = rest.size();
    ++field;
    auto word = rest.substr(i, end - i);
    if (field == 3 && (word == "Z" || word == "X")) return 0; // dead: its PID proves nothing
    if (field == 22) {
      unsigned long long v = 0;
      auto [p, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
      return ec == std::errc() && p == word.data() + word.size() ? v : 0;
    }
    i = end;
  }
  return 0;
}

std::pair<pid_t, unsigned long long> read_init_pidfile(const HostSpec &h) {
  auto text = read_file(h.runtime / "init.pid");
  if (!text) return {0, 0};
  std::string_view t = *text;
  auto sp = t.find(' ');
  if (sp == std::string_view::npos) return {0, 0};
  pid_t pid = 0;
  unsigned long long start = 0;
  auto a = std::from_chars(t.data(), t.data() + sp, pid);
  auto b = std::from_chars(t.data() + sp + 1, t.data() + t.size(), start);
  if (a.ec != std::errc() || a.ptr != t.data() + sp || b.ec != std::errc() ||
      b.ptr != t.data() + t.size() || pid <= 0)
    return {0, 0};
  return {pid, start};
}

std::vector<pid_t> netns_pids(const HostSpec &h) {
  std::vector<pid_t> out;
  struct stat ns {};
  struct statfs sf {};
  // Only a mounted namespace identifies the host (the placeholder file under it does not).
  if (::stat(h.netns_file.c_str(), &ns) != 0 || ::statfs(h.netns_file.c_str(), &sf) != 0 ||
      sf.f_type != NSFS_MAGIC)
    return out;
  Dir d(opendir("/proc"));
  if (!d) return out;
  while (auto *e = readdir(d.get())) {
    pid_t pid = 0;
    std::string_view n = e->d_name;
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), pid);
    if (ec != std::errc() || p != n.data() + n.size() || pid <= 0) continue;
    struct stat st {};
    if (::stat(fmt::format("/proc/{}/ns/net", pid).c_str(), &st) == 0 && st.st_dev == ns.st_dev &&
        st.st_ino == ns.st_ino)
      out.push_back(pid);
  }
  return out;
}

Result<pid_t> boot(const HostSpec &h, const std::string &self_exe) {
  auto spec = h.runtime / "spec";
  std::string text =
      fmt::format("name={}\nlower={}\nruntime={}\ndocker={}\nnetns={}\n", h.name, h.lower.string(),
                  h.runtime.string(), h.docker_dir.string(), h.netns_file.string());
  SC_TRY(atomic_write(spec, text, 0600));
  std::error_code ec;
  fs::remove(h.runtime / "init.pid", ec);
  std::string console = h.console.string(), exe = self_exe, spec_s = spec.string();
  pid_t child = fork();
  if (child < 0) return fail(Errc::io, fmt::format("fork: {}", std::strerror(errno)));
  if (child == 0) {
    // Only async-signal-safe calls until exec: the caller may have other threads.
    int fd = ::open(console.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int nul = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (nul >= 0) dup2(nul, 0);
    // The init outlives this command: it must hold nothing of the caller's (a test runner's
    // pipe on fd 3 would never see EOF while the host runs).
    close_descriptors_from(3);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL); // swarmctl ignores it (cmd/main.cpp); the host's init must not
    execl(exe.c_str(), exe.c_str(), "__local-host-init", spec_s.c_str(),
          static_cast<char *>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  auto tail = [&] {
    auto log = read_file(h.console);
    if (!log) return std::string();
    auto t = *log;
    if (t.size() > 600) t = t.substr(t.size() - 600);
    return t;
  };
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                        : fmt::format("killed by signal {}", WTERMSIG(status));
    auto t = tail();
    while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
      t.pop_back();
    return fail(Errc::generic, fmt::format("the host's init could not start ({}){}{}", how,
                                           t.empty() ? "" : ": ", t));
  }
  auto [pid, start] = read_init_pidfile(h);
  if (pid <= 0) return fail(Errc::generic, "the host's init did not report its PID");
  return pid;
}

namespace {

[[noreturn]] void die(const std::string &what) {
  std::fprintf(stderr, "swarmctl host init: %s: %s\n", what.c_str(), std::strerror(errno));
  std::fflush(stderr);
  _exit(1);
}

void must(int rc, const std::string &what) {
  if (rc != 0) die(what);
}

void mkdirs(const std::string &p) {
  std::error_code ec;
  fs::create_directories(p, ec);
}

pid_t spawn(const std::vector<std::string> &argv) {
  pid_t p = fork();
  if (p == 0) {
    close_descriptors_from(3);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char *> a;
    for (const auto &s : argv)
      a.push_back(const_cast<char *>(s.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    std::fprintf(stderr, "exec %s: %s\n", a[0], std::strerror(errno));
    _exit(127);
  }
  return p;
}

// Reaps children; returns true when `target` exited (or target is 0).
bool reap(pid_t target) {
  bool hit = false;
  for (;;) {
    int st = 0;
    pid_t p = waitpid(-1, &st, WNOHANG);
    if (p <= 0) break;
    if (p == target) hit = true;
  }
  return hit;
}

void wait_for(pid_t pid, std::chrono::seconds limit, const sigset_t &set) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (reap(pid)) return;
    if (kill(pid, 0) != 0 && errno == ESRCH) return;
    timespec ts{0, 100 * 1000 * 1000};
    sigtimedwait(&set, nullptr, &ts);
  }
  kill(pid, SIGKILL);
  reap(pid);
}

std::vector<std::string> boot_scripts() {
  std::vector<std::string> out;
  Dir d(opendir("/etc/swarmctl/boot.d"));
  if (!d) return out;
  while (auto *e = readdir(d.get()))
    if (e->d_name[0] != '.') out.push_back(std::string("/etc/swarmctl/boot.d/") + e->d_name);
  std::sort(out.begin(), out.end());
  return out;
}

[[noreturn]] void run_init(const sigset_t &set) {
  for (const auto &s : boot_scripts()) {
    std::fprintf(stderr, "boot: %s start\n", s.c_str());
    wait_for(spawn({s, "start"}), std::chrono::seconds(300), set);
  }
  mkdirs("/run/sshd");
  chmod("/run/sshd", 0755);
  pid_t sshd = spawn({"/usr/sbin/sshd", "-D", "-e", "-f", "/etc/swarmctl/sshd_config"});
  std::fflush(stderr);
  for (;;) {
    siginfo_t info{};
    timespec ts{5, 0};
    int sig = sigtimedwait(&set, &info, &ts);
    if (sig == SIGCHLD || sig < 0) {
      reap(0);
      continue;
    }
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) break;
  }
  // Orderly shutdown: services in reverse order, then everything else.
  auto scripts = boot_scripts();
  for (auto it = scripts.rbegin(); it != scripts.rend(); ++it)
    wait_for(spawn({*it, "stop"}), std::chrono::seconds(40), set);
  kill(sshd, SIGTERM);
  kill(-1, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    reap(0);
    if (waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD) break;
    timespec ts{0, 50 * 1000 * 1000};
    sigtimedwait(&set, nullptr, &ts);
  }
  kill(-1, SIGKILL);
  _exit(0);
}

} // namespace

namespace {

std::map<std::string, std::string> read_spec(const char *path) {
  std::map<std::string, std::string> spec;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) spec[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return spec;
}

// Joins the host's network namespace and makes new mount/UTS/IPC/PID namespaces (the next child
// is PID 1 of the last).
void enter_namespaces(const std::string &netns) {
  setsid();
  Fd nsfd(::open(netns.c_str(), O_RDONLY | O_CLOEXEC));
  if (!nsfd) die("open netns " + netns);
  must(setns(nsfd.get(), CLONE_NEWNET), "setns");
  nsfd.reset();
  must(unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID), "unshare");
}

// Forks the host's PID 1 and returns in it; this process records its PID in runtime/init.pid and
// exits. The parent shares the new mount namespace with the host's init, whose pivot_root would
// change the parent's root too: init waits until the parent has written its PID file.
void fork_init(const std::string &runtime) {
  auto go = make_pipe();
  if (!go) die("pipe");
  pid_t init = fork();
  if (init < 0) die("fork");
  if (init > 0) {
    go->read.reset();
    // With its start time: the pair proves the host's init to whoever signals it later.
    auto st = atomic_write(runtime + "/init.pid",
                           fmt::format("{} {}", init, process_start_time(init)), 0600);
    if (!st) {
      std::fprintf(stderr, "swarmctl host init: %s\n", st.error().message.c_str());
      kill(init, SIGKILL);
    } else {
      char c = 'g';
      while (::write(go->write.get(), &c, 1) < 0 && errno == EINTR) {
      }
    }
    go->write.reset();
    std::fflush(stderr);
    _exit(st ? 0 : 1);
  }
  go->write.reset();
  char c = 0;
  ssize_t r;
  while ((r = ::read(go->read.get(), &c, 1)) < 0 && errno == EINTR) {
  }
  if (r != 1) _exit(1); // the parent failed to record the PID
}

// The host's root: an overlay of `lower` with the runtime's upper dir, /dev, /proc, /sys,
// cgroups, tmpfs /run and /tmp, its docker dir; pivoted into.
void build_root(const std::string &name, const std::string &lower, const std::string &runtime,
                const std::string &docker) {
  must(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), "make / private");
  std::string root = runtime + "/root", upper = runtime + "/upper", work = runtime + "/work";
  for (const auto &d : {root, upper, work})
    mkdirs(d);
  std::string opts = fmt::format("lowerdir={},upperdir={},workdir={}", lower, upper, work);
  must(mount("overlay", root.c_str(), "overlay", 0, opts.c_str()), "mount overlay root");
  for (const char *d : {"/dev", "/proc", "/sys", "/run", "/tmp", "/var/lib/docker", "/.oldroot"})
    mkdirs(root + d);
  must(mount("/dev", (root + "/dev").c_str(), nullptr, MS_BIND | MS_REC, nullptr), "bind /dev");
  must(mount("proc", (root + "/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr),
       "mount proc");
  must(mount("sysfs", (root + "/sys").c_str(), "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr),
       "mount sysfs");
  must(mount("/sys/fs/cgroup", (root + "/sys/fs/cgroup").c_str(), nullptr, MS_BIND | MS_REC,
             nullptr),
       "bind cgroups");
  must(mount("tmpfs", (root + "/run").c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"),
       "mount /run");
  must(mount("tmpfs", (root + "/tmp").c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"),
       "mount /tmp");
  must(mount(docker.c_str(), (root + "/var/lib/docker").c_str(), nullptr, MS_BIND, nullptr),
       "bind /var/lib/docker");
  must(sethostname(name.c_str(), name.size()), "sethostname");
  must(chdir(root.c_str()), "chdir root");
  must(static_cast<int>(syscall(SYS_pivot_root, ".", ".oldroot")), "pivot_root");
  must(chdir("/"), "chdir /");
  must(umount2("/.oldroot", MNT_DETACH), "detach old root");
  rmdir("/.oldroot");
}

} // namespace

int host_init_main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: swarmctl __local-host-init SPECFILE\n");
    return 2;
  }
  // Whatever started this init, nothing but 0/1/2 stays open in a host's processes, and the
  // host's programs get SIGPIPE's default (the CLI that started it ignores the signal).
  close_descriptors_from(3);
  signal(SIGPIPE, SIG_DFL);
  auto spec = read_spec(argv[2]);
  enter_namespaces(spec["netns"]);
  fork_init(spec["runtime"]);
  // PID 1 of the host.
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP})
    sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  build_root(spec["name"], spec["lower"], spec["runtime"], spec["docker"]);
  run_init(set);
}

} // namespace sc::local
