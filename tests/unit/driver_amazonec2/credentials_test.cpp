#include <sys/stat.h>

#include <doctest/doctest.h>
#include <drivers/amazonec2/credentials.hpp>
#include <drivers/amazonec2/driver.hpp>
#include <provision/util/fs.hpp>

#include <cstdlib>
#include <map>

using namespace sc;
using namespace sc::ec2;

namespace {
struct TempHome {
  fs::path dir;
  std::map<std::string, std::string> vars;
  TempHome() {
    char tmpl[] = "/tmp/sc-ec2-home-XXXXXX";
    dir = mkdtemp(tmpl);
    vars["HOME"] = dir.string();
    fs::create_directories(dir / ".aws");
  }
  ~TempHome() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string &rel, const std::string &text) {
    REQUIRE(atomic_write(dir / rel, text, 0600));
  }
  EnvLookup env() const {
    auto v = vars;
    return [v](const std::string &k) -> std::optional<std::string> {
      auto it = v.find(k);
      if (it == v.end()) return std::nullopt;
      return it->second;
    };
  }
};
const char *k_files =
    "[default]\naws_access_key_id = AKID_DEFAULT\naws_secret_access_key = SECRET_DEFAULT\n\n"
    "[work]\naws_access_key_id=AKID_WORK\naws_secret_access_key=SECRET_WORK\naws_session_token=TOK_"
    "WORK\n";
const char *k_config = "[default]\nregion = eu-west-1\n\n[profile work]\nregion = ap-south-1\n\n"
                       "[profile cfgonly]\naws_access_key_id = AKID_CFG\naws_secret_access_key = "
                       "SECRET_CFG\nregion=sa-east-1\n";
} // namespace

TEST_CASE("credentials: flags win over the environment, which wins over the default profile") {
  TempHome h;
  h.write(".aws/credentials", k_files);
  h.vars["AWS_ACCESS_KEY_ID"] = "AKID_ENV";
  h.vars["AWS_SECRET_ACCESS_KEY"] = "SECRET_ENV";
  auto f = discover_credentials({"AKID_FLAG", "SECRET_FLAG", "", ""}, h.env());
  REQUIRE(f);
  CHECK(f->first.to_string() == "flag");
  CHECK(f->second.access_key == "AKID_FLAG");
  auto e = discover_credentials({}, h.env());
  REQUIRE(e);
  CHECK(e->first.to_string() == "env");
  CHECK(e->second.secret_key == "SECRET_ENV");
  h.vars.erase("AWS_ACCESS_KEY_ID");
  auto d = discover_credentials({}, h.env());
  REQUIRE(d);
  CHECK(d->first.to_string() == "profile:default");
  CHECK(d->second.access_key == "AKID_DEFAULT");
}

TEST_CASE(
    "credentials: --amazonec2-profile beats environment keys; AWS_PROFILE picks the profile") {
  TempHome h;
  h.write(".aws/credentials", k_files);
  h.vars["AWS_ACCESS_KEY_ID"] = "AKID_ENV";
  h.vars["AWS_SECRET_ACCESS_KEY"] = "SECRET_ENV";
  auto p = discover_credentials({"", "", "", "work"}, h.env());
  REQUIRE(p);
  CHECK(p->first.to_string() == "profile:work");
  CHECK(p->second.session_token == "TOK_WORK");
  h.vars.erase("AWS_ACCESS_KEY_ID");
  h.vars["AWS_PROFILE"] = "work";
  auto q = discover_credentials({}, h.env());
  REQUIRE(q);
  CHECK(q->first.to_string() == "profile:work");
}

TEST_CASE("credentials: keys in ~/.aws/config profiles; AWS_SHARED_CREDENTIALS_FILE and "
          "AWS_CONFIG_FILE honoured") {
  TempHome h;
  h.write(".aws/config", k_config);
  auto c = discover_credentials({"", "", "", "cfgonly"}, h.env());
  REQUIRE(c);
  CHECK(c->second.access_key == "AKID_CFG");
  h.write("elsewhere-creds", "[default]\naws_access_key_id=AKID_ALT\naws_secret_access_key=S\n");
  h.write("elsewhere-config", "[default]\nregion=us-west-2\n");
  h.vars["AWS_SHARED_CREDENTIALS_FILE"] = (h.dir / "elsewhere-creds").string();
  h.vars["AWS_CONFIG_FILE"] = (h.dir / "elsewhere-config").string();
  auto d = discover_credentials({}, h.env());
  REQUIRE(d);
  CHECK(d->second.access_key == "AKID_ALT");
  CHECK(resolve_region("", "default", h.env()) == "us-west-2");
}

TEST_CASE("credentials: nothing configured is one clear line naming the options and files") {
  TempHome h;
  auto r = discover_credentials({}, h.env());
  REQUIRE(!r);
  CHECK(r.error().code == Errc::auth);
  CHECK(r.error().message.find("--amazonec2-access-key") != std::string::npos);
  CHECK(r.error().message.find((h.dir / ".aws/credentials").string()) != std::string::npos);
  CHECK(r.error().message.find('\n') == std::string::npos);
  auto half = discover_credentials({"AKID", "", "", ""}, h.env());
  REQUIRE(!half);
  CHECK(half.error().code == Errc::usage);
}

TEST_CASE("region: flag > AWS_DEFAULT_REGION > AWS_REGION > profile region > us-east-1") {
  TempHome h;
  CHECK(resolve_region("", "default", h.env()) == "us-east-1");
  h.write(".aws/config", k_config);
  CHECK(resolve_region("", "default", h.env()) == "eu-west-1");
  CHECK(resolve_region("", "work", h.env()) == "ap-south-1");
  h.vars["AWS_REGION"] = "eu-north-1";
  CHECK(resolve_region("", "work", h.env()) == "eu-north-1");
  h.vars["AWS_DEFAULT_REGION"] = "eu-central-1";
  CHECK(resolve_region("", "work", h.env()) == "eu-central-1");
  CHECK(resolve_region("ca-central-1", "work", h.env()) == "ca-central-1");
}

TEST_CASE("credentials: a recorded source is resolved again at use time") {
  TempHome h;
  h.write(".aws/credentials", k_files);
  auto p = resolve_credentials(CredentialSource::parse("profile:work"), {}, h.env());
  REQUIRE(p);
  CHECK(p->access_key == "AKID_WORK");
  auto missing = resolve_credentials(CredentialSource::parse("profile:gone"), {}, h.env());
  REQUIRE(!missing);
  CHECK(missing.error().message.find("\"gone\"") != std::string::npos);
  auto env = resolve_credentials(CredentialSource::parse("env"), {}, h.env());
  REQUIRE(!env);
  CHECK(env.error().message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  fs::path file = h.dir / "aws-credentials";
  REQUIRE(write_flag_credentials(file, {"AKID_F", "SECRET_F", "TOK_F"}));
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto f = resolve_credentials(CredentialSource::parse("flag"), file, h.env());
  REQUIRE(f);
  CHECK(f->secret_key == "SECRET_F");
  CHECK(f->session_token == "TOK_F");
}

TEST_CASE("credentials: --help says a secret given as a flag is visible in /proc/PID/cmdline") {
  auto d = make_amazonec2_driver();
  for (std::string flag : {"amazonec2-secret-key", "amazonec2-session-token"}) {
    CAPTURE(flag);
    bool found = false;
    for (const auto &f : d->create_flags())
      if (f.name == flag) {
        found = true;
        CHECK(f.help.find("/proc/PID/cmdline") != std::string::npos);
      }
    CHECK(found);
  }
}

TEST_CASE("amazonec2 credentials: the recorded source is an enum, its text kept in config.json") {
  using K = CredentialSource::Kind;
  CHECK(CredentialSource::parse("flag").kind == K::Flag);
  CHECK(CredentialSource::parse("env").kind == K::Env);
  auto p = CredentialSource::parse("profile:work");
  CHECK(p.kind == K::Profile);
  CHECK(p.text == "work");
  for (const char *s : {"flag", "env", "profile:work", "profile:", "keychain", ""}) {
    CAPTURE(s);
    CHECK(CredentialSource::parse(s).to_string() == s);
  }
  CHECK(CredentialSource::parse("keychain").kind == K::Unknown);
  auto r = resolve_credentials(CredentialSource::parse("keychain"), {},
                               [](const std::string &) { return std::optional<std::string>(); });
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "unknown AWS credential source \"keychain\"");
}
