#include <unistd.h>

#include <cmd/commands.hpp>
#include <cmd/help.hpp>
#include <cmd/ssh_args.hpp>
#include <fmt/format.h>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/fs.hpp>

namespace sc {

namespace {
struct ScpArg {
  std::string machine; // "" = local
  std::string path;
};

ScpArg parse_scp_arg(const std::string &a) {
  auto colon = a.find(':');
  if (colon == std::string::npos || a.find('/') < colon) return {"", a};
  std::string machine = a.substr(0, colon);
  if (auto at = machine.find('@'); at != std::string::npos) machine = machine.substr(at + 1);
  if (machine == "localhost") return {"", a.substr(colon + 1)};
  return {machine, a.substr(colon + 1)};
}

Result<std::unique_ptr<LibsshRunner>> running_runner(Services &s, const std::string &name,
                                                     bool compression = false) {
  auto m = load_machine(s, name);
  if (!m) return fail(m.error());
  auto st = m->driver->state();
  if (st && *st != State::Running)
    return fail(Errc::generic,
                fmt::format("Error: Cannot run SSH command: Host \"{}\" is not running", name));
  return connect_machine(s, *m, std::chrono::seconds(20), compression);
}
} // namespace

namespace {
void add_ssh_command(CLI::App &app, Services &s, int &rc) {
  auto *c = app.add_subcommand("ssh", "Log into or run a command on a machine with SSH.");
  c->footer("Arguments are [machine-name] [ssh options] [--] [command]. ssh options: -C "
            "(compression), -t/-T (force/disable a terminal), -q, and -o for host-key and "
            "timeout settings. Exits with the remote command's status.");
  c->callback([&s, &rc] {
    auto inv = parse_ssh_args(s.passthrough);
    if (!inv) {
      rc = report(s, inv.error());
      return;
    }
    auto name = name_or_default(s, inv->name.empty() ? std::vector<std::string>{}
                                                     : std::vector<std::string>{inv->name});
    if (!name) {
      rc = report(s, name.error());
      return;
    }
    auto r = running_runner(s, *name, inv->compression);
    if (!r) {
      rc = report(s, r.error());
      return;
    }
    std::string cmd;
    for (const auto &a : inv->command)
      cmd += (cmd.empty() ? "" : " ") + a;
    PtyMode pty = inv->tty == SshInvocation::Tty::Force   ? PtyMode::Always
                  : inv->tty == SshInvocation::Tty::Never ? PtyMode::Never
                                                          : PtyMode::Auto;
    auto code = (*r)->interactive(cmd, pty);
    if (!code) {
      rc = report(s, code.error());
      return;
    }
    rc = *code;
  });
}

void add_scp(CLI::App &app, Services &s, int &rc) {
  auto args = std::make_shared<std::vector<std::string>>();
  auto recursive = std::make_shared<bool>(false);
  auto quiet = std::make_shared<bool>(false);
  auto delta = std::make_shared<bool>(false);
  auto *c = app.add_subcommand("scp", "Copy files between machines");
  c->footer("Arguments are [[user@]machine:][path] [[user@]machine:][path].");
  c->add_option("paths", *args, "Source and destination");
  c->add_flag("-r,--recursive", *recursive,
              "Copy files recursively (required to copy directories)");
  c->add_flag("-q,--quiet", *quiet, "Disables the progress meter");
  c->add_flag("-d,--delta", *delta, "Accepted for compatibility (copies whole files)");
  c->callback([=, &app, &s, &rc] {
    if (args->size() != 2) {
      (void)print_help(app, s, {"scp"}, "");
      rc = report(s, Error{Errc::usage, "Improper number of arguments"});
      return;
    }
    auto src = parse_scp_arg((*args)[0]);
    auto dst = parse_scp_arg((*args)[1]);
    Status st = ok();
    if (src.machine.empty() && dst.machine.empty()) {
      st = fail(Errc::usage, "Error: at least one of the paths must name a machine (machine:path)");
    } else if (src.machine.empty()) {
      auto r = running_runner(s, dst.machine);
      st = r ? (*r)->copy_to(src.path, dst.path, *recursive) : Status(fail(r.error()));
    } else if (dst.machine.empty()) {
      auto r = running_runner(s, src.machine);
      st = r ? (*r)->copy_from(src.path, dst.path, *recursive) : Status(fail(r.error()));
    } else {
      // Machine to machine goes through this host, like scp -3.
      char tmpl[] = "/tmp/swarmctl-scp-XXXXXX";
      char *tmp = mkdtemp(tmpl);
      if (!tmp) {
        rc = report(s, Error{Errc::io, "cannot create a temporary directory"});
        return;
      }
      fs::path local = fs::path(tmp) / fs::path(src.path).filename();
      auto a = running_runner(s, src.machine);
      auto b = running_runner(s, dst.machine);
      if (!a)
        st = fail(a.error());
      else if (!b)
        st = fail(b.error());
      else {
        st = (*a)->copy_from(src.path, local, *recursive);
        if (st) st = (*b)->copy_to(local, dst.path, *recursive);
      }
      (void)remove_tree(tmp);
    }
    rc = report_status(s, st);
  });
}

} // namespace

void add_ssh(CLI::App &app, Services &s, int &rc) {
  add_ssh_command(app, s, rc);
  add_scp(app, s, rc);
}

} // namespace sc
