// Fuzzes a machine record (STORE/machines/NAME/config.json) the way `ls`, `inspect`, `env` and
// `rm` read it: parse, bind the named driver's part, write it back. Any text gives a record or
// one error line for that machine.
#include <cstdint>
#include <drivers/registry.hpp>
#include <provision/store/host.hpp>
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  auto h = sc::host_from_text(text);
  if (!h) {
    sc::fuzz::require_one_line(h.error());
    return 0;
  }
  // Saving: the same text the store writes.
  auto saved = sc::to_json(*h).dump(4, ' ', false, nlohmann::json::error_handler_t::replace);
  auto again = sc::host_from_text(saved);
  sc::fuzz::require(again.has_value(), "a saved record does not load back", saved);
  if (auto d = sc::make_driver(h->driver_name)) {
    auto st = d->from_json(h->driver);
    if (!st)
      sc::fuzz::require_one_line(st.error());
    else
      (void)d->to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
