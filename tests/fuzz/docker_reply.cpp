// Fuzzes the engine's raw HTTP replies (status line, headers, chunked bodies) and the version
// read from them: an engine is a remote host, so any bytes give a reply or one error, and the
// version that reaches the terminal is printable.
#include <cstdint>
#include <provision/dockerapi/http_reply.hpp>
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view raw(reinterpret_cast<const char *>(data), size);
  auto r = sc::parse_http_reply(raw);
  if (!r) {
    sc::fuzz::require_one_line(r.error());
    return 0;
  }
  sc::fuzz::require(r->body.size() <= raw.size(), "body larger than the reply");
  auto v = sc::version_from_reply(*r);
  if (!v) {
    sc::fuzz::require_one_line(v.error());
    return 0;
  }
  for (char c : *v)
    sc::fuzz::require(c > ' ' && c < 0x7f, "unprintable version", *v);
  return 0;
}
