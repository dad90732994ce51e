#pragma once
// A scripted HttpClient for EC2 tests: a handler per request, every request recorded.
#include <functional>
#include <mutex>
#include <provision/http/http.hpp>
#include <provision/util/fs.hpp>
#include <string>
#include <vector>

namespace sc::test {

class FakeHttp : public HttpClient {
public:
  using Handler =
      std::function<Result<HttpResponse>(const HttpRequest &, const std::string &action)>;
  explicit FakeHttp(Handler h) : m_handler(std::move(h)) {}
  Result<HttpResponse> send(const HttpRequest &req) override {
    std::lock_guard lk(m_mu);
    requests.push_back(req);
    auto a = action_of(req.body);
    actions.push_back(a);
    return m_handler(req, a);
  }
  static std::string action_of(const std::string &body) {
    auto p = body.find("Action=");
    if (p == std::string::npos) return "";
    auto e = body.find('&', p);
    return body.substr(p + 7, e == std::string::npos ? std::string::npos : e - p - 7);
  }
  std::vector<HttpRequest> requests;
  std::vector<std::string> actions;

private:
  Handler m_handler;
  std::mutex m_mu;
};

inline HttpResponse xml_response(long status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

inline std::string test_data(const std::string &name) {
  auto r = read_file(std::string(SC_SOURCE_DIR) + "/tests/data/ec2/" + name);
  return r ? *r : std::string();
}

} // namespace sc::test
