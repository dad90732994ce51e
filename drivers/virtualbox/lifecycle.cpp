// Power state of a VirtualBox VM: state, start (host-only network, fixed address, SSH port
// forward), stop (ACPI, then power off after a deadline), kill, restart. Every VMState value of
// VirtualBox 6.1 and 7.x is handled (parse.hpp vm_state): transient ones are waited out.
#include <drivers/virtualbox/parse.hpp>
#include <drivers/virtualbox/vbox.hpp>
#include <fmt/format.h>
#include <provision/util/fs.hpp>
#include <provision/util/poll.hpp>

namespace sc::vbox {
namespace {

std::string last_line(const fs::path &p) {
  auto t = read_file(p);
  if (!t) return "";
  std::string s = *t;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

} // namespace

Result<State> VBoxDriver::state() {
  auto kv = info();
  if (!kv) return fail(kv.error());
  return vm_state((*kv)["VMState"]);
}

Result<std::string> VBoxDriver::settled_vmstate() {
  std::string vmstate;
  Status hard = ok(); // no VM, not ours: asking again will not help
  auto st = poll_until(
      fmt::format("VirtualBox VM {} to leave a transient state", m_name), m_deps.stop_timeout,
      [&]() -> Status {
        auto kv = info();
        if (!kv) {
          hard = fail(kv.error());
          return ok();
        }
        vmstate = (*kv)["VMState"];
        if (vm_state_transient(vmstate))
          return fail(Errc::generic, fmt::format("VMState is {}", vmstate));
        return ok();
      },
      m_deps.poll_first, std::chrono::seconds(1));
  if (!hard) return fail(hard.error());
  if (!st) return fail(st.error());
  return vmstate;
}

// startvm; `cold`: the VM is powered off, so its host-only network, fixed address and SSH port
// forward are set up first (a saved VM cannot be modified: it resumes with what it was saved with).
Status VBoxDriver::boot(bool cold) {
  if (cold) {
    if (m_ui) m_ui->info("Check network to re-create if needed...");
    SC_TRY(setup_network());
    SC_TRY(port_forward());
  }
  auto st = vbm(v(), {"startvm", m_name, "--type", m_ui_type});
  if (!st) {
    auto details = last_line(m_dir / m_name / "Logs" / "VBox.log");
    return fail(Errc::generic, fmt::format("Unable to start the VM: {}{}", st.error().message,
                                           details.empty() ? "" : " Details: " + details));
  }
  if (!m_no_vtx) SC_TRY(check_vbox_log());
  return wait_ssh();
}

Status VBoxDriver::start() {
  auto vmstate = settled_vmstate();
  if (!vmstate) return fail(vmstate.error());
  State s = vm_state(*vmstate);
  if (s == State::Running) return ok();
  if (s == State::Paused) {
    SC_TRY(vbm(v(), {"controlvm", m_name, "resume"}));
    return wait_ssh();
  }
  if (*vmstate == "aborted-saved") {
    // VirtualBox 7: the VM process died while restoring its saved state. Restoring it again may
    // fail the same way; the guest boots afresh instead (its disk is intact).
    if (m_ui)
      m_ui->info(fmt::format("{} has an aborted saved state: discarding it and booting afresh...",
                             m_name));
    SC_TRY(vbm(v(), {"discardstate", m_name}));
    return boot(true);
  }
  if (s == State::Stopped || s == State::Saved) return boot(s == State::Stopped);
  if (s == State::Error)
    return fail(Errc::generic,
                fmt::format("the VirtualBox VM {} is in guru meditation (stopped by a fatal guest "
                            "error): `swarmctl kill {}` powers it off, then start it again",
                            m_name, m_name));
  return fail(Errc::generic, fmt::format("VM not in restartable state (VMState {})", *vmstate));
}

Status VBoxDriver::stop() {
  auto s = state();
  if (!s) return fail(s.error());
  if (*s == State::Stopped || *s == State::Saved) return ok();                // nothing runs
  if (*s == State::Error) return vbm(v(), {"controlvm", m_name, "poweroff"}); // ACPI is dead
  if (*s == State::Paused) SC_TRY(vbm(v(), {"controlvm", m_name, "resume"}));
  SC_TRY(vbm(v(), {"controlvm", m_name, "acpipowerbutton"}));
  auto st = poll_until(
      "ACPI shutdown", m_deps.stop_timeout,
      [&]() -> Status {
        auto now = state();
        if (!now) return fail(now.error());
        if (*now == State::Running || *now == State::Stopping || *now == State::Paused)
          return fail(Errc::generic, "still running");
        return ok();
      },
      m_deps.poll_first, std::chrono::seconds(1));
  if (st) return ok();
  if (st.error().code != Errc::timeout) return st;
  if (m_ui)
    m_ui->warn(
        fmt::format("{} did not shut down within {} s of the ACPI power button: powering it off",
                    m_name, m_deps.stop_timeout.count() / 1000));
  return vbm(v(), {"controlvm", m_name, "poweroff"});
}

Status VBoxDriver::kill() {
  auto s = state();
  if (!s) return fail(s.error());
  if (*s == State::Stopped || *s == State::Saved) return ok();
  return vbm(v(), {"controlvm", m_name, "poweroff"});
}

Status VBoxDriver::restart() {
  SC_TRY(stop());
  return start();
}

} // namespace sc::vbox
