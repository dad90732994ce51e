#pragma once
// The explicit driver table (no self-registration).
#include <drivers/driver.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sc {
struct DriverInfo {
  std::string name;
  std::function<std::unique_ptr<Driver>()> make;
};
const std::vector<DriverInfo> &driver_table();
// nullptr when unknown.
std::unique_ptr<Driver> make_driver(std::string_view name);
} // namespace sc
