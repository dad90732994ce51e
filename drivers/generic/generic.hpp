#pragma once
// generic: an existing host reachable over SSH, provisioned like any other. none: an existing
// TLS engine URL, never provisioned (docker-machine's `--url` driver).
#include <drivers/driver.hpp>
#include <memory>

namespace sc {
std::unique_ptr<Driver> make_generic_driver();
} // namespace sc
