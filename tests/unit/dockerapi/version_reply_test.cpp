// The engine's version as it reaches the terminal: printable, bounded, and a body that is not a
// version object is one error that does not quote it.
#include <doctest/doctest.h>
#include <provision/dockerapi/docker_client.hpp>
#include <provision/util/printable.hpp>

using namespace sc;

namespace {
HttpResponse answer(long status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
} // namespace

TEST_CASE("version reply: the version is printable: escapes, newlines and spaces become '?'") {
  auto v = version_from_reply(answer(200, R"({"Version":"20.10.24+dfsg1"})"));
  REQUIRE(v);
  CHECK(*v == "20.10.24+dfsg1");
  auto hostile = version_from_reply(answer(200, R"({"Version":"\u001b[2J\u001b[31mred\nx y"})"));
  REQUIRE(hostile);
  CHECK(*hostile == "?[2J?[31mred?x?y");
  auto utf8 = version_from_reply(answer(200, "{\"Version\":\"1.0\xC3\xA9\"}"));
  REQUIRE(utf8);
  CHECK(*utf8 == "1.0??");
  auto longv = version_from_reply(answer(200, "{\"Version\":\"" + std::string(500, '9') + "\"}"));
  REQUIRE(longv);
  CHECK(longv->size() == 64);
}

TEST_CASE("version reply: a body that is not a version object is one error that does not quote "
          "it") {
  for (const char *body :
       {"", "\x1b[31m", "[]", "{\"Version\": 5}", "{\"version\":\"1\"}", "{\"Version\":\"1\""}) {
    CAPTURE(body);
    auto v = version_from_reply(answer(200, body));
    REQUIRE_FALSE(v);
    CHECK(v.error().message == "GET /version: the reply is not a version object");
  }
  auto st = version_from_reply(answer(404, "{}"));
  REQUIRE_FALSE(st);
  CHECK(st.error().message == "GET /version: HTTP 404");
}

TEST_CASE("printable_word: only printable ASCII, bounded") {
  CHECK(printable_word("v1.2-rc.3+x_y~z") == "v1.2-rc.3+x_y~z");
  CHECK(printable_word(std::string("a\0b\x7f\r\n\t c", 9)) == "a?b?????c");
  CHECK(printable_word("abcdef", 3) == "abc");
}
