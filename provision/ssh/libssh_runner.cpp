#include <libssh/libssh.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <fmt/format.h>
#include <mutex>
#include <provision/ssh/libssh_api.hpp>
#include <provision/ssh/libssh_runner.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/poll.hpp>
#include <provision/util/process.hpp>
#include <provision/util/shell_quote.hpp>
#include <provision/util/sigpipe.hpp>

namespace sc {

using Clock = std::chrono::steady_clock;

struct LibsshRunner::Impl {
  ssh_session session = nullptr;
  ~Impl() {
    if (session) {
      ssh_disconnect(session);
      ssh_free(session);
    }
  }
};

namespace {
struct Channel {
  ssh_channel ch = nullptr;
  ~Channel() {
    if (ch) {
      ssh_channel_close(ch);
      ssh_channel_free(ch);
    }
  }
};

std::string fingerprint(ssh_key key) {
  unsigned char *hash = nullptr;
  size_t len = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != SSH_OK) return "?";
  char *fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
  std::string s = fp ? fp : "?";
  ssh_string_free_char(fp);
  ssh_clean_pubkey_hash(&hash);
  return s;
}

// Reads what is available on both streams until EOF or the deadline.
Status drain(ssh_channel ch, CommandResult &r, Clock::time_point deadline, bool until_eof) {
  char buf[32768];
  for (;;) {
    bool got = false;
    for (int is_err = 0; is_err < 2; ++is_err) {
      int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, is_err);
      if (n == SSH_ERROR) return fail(Errc::unreachable, "ssh channel read failed");
      if (n > 0) {
        (is_err ? r.err : r.out).append(buf, static_cast<size_t>(n));
        got = true;
      }
    }
    if (!until_eof) return ok();
    if (ssh_channel_is_eof(ch) && !got) return ok();
    if (Clock::now() >= deadline) return fail(Errc::timeout, "timed out");
    if (!got) ssh_channel_poll_timeout(ch, 50, 0);
  }
}
} // namespace

Result<std::unique_ptr<LibsshRunner>> LibsshRunner::connect(const SshConfig &cfg) {
  // libssh is loaded on first use (provision/ssh/libssh_api.hpp); ssh_init runs there, once.
  SC_TRY(libssh::load());
  std::unique_ptr<LibsshRunner> r(new LibsshRunner());
  r->m = std::make_unique<Impl>();
  r->m_cfg = cfg;
  auto target = r->target();
  ssh_session s = ssh_new();
  if (!s) return fail(Errc::generic, "ssh_new failed");
  r->m->session = s;
  unsigned int port = static_cast<unsigned int>(cfg.port);
  long timeout = std::max<long>(1, static_cast<long>((cfg.connect_timeout.count() + 999) / 1000));
  int no = 0;
  ssh_options_set(s, SSH_OPTIONS_HOST, cfg.host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_USER, cfg.user.c_str());
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  if (cfg.compression) ssh_options_set(s, SSH_OPTIONS_COMPRESSION, "yes");
  if (ssh_connect(s) != SSH_OK) {
    std::string e = ssh_get_error(s);
    Errc code = e.find("imeout") != std::string::npos ? Errc::timeout : Errc::unreachable;
    for (auto &c : e)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return fail(code, fmt::format("ssh {}: {}", target, e));
  }
  ssh_key srv = nullptr;
  if (ssh_get_server_publickey(s, &srv) != SSH_OK)
    return fail(Errc::unreachable, fmt::format("ssh {}: no host key", target));
  char *b64 = nullptr;
  ssh_pki_export_pubkey_base64(srv, &b64);
  std::string line = fmt::format("[{}]:{} {} {}\n", cfg.host, cfg.port,
                                 ssh_key_type_to_char(ssh_key_type(srv)), b64 ? b64 : "");
  std::string fp = fingerprint(srv);
  ssh_string_free_char(b64);
  ssh_key_free(srv);
  if (!cfg.known_hosts.empty()) {
    auto pinned = read_file(cfg.known_hosts);
    if (pinned && !pinned->empty()) {
      if (*pinned != line)
        return fail(Errc::host_key_changed,
                    fmt::format("ssh {}: host key changed (now {}); if the host was re-created on "
                                "purpose, delete {} and retry",
                                target, fp, cfg.known_hosts.string()));
    } else {
      SC_TRY(atomic_write(cfg.known_hosts, line, 0600));
    }
  }
  ssh_key priv = nullptr;
  if (ssh_pki_import_privkey_file(cfg.key_path.c_str(), nullptr, nullptr, nullptr, &priv) != SSH_OK)
    return fail(Errc::auth,
                fmt::format("ssh {}: cannot read private key {}", target, cfg.key_path.string()));
  int rc = ssh_userauth_publickey(s, nullptr, priv);
  ssh_key_free(priv);
  if (rc != SSH_AUTH_SUCCESS)
    return fail(Errc::auth, fmt::format("ssh {}: public key authentication failed", target));
  if (cfg.debug) cfg.debug(fmt::format("ssh {}: connected ({})", target, fp));
  return r;
}

LibsshRunner::~LibsshRunner() = default;

std::string LibsshRunner::target() const {
  return fmt::format("{}@{}:{}", m_cfg.user, m_cfg.host, m_cfg.port);
}

Result<CommandResult> LibsshRunner::run(const std::string &cmd, const RunOptions &opts) {
  ++m_round_trips;
  auto start = Clock::now();
  auto deadline = start + opts.timeout;
  Channel c;
  c.ch = ssh_channel_new(m->session);
  if (!c.ch || ssh_channel_open_session(c.ch) != SSH_OK ||
      ssh_channel_request_exec(c.ch, cmd.c_str()) != SSH_OK)
    return fail(Errc::unreachable, fmt::format("ssh {}: cannot run a command: {}", target(),
                                               ssh_get_error(m->session)));
  CommandResult r;
  StdinFeed in(opts); // streamed: a reader's input is never held whole
  for (;;) {
    auto chunk = in.pending();
    if (!chunk) return fail(chunk.error());
    if (chunk->empty()) break;
    int w = ssh_channel_write(c.ch, chunk->data(), static_cast<uint32_t>(chunk->size()));
    if (w == SSH_ERROR) break; // the command exited without reading all of its input
    in.sent(static_cast<size_t>(w));
    SC_TRY(drain(c.ch, r, deadline, false));
    if (Clock::now() >= deadline) break;
  }
  ssh_channel_send_eof(c.ch);
  auto d = drain(c.ch, r, deadline, true);
  if (!d) {
    if (m_cfg.debug)
      m_cfg.debug(fmt::format("ssh {}: TIMEOUT after {} s: {}", target(),
                              opts.timeout.count() / 1000.0, opts.secret ? "<secret>" : cmd));
    return fail(Errc::timeout, fmt::format("remote command timed out after {:.0f} s",
                                           opts.timeout.count() / 1000.0));
  }
  r.exit_code = ssh_channel_get_exit_status(c.ch);
  if (m_cfg.debug) {
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::string shown = opts.secret ? std::string("<command hidden: it carries a secret>") : cmd;
    if (shown.size() > 2000) shown = shown.substr(0, 2000) + "...";
    m_cfg.debug(fmt::format("ssh {}: exit {} in {:.3f}s: {}", target(), r.exit_code, secs, shown));
  }
  return r;
}

Status LibsshRunner::put_file(const std::string &path, std::string_view bytes, unsigned mode) {
  auto dir = fs::path(path).parent_path().string();
  std::string cmd = fmt::format("umask 077 && mkdir -p {0} && t=$(mktemp {1}.XXXXXX) && cat > "
                                "\"$t\" && chmod {2:o} \"$t\" && mv -f \"$t\" {1}",
                                shell_quote(dir.empty() ? "/" : dir), shell_quote(path), mode);
  RunOptions o;
  o.stdin_data = std::string(bytes);
  auto r = run_ok(*this, "write " + path, cmd, o);
  if (!r) return fail(r.error());
  return ok();
}

namespace {
struct RawTty {
  termios saved{};
  bool active = false;
  void enable() {
    if (!isatty(0) || tcgetattr(0, &saved) != 0) return;
    termios raw = saved;
    cfmakeraw(&raw);
    tcsetattr(0, TCSADRAIN, &raw);
    active = true;
  }
  ~RawTty() {
    if (active) tcsetattr(0, TCSADRAIN, &saved);
  }
};

// Our stdout/stderr: a reader gone away (`swarmctl ssh h cmd | head -1`) ends swarmctl.
void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) exit_if_broken_pipe(errno);
    if (w <= 0) return;
    p += w;
    n -= static_cast<size_t>(w);
  }
}
} // namespace

Result<int> LibsshRunner::interactive(const std::string &command, PtyMode pty) {
  ++m_round_trips;
  Channel c;
  c.ch = ssh_channel_new(m->session);
  if (!c.ch || ssh_channel_open_session(c.ch) != SSH_OK)
    return fail(Errc::unreachable, "ssh: cannot open a channel");
  bool tty = isatty(0) && isatty(1);
  bool want_pty = pty == PtyMode::Always || (pty == PtyMode::Auto && (command.empty() || tty));
  if (want_pty) {
    winsize ws{};
    if (ioctl(1, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) {
      ws.ws_col = 80;
      ws.ws_row = 24;
    }
    const char *term = getenv("TERM");
    ssh_channel_request_pty_size(c.ch, term ? term : "xterm", ws.ws_col, ws.ws_row);
  }
  int rc = command.empty() ? ssh_channel_request_shell(c.ch)
                           : ssh_channel_request_exec(c.ch, command.c_str());
  if (rc != SSH_OK)
    return fail(Errc::unreachable, fmt::format("ssh: {}", ssh_get_error(m->session)));
  RawTty raw;
  if (tty && want_pty) raw.enable();
  bool stdin_open = true;
  char buf[32768];
  for (;;) {
    bool got = false;
    for (int is_err = 0; is_err < 2; ++is_err) {
      int n = ssh_channel_read_nonblocking(c.ch, buf, sizeof buf, is_err);
      if (n > 0) {
        write_all(is_err ? 2 : 1, buf, static_cast<size_t>(n));
        got = true;
      }
    }
    if (ssh_channel_is_eof(c.ch) && !got) break;
    if (stdin_open) {
      pollfd p{0, POLLIN, 0};
      if (poll(&p, 1, got ? 0 : 20) > 0) {
        ssize_t n = ::read(0, buf, sizeof buf);
        if (n > 0)
          ssh_channel_write(c.ch, buf, static_cast<uint32_t>(n));
        else {
          stdin_open = false;
          ssh_channel_send_eof(c.ch);
        }
      }
    } else if (!got) {
      ssh_channel_poll_timeout(c.ch, 20, 0);
    }
  }
  int code = ssh_channel_get_exit_status(c.ch);
  return code < 0 ? 255 : code;
}

Status LibsshRunner::copy_to(const fs::path &local, const std::string &remote, bool recursive) {
  std::error_code ec;
  if (fs::is_directory(local, ec)) {
    if (!recursive)
      return fail(Errc::usage, fmt::format("{} is a directory (use -r)", local.string()));
    auto tar =
        run_process({"tar", "-C", local.parent_path().empty() ? "." : local.parent_path().string(),
                     "-cf", "-", local.filename().string()});
    if (!tar || tar->exit_code != 0) return fail(Errc::io, "tar of " + local.string() + " failed");
    RunOptions o;
    o.stdin_data = tar->out;
    auto r = run_ok(*this, "copy to " + remote,
                    fmt::format("mkdir -p {0} && tar -xf - -C {0}", shell_quote(remote)), o);
    return r ? ok() : Status(fail(r.error()));
  }
  auto file = FileStream::open(local);
  if (!file) return fail(file.error());
  auto st = fs::status(local, ec);
  unsigned mode = static_cast<unsigned>(st.permissions()) & 0777;
  std::string name = local.filename().string();
  RunOptions o;
  o.stdin_reader = [&file](char *buf, size_t cap) { return file->read(buf, cap); };
  o.stdin_size = file->size();
  auto cmd = fmt::format(
      "d={0}; if [ -d \"$d\" ]; then d=\"$d\"/{1}; fi; cat > \"$d\" && chmod {2:o} \"$d\"",
      shell_quote(remote), shell_quote(name), mode);
  auto r = run_ok(*this, "copy to " + remote, cmd, o);
  return r ? ok() : Status(fail(r.error()));
}

Status LibsshRunner::copy_from(const std::string &remote, const fs::path &local, bool recursive) {
  auto kind = run(fmt::format(
      "if [ -d {0} ]; then echo dir; elif [ -e {0} ]; then stat -c %a {0}; else echo missing; fi",
      shell_quote(remote)));
  if (!kind) return fail(kind.error());
  std::string k = kind->out.substr(0, kind->out.find('\n'));
  if (k == "missing")
    return fail(Errc::not_found, fmt::format("{}: no such file or directory", remote));
  std::error_code ec;
  Result<unsigned> mode = 0u;
  if (k != "dir") {
    mode_t mask = ::umask(0); // read it (umask has no getter); set back at once
    ::umask(mask);
    mode = copied_file_mode(k, mask);
    if (!mode) return fail(mode.error().context("copy from " + remote));
  }
  if (k == "dir") {
    if (!recursive) return fail(Errc::usage, fmt::format("{} is a directory (use -r)", remote));
    auto rp = fs::path(remote);
    auto r =
        run_ok(*this, "copy from " + remote,
               fmt::format("tar -C {} -cf - {}",
                           shell_quote(rp.parent_path().empty() ? "." : rp.parent_path().string()),
                           shell_quote(rp.filename().string())));
    if (!r) return fail(r.error());
    SC_TRY(ensure_dir(local, 0755));
    ProcessOptions po;
    po.stdin_data = r->out;
    // As root, tar would keep the archive's owners and modes (setuid included): not from a host.
    auto t = run_checked(
        {"tar", "--no-same-owner", "--no-same-permissions", "-xf", "-", "-C", local.string()}, po);
    return t ? ok() : Status(fail(t.error()));
  }
  auto r = run_ok(*this, "copy from " + remote, "cat " + shell_quote(remote));
  if (!r) return fail(r.error());
  fs::path dst = fs::is_directory(local, ec) ? local / fs::path(remote).filename() : local;
  return atomic_write(dst, r->out, *mode);
}

Result<unsigned> copied_file_mode(std::string_view reply, unsigned umask) {
  unsigned mode = 0;
  auto [end, ec] = std::from_chars(reply.data(), reply.data() + reply.size(), mode, 8);
  if (reply.empty() || reply.size() > 6 || ec != std::errc() ||
      end != reply.data() + reply.size()) {
    std::string shown;
    for (char c : reply.substr(0, 40))
      shown += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return fail(Errc::parse, fmt::format("unexpected reply to `stat` from the host: '{}'", shown));
  }
  return mode & 0777 & ~umask;
}

Status wait_for_ssh(const SshConfig &cfg, std::chrono::milliseconds timeout,
                    std::unique_ptr<LibsshRunner> *out) {
  // A missing libssh does not appear by waiting: one line at once, not after the timeout.
  SC_TRY(libssh::load());
  Error final_error;
  bool final = false;
  auto st = poll_until(
      fmt::format("waiting for SSH on {}:{}", cfg.host, cfg.port), timeout,
      [&]() -> Status {
        if (final) return ok();
        SshConfig c = cfg;
        c.connect_timeout = std::min(cfg.connect_timeout, std::chrono::milliseconds(5000));
        auto t0 = std::chrono::steady_clock::now();
        auto r = LibsshRunner::connect(c);
        if (r) {
          *out = std::move(*r);
          return ok();
        }
        if (r.error().code == Errc::auth || r.error().code == Errc::host_key_changed) {
          final = true;
          final_error = r.error();
          return ok();
        }
        if (cfg.debug) // retried
          cfg.debug(fmt::format(
              "ssh {}@{}:{}: not yet ({:.3f}s): {}", cfg.user, cfg.host, cfg.port,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
              r.error().message));
        return fail(r.error());
      },
      std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
  if (final) return fail(final_error);
  return st;
}

} // namespace sc
