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
  for (const char *bad : {"", "<a>", "<a></b>", "<a><b></a>", "text", "<a>&bogus;</a>",
                          "<a x=1></a>", "<a></a><b/>"}) {
    CAPTURE(bad);
    auto r = parse_xml(bad);
    REQUIRE(!r);
    CHECK(r.error().code == Errc::parse);
  }
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
  CHECK(body_summary(std::string(500, 'x')).size() == 200);
  CHECK(body_summary("").empty());
}
