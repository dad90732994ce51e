#include <cctype>
#include <drivers/amazonec2/client.hpp>
#include <fmt/format.h>
#include <provision/util/text.hpp>
#include <random>
#include <thread>

namespace sc::ec2 {

namespace {
std::mutex g_count_mu;
std::map<std::string, int> g_counts;
} // namespace

std::map<std::string, int> call_counts() {
  std::lock_guard lk(g_count_mu);
  return g_counts;
}
void reset_call_counts() {
  std::lock_guard lk(g_count_mu);
  g_counts.clear();
}

namespace {
const XmlNode *find_error(const XmlNode &n) {
  if (n.name == "Error" && n.child("Code")) return &n;
  for (const auto &c : n.children)
    if (const XmlNode *e = find_error(c)) return e;
  return nullptr;
}
} // namespace

std::optional<ApiError> parse_api_error(std::string_view body, long http_status) {
  auto doc = parse_xml(body);
  if (!doc) return std::nullopt;
  // EC2: Response/Errors/Error + RequestID; query services: ErrorResponse/Error + RequestId;
  // some emulators: ErrorResponse/Errors/Error. Any element named Error with a Code will do.
  if (doc->name != "Response" && doc->name != "ErrorResponse" && doc->name != "Error")
    return std::nullopt;
  const XmlNode *err = find_error(*doc);
  if (!err) return std::nullopt;
  std::string rid;
  for (const char *k : {"RequestID", "RequestId"})
    if (const XmlNode *r = doc->find(k); r && rid.empty()) rid = doc->find(k)->text;
  ApiError e{err->str("Code"), err->str("Message"), rid, http_status};
  return e;
}

std::string format_api_error(const ApiError &e) {
  std::string s = e.code + ": " + (e.message.empty() ? std::string("(no message)") : e.message);
  if (!e.request_id.empty()) s += " (request id " + e.request_id + ")";
  return s;
}

Errc errc_for_code(std::string_view code) {
  static const char *auth[] = {"AuthFailure",
                               "InvalidClientTokenId",
                               "SignatureDoesNotMatch",
                               "UnauthorizedOperation",
                               "InvalidAccessKeyId",
                               "IncompleteSignature",
                               "MissingAuthenticationToken",
                               "ExpiredToken",
                               "RequestExpired",
                               "OptInRequired",
                               "Blocked",
                               "AccessDenied",
                               "UnrecognizedClientException"};
  for (const char *a : auth)
    if (code == a) return Errc::auth;
  auto ends = [&](std::string_view suf) {
    return code.size() >= suf.size() && code.substr(code.size() - suf.size()) == suf;
  };
  if (ends("NotFound")) return Errc::not_found;
  if (ends("Duplicate")) return Errc::already_exists;
  return Errc::generic;
}

bool is_retryable(long http_status, std::string_view code, bool transport_error) {
  if (transport_error) return true;
  static const char *throttle[] = {"RequestLimitExceeded",
                                   "Throttling",
                                   "ThrottlingException",
                                   "ThrottledException",
                                   "TooManyRequestsException",
                                   "RequestThrottled",
                                   "RequestThrottledException",
                                   "SlowDown",
                                   "PriorRequestNotComplete",
                                   "EC2ThrottledException",
                                   "BandwidthLimitExceeded",
                                   "InternalError",
                                   "InternalFailure",
                                   "ServiceUnavailable",
                                   "Unavailable"};
  for (const char *t : throttle)
    if (code == t) return true;
  if (http_status >= 500 && http_status <= 599) return errc_for_code(code) != Errc::auth;
  if (http_status == 429) return true;
  return false;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy &p, int attempt, double unit) {
  double ceiling = static_cast<double>(p.base.count());
  for (int i = 0; i < attempt && ceiling < static_cast<double>(p.cap.count()); ++i)
    ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<double>(p.cap.count()));
  unit = std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(ceiling * unit));
}

std::string default_endpoint(const std::string &region) {
  if (region.rfind("cn-", 0) == 0) return fmt::format("https://ec2.{}.amazonaws.com.cn", region);
  return fmt::format("https://ec2.{}.amazonaws.com", region);
}

std::string body_summary(std::string_view body) {
  // An HTML error page (a proxy, an emulator's 500): its <title> says it in a few words.
  std::string lower(body);
  for (auto &c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto t = lower.find("<title");
  if (t != std::string::npos && t + 6 < lower.size() &&
      (lower[t + 6] == '>' || lower[t + 6] == ' ')) {
    auto open_end = lower.find('>', t);
    auto e = lower.find("</title>", t);
    if (open_end != std::string::npos && e != std::string::npos && open_end < e)
      body = body.substr(open_end + 1, e - open_end - 1);
  }
  // Tags become spaces; whitespace runs collapse. Only "<letter", "</" and "<!" open a tag, so
  // a plain-text '<' stays text.
  std::string text;
  bool in_tag = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (!in_tag && c == '<' && i + 1 < body.size() &&
        (std::isalpha(static_cast<unsigned char>(body[i + 1])) || body[i + 1] == '/' ||
         body[i + 1] == '!'))
      in_tag = true;
    if (!in_tag) text += c;
    if (in_tag && c == '>') {
      in_tag = false;
      text += ' ';
    }
  }
  return collapse_spaces(text).substr(0, 200);
}

std::string form_encode(const std::string &action, const Params &params) {
  // Byte for byte what botocore's query serializer sends (urlencode: a space is '+'): AWS signs
  // the bytes it receives, but emulators such as moto re-encode the parsed form the botocore way
  // before checking the signature.
  std::string body = "Action=" + form_component_encode(action) + "&Version=" + k_api_version;
  for (const auto &[k, v] : params)
    body += "&" + form_component_encode(k) + "=" + form_component_encode(v);
  return body;
}

void add_filter(Params &p, int index, const std::string &name,
                const std::vector<std::string> &values) {
  p.emplace_back(fmt::format("Filter.{}.Name", index), name);
  for (size_t i = 0; i < values.size(); ++i)
    p.emplace_back(fmt::format("Filter.{}.Value.{}", index, i + 1), values[i]);
}

Client::Client(ClientConfig cfg, std::shared_ptr<HttpClient> http)
    : m_cfg(std::move(cfg)), m_http(std::move(http)) {
  if (!m_cfg.sleep)
    m_cfg.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Result<XmlNode> Client::call(const std::string &action, const Params &params) {
  auto url = parse_url(m_cfg.endpoint);
  if (!url) return fail(url.error().context("--amazonec2-endpoint"));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::string body = form_encode(action, params);
  Error last{Errc::generic, "not attempted"};
  for (int attempt = 0;; ++attempt) {
    auto creds = m_cfg.credentials ? m_cfg.credentials()
                                   : Result<AwsCredentials>(fail(Errc::auth, "no AWS credentials"));
    if (!creds) return fail(creds.error().context(action));
    {
      std::lock_guard lk(g_count_mu);
      ++g_counts[action];
    }
    if (m_cfg.ui)
      m_cfg.ui->debug(fmt::format("ec2: {} {} (attempt {})", m_cfg.region, action, attempt + 1));
    HttpRequest req;
    req.method = "POST";
    req.url = m_cfg.endpoint;
    req.body = body;
    req.verify_tls = !m_cfg.insecure_transport;
    std::string date = amz_date_now();
    SigV4Request sreq;
    sreq.method = "POST";
    sreq.path = url->path;
    sreq.query = url->query;
    sreq.payload = body;
    sreq.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                    {"Host", url->host_header()},
                    {"X-Amz-Date", date}};
    if (!creds->session_token.empty())
      sreq.headers.emplace_back("X-Amz-Security-Token", creds->session_token);
    auto sig = sigv4_sign(sreq, *creds, m_cfg.region, "ec2", date);
    req.headers = sreq.headers;
    req.headers.emplace_back("Authorization", sig.authorization);
    req.headers.emplace_back("User-Agent", "swarmctl");

    auto resp = m_http->send(req);
    long status = 0;
    std::string code;
    if (!resp) {
      last = resp.error();
    } else if (resp->status >= 200 && resp->status < 300) {
      auto doc = parse_xml(resp->body);
      if (!doc) return fail(doc.error().context(action + ": response"));
      return std::move(*doc);
    } else {
      status = resp->status;
      auto e = parse_api_error(resp->body, status);
      if (e) {
        code = e->code;
        last = Error{errc_for_code(code), format_api_error(*e)};
      } else {
        std::string snippet = body_summary(resp->body);
        last = Error{status == 401 || status == 403 ? Errc::auth : Errc::generic,
                     fmt::format("HTTP {}{}{}", status, snippet.empty() ? "" : ": ", snippet)};
      }
    }
    bool retry = is_retryable(status, code, !resp) && attempt < m_cfg.retry.max_retries;
    if (!retry) return fail(last.context(action));
    auto delay = backoff_delay(m_cfg.retry, attempt, unit(rng));
    if (m_cfg.ui)
      m_cfg.ui->debug(fmt::format("ec2: {} failed ({}), retrying in {} ms", action, last.message,
                                  delay.count()));
    m_cfg.sleep(delay);
  }
}

} // namespace sc::ec2
