#include <doctest/doctest.h>
#include <drivers/amazonec2/client.hpp>
#include <drivers/amazonec2/ec2_driver.hpp>
#include <drivers/amazonec2/xml.hpp>

#include "fake_http.hpp"

using namespace sc;
using namespace sc::ec2;

TEST_CASE("xml: DescribeInstances sample gives ids, states, addresses and decoded tags") {
  auto doc = parse_xml(test::test_data("describe_instances.xml"));
  REQUIRE(doc);
  CHECK(doc->name == "DescribeInstancesResponse");
  auto list = parse_instances(*doc);
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == "i-1234567890abcdef0");
  CHECK(list[0].state == "running");
  CHECK(list[0].public_ip == "54.194.252.215");
  CHECK(list[0].private_ip == "192.168.1.88");
  CHECK(list[1].id == "i-0bbbbbbbbbbbbbbbb");
  CHECK(list[1].state == "stopped");
  CHECK(list[1].public_ip.empty());
  CHECK(list[1].type == "m5.large");
  auto r2 = doc->items("reservationSet")[1];
  CHECK(r2->items("instancesSet")[0]->items("tagSet")[0]->str("value") == "a & b <c> \xC3\xA9");
}

TEST_CASE("xml: RunInstances sample gives the new instance") {
  auto doc = parse_xml(test::test_data("run_instances.xml"));
  REQUIRE(doc);
  auto list = parse_instances(*doc);
  REQUIRE(list.size() == 1);
  CHECK(list[0].id == "i-1234567890abcdef0");
  CHECK(list[0].state == "pending");
  CHECK(list[0].private_ip == "10.0.0.12");
  CHECK(doc->str("requestId") == "59dbff89-35bd-4eac-99ed-be587EXAMPLE");
}

TEST_CASE("xml: namespace prefixes are ignored; CDATA, comments, self-closing tags, attributes") {
  auto doc = parse_xml(R"(<?xml version="1.0"?><!-- c --><ec2:Root xmlns:ec2="urn:x" a='1'>
    <ec2:v>x<![CDATA[<y>]]></ec2:v><empty/><n k="&quot;q&quot;">1</n></ec2:Root>)");
  REQUIRE(doc);
  CHECK(doc->name == "Root");
  CHECK(doc->str("v") == "x<y>");
  REQUIRE(doc->child("empty"));
  CHECK(doc->child("n")->attrs[0].second == "\"q\"");
  CHECK(doc->find("n")->text == "1");
  CHECK(doc->str("missing/path").empty());
}

TEST_CASE("xml: malformed documents are parse errors, not crashes") {
  for (const char *bad : {"", "<a>", "<a></b>", "<a><b></a>", "text", "<a x=1></a>", "<a></a><b/>",
                          "<a></a>text", "<a></a><![CDATA[x]]>", "<!-- only -->", "\xef\xbb\xbf"}) {
    CAPTURE(std::string(bad));
    auto r = parse_xml(bad);
    REQUIRE(!r);
    CHECK(r.error().code == Errc::parse);
    CHECK(r.error().message.rfind("XML: ", 0) == 0);
    CHECK(r.error().message.find(" at offset ") != std::string::npos);
  }
}

TEST_CASE("xml: odd but well-formed-enough input is read, not refused or crashed on") {
  // pugixml's leniency: an out-of-range character reference and a repeated attribute.
  for (const char *odd : {"<a>&#xFFFFFFFFF;</a>", "<a b='1' b='2'/>", "\xef\xbb\xbf<a/>"}) {
    CAPTURE(std::string(odd));
    CHECK(parse_xml(odd));
  }
}

TEST_CASE("xml: a DOCTYPE with an internal subset does not derail the reader") {
  // The hand-written reader skipped to the first '>' — inside the subset — and read the rest of
  // the declarations as content.
  auto doc = parse_xml(R"(<?xml version="1.0"?>
<!DOCTYPE DescribeInstancesResponse [
  <!ELEMENT DescribeInstancesResponse ANY>
  <!ATTLIST item id CDATA #IMPLIED>
  <!ENTITY e "expanded">
]>
<DescribeInstancesResponse><requestId>r-1</requestId></DescribeInstancesResponse>)");
  REQUIRE(doc);
  CHECK(doc->name == "DescribeInstancesResponse");
  CHECK(doc->str("requestId") == "r-1");
}

TEST_CASE("xml: entities other than XML's five stay as written (no DTD expansion)") {
  auto doc = parse_xml(R"(<!DOCTYPE a [<!ENTITY big "xxxxxxxxxx">]><a>&bogus; &big;&amp;</a>)");
  REQUIRE(doc);
  CHECK(doc->text == "&bogus; &big;&");
}

TEST_CASE("xml: whitespace around the root and between elements is allowed") {
  auto doc = parse_xml("\n  <a>\n  <b> x </b>\n</a>\n\n");
  REQUIRE(doc);
  CHECK(doc->str("b") == "x");
  CHECK(doc->child("b")->text == " x ");
}

TEST_CASE("xml: nesting deeper than 200 is refused, not a stack overflow") {
  std::string deep;
  for (int i = 0; i < 100000; ++i)
    deep += "<a>";
  for (int i = 0; i < 100000; ++i)
    deep += "</a>";
  auto r = parse_xml(deep);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.rfind("XML: nesting too deep at offset ", 0) == 0);
  std::string ok_depth = "<a>";
  for (int i = 0; i < 199; ++i)
    ok_depth += "<b>";
  for (int i = 0; i < 199; ++i)
    ok_depth += "</b>";
  CHECK(parse_xml(ok_depth + "</a>"));
}

TEST_CASE("errors: EC2 <Response><Errors> envelope becomes 'code: message (request id X)'") {
  auto e = parse_api_error(test::test_data("error_ec2.xml"), 400);
  REQUIRE(e);
  CHECK(format_api_error(*e) == "InvalidInstanceID.NotFound: The instance ID 'i-1a2b3c4d' does not "
                                "exist (request id ea966190-f9aa-478e-9ede-example)");
  CHECK(errc_for_code(e->code) == Errc::not_found);
}

TEST_CASE("errors: <ErrorResponse> envelope becomes 'code: message (request id X)'") {
  auto e = parse_api_error(test::test_data("error_response.xml"), 403);
  REQUIRE(e);
  CHECK(format_api_error(*e) == "InvalidClientTokenId: The security token included in the request "
                                "is invalid. (request id 4fb3a8e6-1f66-4e1e-b0d2-example)");
  CHECK(errc_for_code(e->code) == Errc::auth);
  // moto's variant: <ErrorResponse><Errors><Error>, no request id.
  auto m = parse_api_error("<ErrorResponse><Errors><Error><Code>AuthFailure</Code><Message>nope</"
                           "Message></Error></Errors></ErrorResponse>",
                           401);
  REQUIRE(m);
  CHECK(format_api_error(*m) == "AuthFailure: nope");
  CHECK(!parse_api_error(test::test_data("run_instances.xml"), 200));
  CHECK(!parse_api_error("<html>502 Bad Gateway</html>", 502));
  CHECK(errc_for_code("InvalidGroup.Duplicate") == Errc::already_exists);
  CHECK(errc_for_code("InvalidParameterValue") == Errc::generic);
}

TEST_CASE("ec2 client: an error body that is not EC2's is summed up in one short line") {
  CHECK(body_summary(
            "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
            "<h1>Internal Server Error</h1><p>The server encountered an internal error</p>") ==
        "500 Internal Server Error");
  CHECK(body_summary("<html><body><h1>Bad   Gateway</h1>\n<p>upstream\tdown</p></body></html>") ==
        "Bad Gateway upstream down");
  CHECK(body_summary("plain text\r\nreason") == "plain text reason");
  CHECK(body_summary("<HTML><TITLE>502 Bad Gateway</TITLE></HTML>") == "502 Bad Gateway");
  CHECK(body_summary("<html><title id=\"t\">503 Slow Down</title><body>x</body></html>") ==
        "503 Slow Down");
  CHECK(body_summary("<Code>X</Code><Message>Y</Message>") == "X Y");
  CHECK(body_summary("a < b and c") == "a < b and c");
  CHECK(body_summary("a<b>c") == "a c");               // a tag separates words
  CHECK(body_summary("text <unclosed tag") == "text"); // an unclosed tag runs to the end
  CHECK(body_summary(std::string(500, 'x')).size() == 200);
  CHECK(body_summary("").empty());
}
