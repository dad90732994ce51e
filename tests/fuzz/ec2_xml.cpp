// Fuzzes the EC2 response reader (pugixml underneath) and what the driver reads from a response:
// instances, API errors, the one-line summary of a body that is not EC2's.
#include <cstdint>
#include <drivers/amazonec2/client.hpp>
#include <drivers/amazonec2/ec2_driver.hpp>
#include <drivers/amazonec2/xml.hpp>
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view body(reinterpret_cast<const char *>(data), size);
  auto doc = sc::ec2::parse_xml(body);
  if (!doc) {
    sc::fuzz::require(doc.error().code == sc::Errc::parse, "not a parse error");
  } else {
    (void)sc::ec2::parse_instances(*doc);
    (void)doc->find("requestId");
    for (const auto *i : doc->items("reservationSet"))
      (void)i->str("instancesSet/item/instanceState/name");
  }
  if (auto e = sc::ec2::parse_api_error(body, 400)) (void)sc::ec2::format_api_error(*e);
  auto summary = sc::ec2::body_summary(body);
  sc::fuzz::require(summary.size() <= 200, "summary longer than 200");
  return 0;
}
