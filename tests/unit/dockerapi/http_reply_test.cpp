// The engine's raw HTTP replies: status, headers, chunked bodies, version — hostile bytes give
// one error, never an exception (issue 13: a malformed chunk aborted `ls`).
#include <doctest/doctest.h>
#include <provision/dockerapi/http_reply.hpp>
#include <provision/util/printable.hpp>

using namespace sc;

TEST_CASE("http reply: status, headers and a Content-Length body") {
  auto r = parse_http_reply("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            "2\r\n\r\n{}trailing junk");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "{}");
  auto e = parse_http_reply("HTTP/1.0 500 Internal Server Error\r\n\r\noops");
  REQUIRE(e);
  CHECK(e->status == 500);
  CHECK(e->body == "oops");
}

TEST_CASE("http reply: chunked bodies are decoded, extensions and trailers ignored") {
  auto r = parse_http_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
                            "4;name=x\r\nWiki\r\nA\r\npedia in\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n");
  REQUIRE(r);
  CHECK(r->body == "Wikipedia in\r\n");
  CHECK(dechunk("0\r\n\r\n") == std::string());
}

TEST_CASE("http reply: malformed chunks are parse errors, not exceptions") {
  for (const char *bad : {"zz\r\nab\r\n0\r\n\r\n", "\r\n", "4\r\nab", "4\r\nabcdXY0\r\n\r\n",
                          "ffffffffffffffffff\r\nx\r\n", "fffffffffffffff0\r\nx\r\n", "-1\r\n",
                          "4\r\nabcd\r\n", " \r\n", "3", ""}) {
    CAPTURE(bad);
    std::string raw = std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") + bad;
    auto r = parse_http_reply(raw);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::parse);
    CHECK(r.error().message.rfind("malformed HTTP response from the Docker engine: ", 0) == 0);
  }
}

TEST_CASE("http reply: a bad chunk size is quoted on one printable line") {
  // Found by fuzz_docker_reply: a size line holding a bare LF and an escape.
  auto r = parse_http_reply(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\n\x1b[2Jxx\r\nabcdefgh\r\n0\r\n\r\n");
  REQUIRE_FALSE(r);
  CHECK(r.error().message ==
        "malformed HTTP response from the Docker engine: bad chunk size '8??[2Jxx'");
}

TEST_CASE("http reply: a broken status line, header or Content-Length is refused") {
  for (const char *bad :
       {"", "garbage\r\n\r\n", "HTTP/1.1\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/1.1 99 X\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "HTTP/1.1 200 OK\r\n"}) {
    CAPTURE(bad);
    auto r = parse_http_reply(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::parse);
  }
}

TEST_CASE("http reply: the version is printable: escapes, newlines and spaces become '?'") {
  auto v = version_from_reply(HttpReply{200, R"({"Version":"20.10.24+dfsg1"})"});
  REQUIRE(v);
  CHECK(*v == "20.10.24+dfsg1");
  auto hostile = version_from_reply(HttpReply{200, R"({"Version":"\u001b[2J\u001b[31mred\nx y"})"});
  REQUIRE(hostile);
  CHECK(*hostile == "?[2J?[31mred?x?y");
  auto utf8 = version_from_reply(HttpReply{200, "{\"Version\":\"1.0\xC3\xA9\"}"});
  REQUIRE(utf8);
  CHECK(*utf8 == "1.0??");
  auto longv =
      version_from_reply(HttpReply{200, "{\"Version\":\"" + std::string(500, '9') + "\"}"});
  REQUIRE(longv);
  CHECK(longv->size() == 64);
}

TEST_CASE("http reply: a body that is not a version object is one error that does not quote it") {
  for (const char *body :
       {"", "\x1b[31m", "[]", "{\"Version\": 5}", "{\"version\":\"1\"}", "{\"Version\":\"1\""}) {
    CAPTURE(body);
    auto v = version_from_reply(HttpReply{200, body});
    REQUIRE_FALSE(v);
    CHECK(v.error().message == "GET /version: the reply is not a version object");
  }
  auto st = version_from_reply(HttpReply{404, "{}"});
  REQUIRE_FALSE(st);
  CHECK(st.error().message == "GET /version: HTTP 404");
}

TEST_CASE("printable_word: only printable ASCII, bounded") {
  CHECK(printable_word("v1.2-rc.3+x_y~z") == "v1.2-rc.3+x_y~z");
  CHECK(printable_word(std::string("a\0b\x7f\r\n\t c", 9)) == "a?b?????c");
  CHECK(printable_word("abcdef", 3) == "abc");
}
