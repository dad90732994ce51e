#include <cmd/cmd_context.hpp>
#include <cmd/commands.hpp>
#include <cmd/help.hpp>
#include <fmt/format.h>
#include <future>
#include <iostream>
#include <provision/machine/cluster_role.hpp>
#include <provision/machine/engine_bridge.hpp>
#include <provision/machine/provision_flow.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>

namespace sc {

namespace {

Status wait_state(Machine &m, State want, std::chrono::milliseconds timeout) {
  return poll_until(fmt::format("waiting for {} to be {}", m.rec.name, state_name(want)), timeout,
                    [&]() -> Status {
                      auto st = m.driver->state();
                      if (!st) return fail(st.error());
                      if (*st != want)
                        return fail(Errc::generic, fmt::format("state is {}", state_name(*st)));
                      return ok();
                    });
}

// A driver that assumes the guest's address (VirtualBox's fixed lease): ask the guest which address
// it has in that network; a different one is recorded (and the certificate follows below).
Status check_guest_ip(Services &s, Machine &m) {
  auto net = m.driver->network().assumed_ip_network;
  if (net.empty()) return ok();
  // Best effort: a guest that cannot be asked keeps its recorded address (the engine check below
  // still reports an unreachable machine).
  auto r = connect_machine(s, m, std::chrono::seconds(90));
  if (!r) {
    s.ui.warn(
        fmt::format("{}: could not check the guest's address: {}", m.rec.name, r.error().message));
    return ok();
  }
  auto assumed = m.driver->ip();
  // The guest's own NICs only (not docker0, bridges, veths of its containers), polled for a while:
  // the host-only NIC may still be waiting for DHCP right after SSH answers.
  std::string found, failure;
  bool same = false;
  (void)poll_until(
      "guest address", std::chrono::seconds(20),
      [&]() -> Status {
        auto addrs = read_ipv4_addrs(**r);
        if (!addrs) {
          failure = addrs.error().message;
          return ok(); // a guest without `ip`: asking again will not help
        }
        for (const auto &[iface, addr] : *addrs) {
          if (iface == "docker0" || iface.rfind("br-", 0) == 0 || iface.rfind("veth", 0) == 0 ||
              !ipv4_in_network(addr, net))
            continue;
          if (assumed && addr == *assumed) same = true;
          if (found.empty()) found = addr;
        }
        if (found.empty()) return fail(Errc::not_found, "no address in " + net + " yet");
        return ok();
      },
      std::chrono::milliseconds(250), std::chrono::milliseconds(2000));
  if (same) return ok();
  if (!failure.empty()) {
    s.ui.warn(fmt::format("{}: could not check the guest's address: {}", m.rec.name, failure));
    return ok();
  }
  if (found.empty()) {
    s.ui.warn(fmt::format("{}: the guest has no address in {} yet", m.rec.name, net));
    return ok();
  }
  s.ui.info(fmt::format("{} has {} in {}, not {}: recording it", m.rec.name, found, net,
                        assumed ? *assumed : std::string("-")));
  SC_TRY(m.driver->adopt_ip(found));
  return save_machine(s, m);
}

// After a start/restart: new IP -> new server cert; then the engine must answer over TLS.
Status after_boot(Services &s, Machine &m) {
  if (!m.driver->provisionable() || m.rec.status != MachineStatus::Provisioned) return ok();
  SC_TRY(check_guest_ip(s, m));
  SC_TRY(refresh_certs_if_ip_changed(s, m));
  return wait_for_engine(s, m, std::chrono::seconds(90));
}

using Action = std::function<Status(Services &, Machine &)>;

// docker-machine's runAction: all named machines loaded first, then the action runs for every
// machine concurrently; errors are joined, every machine saved.
int run_action(Services &s, const std::vector<std::string> &given, const Action &act) {
  auto names = names_or_default(s, given);
  if (!names) return report(s, names.error());
  std::vector<Machine> ms;
  std::string load_errors;
  for (const auto &n : *names) {
    auto m = load_machine(s, n);
    if (m && s.store->creating(n))
      m = fail(Errc::generic,
               fmt::format("machine \"{}\" is being created by another {} process", n, s.program));
    if (!m)
      load_errors += (load_errors.empty() ? "" : "\n") + m.error().message;
    else
      ms.push_back(std::move(*m));
  }
  if (!load_errors.empty()) return report(s, Error{Errc::not_found, load_errors});
  std::vector<std::future<Status>> fs;
  for (auto &m : ms)
    fs.push_back(std::async(std::launch::async, [&s, &m, &act] { return act(s, m); }));
  Error joined{Errc::generic, ""};
  bool failed = false;
  for (size_t i = 0; i < fs.size(); ++i) {
    auto st = fs[i].get();
    if (!st) {
      failed = true;
      if (!joined.message.empty()) joined.message += "\n";
      joined.message += ms.size() > 1 ? fmt::format("{}: {}", ms[i].rec.name, st.error().message)
                                      : st.error().message;
      if (ms.size() == 1) joined.code = st.error().code;
    }
    (void)save_machine(s, ms[i]);
  }
  return failed ? report(s, joined) : 0;
}

// A power action as docker-machine reports it: "Starting \"NAME\"...", the driver's call, the wait
// for the state it leads to, then "Machine \"NAME\" was started." (restart says nothing more).
struct Power {
  const char *doing;
  const char *done; // nullptr: no closing line
  State leads_to;
  std::chrono::minutes wait;
};

// A machine that comes up again is checked by after_boot (new address, certificate, engine).
Status power(Services &s, Machine &m, const Power &p, const std::function<Status()> &call) {
  s.ui.info(fmt::format("{} \"{}\"...", p.doing, m.rec.name));
  SC_TRY(call());
  SC_TRY(wait_state(m, p.leads_to, p.wait));
  if (p.leads_to == State::Running) SC_TRY(after_boot(s, m));
  if (p.done) s.ui.info(fmt::format("Machine \"{}\" was {}.", m.rec.name, p.done));
  return ok();
}

// docker-machine refuses to start a running machine and to stop a stopped one.
Status refuse_if(Machine &m, State state, const char *word) {
  auto st = m.driver->state();
  if (st && *st == state)
    return fail(Errc::generic, fmt::format("Machine \"{}\" is already {}.", m.rec.name, word));
  return ok();
}

Status do_start(Services &s, Machine &m) {
  SC_TRY(refuse_if(m, State::Running, "running"));
  return power(s, m, {"Starting", "started", State::Running, std::chrono::minutes(3)},
               [&] { return m.driver->start(); });
}

Status do_stop(Services &s, Machine &m) {
  SC_TRY(refuse_if(m, State::Stopped, "stopped"));
  return power(s, m, {"Stopping", "stopped", State::Stopped, std::chrono::minutes(3)},
               [&] { return m.driver->stop(); });
}

Status do_kill(Services &s, Machine &m) {
  return power(s, m, {"Killing", "killed", State::Stopped, std::chrono::minutes(1)},
               [&] { return m.driver->kill(); });
}

Status do_restart(Services &s, Machine &m) {
  auto st = m.driver->state();
  bool stopped = st && *st == State::Stopped;
  return power(s, m, {"Restarting", nullptr, State::Running, std::chrono::minutes(3)},
               [&] { return stopped ? m.driver->start() : m.driver->restart(); });
}

bool confirm(const std::string &question) {
  std::cout << question << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

// docker-machine's rm: each machine's driver removes it, then its directory goes. With `force`
// a failure is reported and the local record removed anyway, and rm succeeds.
// docker-machine's rm: each error is one line ("Error removing host ..."); -f removes the record
// all the same and exits 0. Two errors fail even with -f: a machine another process is creating
// (removing it would leave what that create makes next) and a record that could not be deleted
// (saying "Successfully removed" would be a lie).
int remove_machines(Services &s, const std::vector<std::string> &names, bool force) {
  std::string errors;
  bool hard = false;
  auto failed = [&](const std::string &msg) {
    if (force) s.ui.error(msg);
    errors += (errors.empty() ? "" : "\n") + msg;
  };
  for (const auto &n : names) {
    if (s.store->creating(n)) {
      hard = true;
      failed(fmt::format("Error removing host \"{}\": it is being created by another {} process: "
                         "stop that one first",
                         n, s.program));
      continue;
    }
    auto m = load_machine(s, n);
    Status remote = m ? m->driver->remove() : Status(fail(m.error()));
    if (!remote) failed(fmt::format("Error removing host \"{}\": {}", n, remote.error().message));
    if (!remote && !force) continue;
    if (!s.store->exists(n)) {
      failed(fmt::format("Can't remove \"{}\"", n));
      continue;
    }
    if (auto r = s.store->remove(n); !r) {
      hard = true;
      failed(fmt::format("Can't remove \"{}\": {}", n, r.error().message));
      continue;
    }
    remove_machine_contexts(s, n);
    s.ui.info("Successfully removed " + n);
  }
  if (errors.empty() || (force && !hard)) return 0;
  if (force) return 1; // already printed, line by line
  return report(s, Error{Errc::generic, errors});
}

void add_simple_actions(CLI::App &app, Services &s, int &rc) {
  struct Simple {
    const char *name;
    const char *help;
    Action act;
    const char *footer = ""; // after "Argument(s) are one or more machine names."
  };
  std::vector<Simple> simple = {
      {"start", "Start a machine", do_start},
      {"stop", "Stop a machine", do_stop},
      {"kill", "Kill a machine", do_kill},
      {"restart", "Restart a machine", do_restart},
      {"provision", "Re-provision existing machines",
       [](Services &s, Machine &m) -> Status {
         ProvisionOptions o;
         return provision_machine(s, m, o);
       },
       " Idempotent: resumes a create that failed."},
      {"upgrade", "Upgrade a machine to the latest version of Docker", upgrade_machine,
       " The Docker version pinned with create's --engine-version, if any, is kept."},
  };
  for (auto &sp : simple) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto *c = add_machine_command(app, sp.name, sp.help, *names, true, sp.footer);
    auto act = sp.act;
    bool is_restart = std::string(sp.name) == "restart";
    bool is_start = std::string(sp.name) == "start";
    c->callback([=, &s, &rc] {
      rc = run_action(s, *names, act);
      // (swarmctl also regenerates a certificate whose IP changed; the address in env does.)
      if (rc == 0 && (is_restart || is_start))
        s.ui.info(fmt::format("{} machines may have new IP addresses. You may need to re-run the "
                              "`{} env` command.",
                              is_restart ? "Restarted" : "Started", s.program));
    });
  }
}

void add_regenerate_certs(CLI::App &app, Services &s, int &rc) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  auto client = std::make_shared<bool>(false);
  auto *c = add_machine_command(app, "regenerate-certs",
                                "Regenerate TLS Certificates for a machine", *names, true);
  c->add_flag("-f,--force", *force, "Force rebuild and do not prompt");
  c->add_flag("--client-certs", *client,
              "Also regenerate the client certificate (signed by the same CA)");
  c->callback([=, &s, &rc] {
    if (!*force &&
        !confirm("Regenerate TLS machine certs?  Warning: this is irreversible. (y/n): ")) {
      rc = 0;
      return;
    }
    s.ui.info("Regenerating TLS certificates");
    if (*client) {
      std::error_code ec;
      fs::remove(s.store->certs_dir() / "cert.pem", ec);
      fs::remove(s.store->certs_dir() / "key.pem", ec);
    }
    rc = run_action(s, *names, [](Services &s, Machine &m) -> Status {
      ProvisionOptions o;
      o.certs_only = true;
      return provision_machine(s, m, o);
    });
  });
}

void add_rm(CLI::App &app, Services &s, int &rc) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  auto yes = std::make_shared<bool>(false);
  auto *c = add_machine_command(app, "rm", "Remove a machine", *names, true);
  c->add_flag("-f,--force", *force,
              "Remove local configuration even if machine cannot be removed, also implies an "
              "automatic yes (`-y`)");
  c->add_flag("-y", *yes,
              "Assumes automatic yes to proceed with remove, without prompting further user "
              "confirmation");
  c->callback([=, &app, &s, &rc] {
    if (names->empty()) {
      (void)print_help(app, s, {"rm"}, "");
      rc = report(
          s, Error{Errc::usage, "Error: Expected to get one or more machine names as arguments"});
      return;
    }
    std::string list;
    for (const auto &n : *names)
      list += (list.empty() ? "" : ", ") + n;
    s.ui.info("About to remove " + list);
    s.ui.info("WARNING: This action will delete both local reference and remote instance.");
    if (!*force && !*yes && !confirm("Are you sure? (y/n): ")) {
      rc = 0;
      return;
    }
    rc = remove_machines(s, *names, *force);
  });
}

} // namespace

void add_actions(CLI::App &app, Services &s, int &rc) {
  add_simple_actions(app, s, rc);
  add_regenerate_certs(app, s, rc);
  add_rm(app, s, rc);
}

} // namespace sc
