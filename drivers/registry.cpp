#include <drivers/amazonec2/driver.hpp>
#include <drivers/generic/generic.hpp>
#include <drivers/generic/none.hpp>
#include <drivers/local/driver.hpp>
#include <drivers/registry.hpp>
#include <drivers/virtualbox/driver.hpp>
#include <string>

namespace sc {
const std::vector<DriverInfo> &driver_table() {
  static const std::vector<DriverInfo> table = {
      {"amazonec2", [] { return make_amazonec2_driver(); }},
      {"generic", [] { return make_generic_driver(); }},
      {"local", [] { return make_local_driver(); }},
      {"none", [] { return make_none_driver(); }},
      {"virtualbox", [] { return make_virtualbox_driver(); }},
  };
  return table;
}

static DriverFactory &test_factory() {
  static DriverFactory f;
  return f;
}

void set_test_driver_factory(DriverFactory factory) {
  test_factory() = std::move(factory);
}

std::unique_ptr<Driver> make_driver(std::string_view name) {
  if (test_factory())
    if (auto d = test_factory()(name)) return d;
  for (const auto &d : driver_table())
    if (d.name == name) return d.make();
  return nullptr;
}

std::string driver_not_found_message(std::string_view name) {
  std::string n(name), list;
  for (const auto &d : driver_table())
    list += (list.empty() ? "" : ", ") + d.name;
  return "Driver \"" + n + "\" not found. Do you have the plugin binary \"docker-machine-driver-" +
         n + "\" accessible in your PATH?\nAvailable drivers: " + list;
}
} // namespace sc
