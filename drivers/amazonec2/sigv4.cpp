#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>
#include <drivers/amazonec2/sigv4.hpp>
#include <map>
#include <provision/http/http.hpp>
#include <provision/util/number.hpp>
#include <provision/util/text.hpp>

namespace sc::ec2 {

std::string hex(std::string_view bytes) {
  static const char *d = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char *>(data.data()), data.size(), md);
  return hex(std::string_view(reinterpret_cast<char *>(md), sizeof md));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char *>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<char *>(md), len);
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(parse_number<unsigned char>(s.substr(i + 1, 2), 16).value_or(0));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Query parameters decoded, re-encoded with RFC 3986 rules and sorted by key then value.
std::string canonical_query(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> kv;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string k = percent_decode(part.substr(0, eq));
    std::string v = eq == std::string_view::npos ? "" : percent_decode(part.substr(eq + 1));
    kv.emplace_back(uri_encode(k), uri_encode(v));
  }
  std::sort(kv.begin(), kv.end());
  std::string out;
  for (const auto &[k, v] : kv) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

} // namespace

SigV4Result sigv4_sign(const SigV4Request &req, const AwsCredentials &creds,
                       const std::string &region, const std::string &service,
                       const std::string &amz_date) {
  SigV4Result r;
  // Canonical headers: lower-cased names, sorted; values of repeated names joined with ','.
  std::map<std::string, std::string> hs;
  for (const auto &[k, v] : req.headers) {
    auto name = lower(k);
    auto val = collapse_spaces(v); // botocore's _header_value: trimmed, runs folded
    auto it = hs.find(name);
    if (it == hs.end())
      hs.emplace(name, val);
    else
      it->second += "," + val;
  }
  std::string canon_headers;
  for (const auto &[k, v] : hs) {
    canon_headers += k + ":" + v + "\n";
    if (!r.signed_headers.empty()) r.signed_headers += ';';
    r.signed_headers += k;
  }
  r.canonical_request = req.method + "\n" + (req.path.empty() ? "/" : req.path) + "\n" +
                        canonical_query(req.query) + "\n" + canon_headers + "\n" +
                        r.signed_headers + "\n" + sha256_hex(req.payload);
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  r.string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + sha256_hex(r.canonical_request);
  std::string k = hmac_sha256("AWS4" + creds.secret_key, date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  k = hmac_sha256(k, "aws4_request");
  r.signature = hex(hmac_sha256(k, r.string_to_sign));
  r.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key + "/" + scope +
                    ", SignedHeaders=" + r.signed_headers + ", Signature=" + r.signature;
  return r;
}

std::string amz_date_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

} // namespace sc::ec2
