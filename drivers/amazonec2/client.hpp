#pragma once
// EC2 Query API (version 2016-11-15) client: form-encoded POST, SigV4, XML responses, retries
// with exponential backoff and full jitter on throttling and 5xx, none on client errors.
#include <atomic>
#include <chrono>
#include <drivers/amazonec2/sigv4.hpp>
#include <drivers/amazonec2/xml.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <provision/http/http.hpp>
#include <provision/util/ui.hpp>
#include <string>
#include <vector>

namespace sc::ec2 {

inline constexpr const char *k_api_version = "2016-11-15";
using Params = std::vector<std::pair<std::string, std::string>>;

struct ApiError {
  std::string code, message, request_id;
  long http_status = 0;
};
// Reads either error envelope: <Response><Errors><Error><Code/><Message/></Error></Errors>
// <RequestID/></Response> (EC2) or <ErrorResponse><Error>..</Error><RequestId/></ErrorResponse>
// (STS/IAM style, also returned by some endpoints). nullopt when the body is neither.
std::optional<ApiError> parse_api_error(std::string_view body, long http_status);
// "code: message (request id X)"; without a request id, "code: message".
std::string format_api_error(const ApiError &e);
// Errc for an EC2 error code: auth failures -> auth, *NotFound -> not_found, *Duplicate ->
// already_exists, else generic.
Errc errc_for_code(std::string_view code);

struct RetryPolicy {
  int max_retries = 5; // retries after the first attempt; 0 = none
  std::chrono::milliseconds base{300};
  std::chrono::milliseconds cap{20000};
};
// Whether a failed attempt is retried: throttling codes (RequestLimitExceeded, Throttling,
// ThrottlingException, ...), HTTP 5xx and transport errors yes; any other 4xx (auth, validation,
// not found) no.
bool is_retryable(long http_status, std::string_view code, bool transport_error);
// Full jitter: uniform in [0, min(cap, base * 2^attempt)], attempt counted from 0; `unit` in [0,1).
std::chrono::milliseconds backoff_delay(const RetryPolicy &p, int attempt, double unit);

struct ClientConfig {
  std::string endpoint; // "https://ec2.us-east-1.amazonaws.com" or a test endpoint
  std::string region;
  std::function<Result<AwsCredentials>()> credentials;
  RetryPolicy retry;
  bool insecure_transport = false;
  Ui *ui = nullptr; // debug lines "ec2: <Action> (attempt N)"; never headers or keys
  std::function<void(std::chrono::milliseconds)> sleep; // injectable; default sleeps
};

// Calls per action made by every client of this process (attempts, retries included).
std::map<std::string, int> call_counts();
void reset_call_counts();

class Client {
public:
  Client(ClientConfig cfg, std::shared_ptr<HttpClient> http);
  // One action; the response document on 2xx. Errors: "<Action>: code: message (request id X)".
  Result<XmlNode> call(const std::string &action, const Params &params);
  const ClientConfig &config() const { return m_cfg; }

private:
  ClientConfig m_cfg;
  std::shared_ptr<HttpClient> m_http;
};

std::string default_endpoint(const std::string &region);
std::string form_encode(const std::string &action, const Params &params);
// A non-EC2 error body in at most 200 characters of text (an HTML page: its title).
std::string body_summary(std::string_view body);

// Helpers to build list parameters: ("Filter", 1, "vpc-id", {"vpc-1"}) ->
// Filter.1.Name=vpc-id, Filter.1.Value.1=vpc-1.
void add_filter(Params &p, int index, const std::string &name,
                const std::vector<std::string> &values);

} // namespace sc::ec2
