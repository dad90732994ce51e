#include <fmt/format.h>
#include <provision/machine/remove_flow.hpp>

namespace sc {

Status remove_machine(Services &s, const std::string &name, bool force, std::string *warning) {
  // Removing it under a running create would leave what that create makes next behind.
  if (s.store->creating(name))
    return fail(
        Errc::generic,
        fmt::format("it is being created by another {} process: stop that one first", s.program));
  auto m = load_machine(s, name);
  if (!m) {
    if (!force || !s.store->exists(name)) return fail(m.error());
    if (warning) *warning = m.error().message;
  } else if (auto st = m->driver->remove(); !st) {
    if (!force) return fail(st.error());
    if (warning) *warning = st.error().message;
  }
  return s.store->remove(name);
}

} // namespace sc
