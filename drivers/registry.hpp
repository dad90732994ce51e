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
// docker-machine's error for an unknown driver (scripts grep its first line), then the drivers
// this binary has: `Driver "x" not found. Do you have the plugin binary
// "docker-machine-driver-x" accessible in your PATH?\nAvailable drivers: amazonec2, ...`.
std::string driver_not_found_message(std::string_view name);
} // namespace sc
