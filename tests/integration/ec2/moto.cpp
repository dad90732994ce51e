#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <provision/http/http.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/poll.hpp>
#include <provision/util/process.hpp>

#include "moto.hpp"

namespace sc::test {

namespace {
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}
} // namespace

std::string python_with_moto() {
  std::vector<std::string> cands;
  if (const char *p = std::getenv("SC_PYTHON")) cands.push_back(p);
  cands.push_back("python3");
  cands.push_back("/root/.pyenv/shims/python3");
  std::error_code ec;
  for (const auto &e : std::filesystem::directory_iterator("/root/.pyenv/versions", ec))
    cands.push_back((e.path() / "bin/python3").string());
  cands.push_back("/usr/bin/python3");
  for (const auto &c : cands) {
    ProcessOptions o;
    o.timeout = std::chrono::seconds(60);
    auto r = run_process({c, "-c", "import moto, botocore"}, o);
    if (r && r->exit_code == 0) return c;
  }
  return "";
}

MotoServer::MotoServer(const std::string &python, std::map<std::string, std::string> extra_env) {
  m_port = free_port();
  char tmpl[] = "/tmp/sc-moto-XXXXXX";
  int lfd = mkstemp(tmpl);
  m_log = tmpl;
  std::string exe = find_in_path(python);
  pid_t parent = getpid();
  m_pid = fork();
  if (m_pid == 0) {
    // Dies with the test process, whatever happens to it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(lfd, 1);
    dup2(lfd, 2);
    setpgid(0, 0);
    for (const auto &[k, v] : extra_env)
      setenv(k.c_str(), v.c_str(), 1);
    std::string port = std::to_string(m_port);
    execl(exe.c_str(), exe.c_str(), "-m", "moto.server", "-H", "127.0.0.1", "-p", port.c_str(),
          (char *)nullptr);
    _exit(127);
  }
  close(lfd);
  if (m_pid < 0) {
    m_error = "fork failed";
    return;
  }
  auto http = make_curl_client();
  auto st = poll_until(
      "moto server", std::chrono::seconds(60),
      [&]() -> Status {
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
          m_pid = -1;
          return fail(Errc::generic, "moto exited: " + log());
        }
        HttpRequest r;
        r.url = url() + "/moto-api/";
        r.timeout = std::chrono::seconds(5);
        auto resp = http->send(r);
        if (!resp) return fail(resp.error());
        return ok();
      },
      std::chrono::milliseconds(100), std::chrono::milliseconds(500));
  m_ready = static_cast<bool>(st);
  if (!st) m_error = st.error().message;
}

MotoServer::~MotoServer() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
        m_pid = -1;
        break;
      }
      usleep(100000);
    }
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      waitpid(m_pid, nullptr, 0);
    }
  }
  std::error_code ec;
  std::filesystem::remove(m_log, ec);
}

std::string MotoServer::log() const {
  auto r = read_file(m_log);
  if (!r) return "";
  return r->size() > 4000 ? r->substr(r->size() - 4000) : *r;
}

void MotoServer::reset() {
  auto http = make_curl_client();
  HttpRequest r;
  r.method = "POST";
  r.url = url() + "/moto-api/reset";
  (void)http->send(r);
}

std::pair<std::string, std::string> MotoServer::enforce_signatures(const std::string &python) {
  auto http = make_curl_client();
  HttpRequest r;
  r.method = "POST";
  r.url = url() + "/moto-api/reset-auth";
  r.headers = {{"Content-Type", "text/plain"}}; // a form body would be parsed away by moto
  r.body = "3";
  auto resp = http->send(r);
  if (!resp || resp->status != 200) return {"", "POST /moto-api/reset-auth failed"};
  static const char *script = R"(import json, sys, botocore.session
iam = botocore.session.get_session().create_client(
    "iam", region_name="us-east-1", endpoint_url=sys.argv[1],
    aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="swarmctl-it")
key = iam.create_access_key(UserName="swarmctl-it")["AccessKey"]
iam.put_user_policy(UserName="swarmctl-it", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
print(key["AccessKeyId"], key["SecretAccessKey"])
)";
  ProcessOptions o;
  o.timeout = std::chrono::seconds(60);
  o.unset_env = {"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
  auto p = run_process({python, "-c", script, url()}, o);
  if (!p) return {"", p.error().message};
  if (p->exit_code != 0) return {"", "creating the IAM user failed: " + p->err};
  auto sp = p->out.find(' ');
  if (sp == std::string::npos) return {"", "unexpected output: " + p->out};
  auto secret = p->out.substr(sp + 1);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  return {p->out.substr(0, sp), secret};
}

} // namespace sc::test
