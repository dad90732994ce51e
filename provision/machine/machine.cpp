#include <drivers/registry.hpp>
#include <fmt/format.h>
#include <provision/machine/connection.hpp>
#include <provision/machine/machine.hpp>

namespace sc {

DriverContext driver_context(const Services &s, const HostRecord &rec) {
  DriverContext ctx;
  ctx.machine_name = rec.name;
  ctx.store_path = s.store->root();
  ctx.machine_dir = s.store->machine_dir(rec.name);
  ctx.ui = const_cast<Ui *>(&s.ui);
  ctx.role.engine_port = rec.engine.port;
  ctx.role.swarm_master = rec.swarm.master && !rec.swarm.mode;
  ctx.role.swarm_agent = rec.swarm.agent && !rec.swarm.mode;
  ctx.role.swarm_mode = rec.swarm.mode;
  ctx.role.swarm_port = swarm_port(rec);
  ctx.role.kv_port = rec.kv.kind == KvKind::None ? 0 : rec.kv.port;
  return ctx;
}

Result<Machine> load_machine(Services &s, const std::string &name) {
  auto rec = s.store->load(name);
  if (!rec) return fail(rec.error());
  Machine m;
  m.rec = std::move(*rec);
  m.driver = make_driver(m.rec.driver_name);
  if (!m.driver)
    return fail(Errc::not_found,
                fmt::format("machine \"{}\" uses unknown driver \"{}\"", name, m.rec.driver_name));
  SC_TRY_CTX(m.driver->from_json(m.rec.driver), name);
  m.driver->bind(driver_context(s, m.rec));
  return m;
}

Status save_machine(Services &s, Machine &m) {
  m.rec.driver = m.driver->to_json();
  return s.store->save(m.rec);
}

CreateProgress create_progress(const Services &s, const HostRecord &rec) {
  CreateProgress cp;
  if (rec.status != MachineStatus::Creating && rec.status != MachineStatus::Provisioning) return cp;
  cp.unfinished = true;
  cp.live = s.store->creating(rec.name);
  if (cp.live) return cp;
  if (rec.status == MachineStatus::Creating)
    cp.error = fmt::format("its create was interrupted before the host was ready: remove it with "
                           "`{} rm -f {}`",
                           s.program, rec.name);
  else
    cp.error = fmt::format("its create was interrupted while provisioning: `{} provision {}` "
                           "finishes it, `{} rm -f {}` removes it",
                           s.program, rec.name, s.program, rec.name);
  return cp;
}

Result<std::string> name_or_default(Services &s, const std::vector<std::string> &names) {
  if (names.size() > 1) return fail(Errc::usage, "Error: Expected one machine name as an argument");
  if (!names.empty()) return names[0];
  if (s.store->exists("default")) return std::string("default");
  return fail(Errc::usage, "Error: No machine name(s) specified and no \"default\" machine exists");
}

Result<std::vector<std::string>> names_or_default(Services &s,
                                                  const std::vector<std::string> &names) {
  if (!names.empty()) return names;
  if (s.store->exists("default")) return std::vector<std::string>{"default"};
  return fail(Errc::usage, "Error: No machine name(s) specified and no \"default\" machine exists");
}

} // namespace sc
