#pragma once
#include <drivers/driver.hpp>
#include <memory>

namespace sc {
std::unique_ptr<Driver> make_none_driver();
} // namespace sc
