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
// Unit tests only: while set, make_driver() asks `factory` first (an in-process fake driver for
// the create/provision/up flows); its nullptr falls back to the table. Set it before any flow
// runs; an empty function restores the table alone.
using DriverFactory = std::function<std::unique_ptr<Driver>(std::string_view name)>;
void set_test_driver_factory(DriverFactory factory);
// docker-machine's error for an unknown driver (scripts grep its first line), then the drivers
// this binary has: `Driver "x" not found. Do you have the plugin binary
// "docker-machine-driver-x" accessible in your PATH?\nAvailable drivers: amazonec2, ...`.
std::string driver_not_found_message(std::string_view name);
} // namespace sc
