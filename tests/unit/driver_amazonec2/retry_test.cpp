#include <doctest/doctest.h>
#include <drivers/amazonec2/client.hpp>

#include "fake_http.hpp"

using namespace sc;
using namespace sc::ec2;
using std::chrono::milliseconds;

namespace {
const char *k_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

struct Rig {
  std::shared_ptr<test::FakeHttp> http;
  std::vector<milliseconds> sleeps;
  std::unique_ptr<Client> client;
  explicit Rig(test::FakeHttp::Handler h, int retries = 5) {
    http = std::make_shared<test::FakeHttp>(std::move(h));
    ClientConfig cfg;
    cfg.endpoint = "http://127.0.0.1:1/";
    cfg.region = "us-east-1";
    cfg.credentials = [] {
      return Result<AwsCredentials>(AwsCredentials{"AKIDEXAMPLE", k_secret, "TOKEN"});
    };
    cfg.retry.max_retries = retries;
    cfg.sleep = [this](milliseconds d) { sleeps.push_back(d); };
    client = std::make_unique<Client>(cfg, http);
  }
};
const char *k_ok = "<DescribeInstancesResponse><requestId>r</requestId><reservationSet/></"
                   "DescribeInstancesResponse>";
} // namespace

TEST_CASE("retry policy: throttling, 5xx and transport errors retry; auth and other 4xx do not") {
  CHECK(is_retryable(503, "RequestLimitExceeded", false));
  CHECK(is_retryable(400, "RequestLimitExceeded", false));
  CHECK(is_retryable(400, "Throttling", false));
  CHECK(is_retryable(500, "InternalError", false));
  CHECK(is_retryable(503, "", false));
  CHECK(is_retryable(0, "", true));
  CHECK(is_retryable(429, "", false));
  CHECK_FALSE(is_retryable(401, "AuthFailure", false));
  CHECK_FALSE(is_retryable(403, "UnauthorizedOperation", false));
  CHECK_FALSE(is_retryable(403, "SignatureDoesNotMatch", false));
  CHECK_FALSE(is_retryable(400, "InvalidParameterValue", false));
  CHECK_FALSE(is_retryable(400, "InvalidInstanceID.NotFound", false));
  CHECK_FALSE(is_retryable(400, "InvalidGroup.Duplicate", false));
}

TEST_CASE("retry policy: exponential ceiling with full jitter, capped") {
  RetryPolicy p;
  p.base = milliseconds(100);
  p.cap = milliseconds(1000);
  CHECK(backoff_delay(p, 0, 0.999).count() == 99);
  CHECK(backoff_delay(p, 1, 0.999).count() == 199);
  CHECK(backoff_delay(p, 2, 0.5).count() == 200);
  CHECK(backoff_delay(p, 3, 1.0).count() == 800);
  CHECK(backoff_delay(p, 4, 1.0).count() == 1000);  // capped
  CHECK(backoff_delay(p, 60, 1.0).count() == 1000); // no overflow
  CHECK(backoff_delay(p, 5, 0.0).count() == 0);     // jitter can go to zero
}

TEST_CASE("ec2 client: throttled twice then success makes three attempts with growing backoff") {
  int n = 0;
  Rig rig([&](const HttpRequest &, const std::string &) -> Result<HttpResponse> {
    if (++n <= 2) return test::xml_response(503, test::test_data("error_throttle.xml"));
    return test::xml_response(200, k_ok);
  });
  auto r = rig.client->call("DescribeInstances", {});
  REQUIRE(r);
  CHECK(rig.http->requests.size() == 3);
  REQUIRE(rig.sleeps.size() == 2);
  CHECK(rig.sleeps[0] <= milliseconds(300));
  CHECK(rig.sleeps[1] <= milliseconds(600));
}

TEST_CASE("ec2 client: an auth failure is reported at once, clearly, without the secret") {
  Rig rig([&](const HttpRequest &, const std::string &) -> Result<HttpResponse> {
    return test::xml_response(401, test::test_data("error_response.xml"));
  });
  auto r = rig.client->call("RunInstances", {{"ImageId", "ami-1"}});
  REQUIRE(!r);
  CHECK(rig.http->requests.size() == 1);
  CHECK(rig.sleeps.empty());
  CHECK(r.error().code == Errc::auth);
  CHECK(r.error().message ==
        "RunInstances: InvalidClientTokenId: The security token included in the request is "
        "invalid. (request id 4fb3a8e6-1f66-4e1e-b0d2-example)");
  CHECK(r.error().message.find(k_secret) == std::string::npos);
}

TEST_CASE("ec2 client: 5xx and transport errors give up after max retries with the last error") {
  Rig rig(
      [&](const HttpRequest &, const std::string &) -> Result<HttpResponse> {
        return test::xml_response(502, "<html>Bad Gateway</html>");
      },
      3);
  auto r = rig.client->call("DescribeInstances", {});
  REQUIRE(!r);
  CHECK(rig.http->requests.size() == 4);
  CHECK(r.error().message == "DescribeInstances: HTTP 502: Bad Gateway");
  Rig down(
      [&](const HttpRequest &, const std::string &) -> Result<HttpResponse> {
        return fail(Errc::unreachable, "POST http://127.0.0.1:1/: Couldn't connect to server");
      },
      2);
  auto d = down.client->call("DescribeInstances", {});
  REQUIRE(!d);
  CHECK(down.http->requests.size() == 3);
  CHECK(d.error().code == Errc::unreachable);
}

TEST_CASE("ec2 client: requests are form-encoded, versioned and signed; the secret is never sent") {
  Rig rig([&](const HttpRequest &, const std::string &) -> Result<HttpResponse> {
    return test::xml_response(200, k_ok);
  });
  REQUIRE(rig.client->call("DescribeInstances",
                           {{"Filter.1.Name", "tag:Name"}, {"Filter.1.Value.1", "a b/c"}}));
  const auto &q = rig.http->requests.at(0);
  CHECK(q.method == "POST");
  CHECK(q.body == "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1."
                  "Value.1=a+b%2Fc" /* a space is + as botocore writes it */);
  std::map<std::string, std::string> h(q.headers.begin(), q.headers.end());
  CHECK(h["Host"] == "127.0.0.1:1");
  CHECK(h["X-Amz-Security-Token"] == "TOKEN");
  CHECK(h["Authorization"].rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0) == 0);
  CHECK(h["Authorization"].find(
            "/us-east-1/ec2/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=") !=
        std::string::npos);
  for (const auto &[k, v] : q.headers)
    CHECK(v.find(k_secret) == std::string::npos);
  CHECK(q.body.find(k_secret) == std::string::npos);
}
