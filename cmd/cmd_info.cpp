#include <cmd/commands.hpp>
#include <cmd/format/gotemplate.hpp>
#include <cmd/help.hpp>
#include <cmd/version.hpp>
#include <fmt/format.h>
#include <future>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/net.hpp>
#include <provision/util/ports.hpp>

namespace sc {

namespace {
using Names = std::shared_ptr<std::vector<std::string>>;

// docker-machine's GetURL fails with "Host is not running" on a stopped machine; drivers that
// cannot tell (none, generic: an unreachable engine) are taken as running.
Status require_running(Machine &m) {
  if (m.driver->driver_name() == "none" || m.driver->driver_name() == "generic") return ok();
  auto st = m.driver->state();
  if (st && *st != State::Running) return fail(Errc::generic, "Host is not running");
  return ok();
}

Status print_inspect(Services &s, Machine &m, const std::string &format) {
  auto j = to_json(m.rec);
  if (format.empty()) {
    s.ui.raw_out(j.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return ok();
  }
  auto out = render_go_template(format, j);
  if (!out) return fail(out.error());
  s.ui.raw_out(*out + "\n");
  return ok();
}
} // namespace

namespace {
void add_inspect(CLI::App &app, Services &s, int &rc) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>();
  auto *c =
      add_machine_command(app, "inspect", "Inspect information about a machine", *names, false);
  c->add_option("-f,--format", *format, "Format the output using the given go template.");
  c->callback([=, &app, &s, &rc] {
    if (names->size() > 1) (void)print_help(app, s, {"inspect"}, "");
    one_machine(s, rc, *names, [&](Machine &m) { return print_inspect(s, m, *format); });
  });
}

void add_ip(CLI::App &app, Services &s, int &rc) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto *c = add_machine_command(app, "ip", "Get the IP address of a machine", *names, true);
  c->callback([=, &s, &rc] {
    auto list = names_or_default(s, *names);
    if (!list) {
      rc = report(s, list.error());
      return;
    }
    std::vector<std::future<Result<std::string>>> fs;
    for (const auto &n : *list)
      fs.push_back(std::async(std::launch::async, [&s, n]() -> Result<std::string> {
        auto m = load_machine(s, n);
        if (!m) return fail(m.error());
        return m->driver->ip();
      }));
    rc = 0;
    for (auto &f : fs) {
      auto ip = f.get();
      if (ip)
        s.ui.raw_out(*ip + "\n");
      else
        rc = report(s, ip.error());
    }
  });
}

void add_url(CLI::App &app, Services &s, int &rc) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto *c = add_machine_command(app, "url", "Get the URL of a machine", *names, false);
  c->callback([=, &s, &rc] {
    one_machine(s, rc, *names, [&](Machine &m) -> Status {
      SC_TRY(require_running(m));
      auto u = m.driver->url();
      if (!u) return fail(u.error());
      s.ui.raw_out(*u + "\n");
      return ok();
    });
  });
}

void add_status(CLI::App &app, Services &s, int &rc) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto *c = add_machine_command(app, "status", "Get the status of a machine", *names, false);
  c->callback([=, &s, &rc] {
    one_machine(s, rc, *names, [&](Machine &m) -> Status {
      auto st = m.driver->state();
      if (!st) return fail(st.error());
      s.ui.raw_out(std::string(state_name(*st)) + "\n");
      return ok();
    });
  });
}

void add_version(CLI::App &app, Services &s, int &rc) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto *c =
      app.add_subcommand("version", "Show the Docker Machine version or a machine docker version");
  c->footer("Without an argument: this program's version, git commit and libraries. With a "
            "machine name: the version of that machine's Docker engine.");
  c->add_option("name", *names, "Machine name");
  c->callback([=, &s, &rc] {
    if (names->empty()) {
      s.ui.raw_out(version_report(s.program));
      rc = 0;
      return;
    }
    one_machine(s, rc, *names, [&](Machine &m) -> Status {
      SC_TRY(require_running(m));
      auto u = m.driver->url();
      if (!u) return fail(u.error());
      auto hp = parse_host_port(*u, k_engine_port);
      if (!hp) return fail(hp.error());
      auto v = docker_version(hp->host, hp->port, client_tls(s, m), std::chrono::seconds(20));
      if (!v) return fail(v.error());
      s.ui.raw_out(*v + "\n");
      return ok();
    });
  });
}

} // namespace

void add_info(CLI::App &app, Services &s, int &rc) {
  add_inspect(app, s, rc);
  add_ip(app, s, rc);
  add_url(app, s, rc);
  add_status(app, s, rc);
  add_version(app, s, rc);
}

} // namespace sc
