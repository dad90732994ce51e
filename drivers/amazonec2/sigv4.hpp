#pragma once
// AWS Signature Version 4 (HMAC-SHA256), as botocore computes it. Pure functions: the time is an
// input, so that tests compare every intermediate string with botocore's.
#include <string>
#include <utility>
#include <vector>

namespace sc::ec2 {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token; // "" when not temporary
};

struct SigV4Request {
  std::string method = "POST";
  std::string path = "/";                                   // already URI-encoded as sent
  std::string query;                                        // raw query string as sent ("" = none)
  std::vector<std::pair<std::string, std::string>> headers; // every header to sign (incl. host)
  std::string payload;
};

struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // value of the Authorization header
  std::string signed_headers; // "content-type;host;x-amz-date"
};

std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data); // raw bytes
std::string hex(std::string_view bytes);

// amz_date is "YYYYMMDDTHHMMSSZ". The request's headers must already include host and
// x-amz-date (and x-amz-security-token when there is a session token).
SigV4Result sigv4_sign(const SigV4Request &req, const AwsCredentials &creds,
                       const std::string &region, const std::string &service,
                       const std::string &amz_date);

// "YYYYMMDDTHHMMSSZ" for the current UTC time.
std::string amz_date_now();

} // namespace sc::ec2
