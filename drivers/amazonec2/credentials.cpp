#include <algorithm>
#include <cstdlib>
#include <drivers/amazonec2/credentials.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <provision/util/fs.hpp>

namespace sc::ec2 {

EnvLookup process_env() {
  return [](const std::string &k) -> std::optional<std::string> {
    const char *v = std::getenv(k.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

namespace {
std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}
std::string env_or(const EnvLookup &env, const std::string &k) {
  auto v = env(k);
  return v ? *v : std::string();
}
fs::path home(const EnvLookup &env) {
  auto h = env_or(env, "HOME");
  return h.empty() ? fs::path("/root") : fs::path(h);
}
Result<IniFile> load_ini(const fs::path &p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return IniFile{};
  auto text = read_file(p);
  if (!text) return fail(text.error());
  return parse_ini(*text);
}
} // namespace

IniFile parse_ini(std::string_view text) {
  IniFile out;
  std::string section;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(std::string_view(line).substr(1, line.size() - 2));
      out[section];
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string k = trim(std::string_view(line).substr(0, eq));
    std::transform(k.begin(), k.end(), k.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out[section][k] = trim(std::string_view(line).substr(eq + 1));
  }
  return out;
}

fs::path shared_credentials_path(const EnvLookup &env) {
  auto p = env_or(env, "AWS_SHARED_CREDENTIALS_FILE");
  return p.empty() ? home(env) / ".aws" / "credentials" : fs::path(p);
}
fs::path shared_config_path(const EnvLookup &env) {
  auto p = env_or(env, "AWS_CONFIG_FILE");
  return p.empty() ? home(env) / ".aws" / "config" : fs::path(p);
}

CredentialSource CredentialSource::parse(const std::string &s) {
  if (s.rfind("profile:", 0) == 0) return {Kind::Profile, s.substr(8)};
  if (s == "flag") return {Kind::Flag, ""};
  if (s == "env") return {Kind::Env, ""};
  return {Kind::Unknown, s};
}

std::string CredentialSource::to_string() const {
  if (kind == Kind::Flag) return "flag";
  if (kind == Kind::Env) return "env";
  if (kind == Kind::Profile) return "profile:" + text;
  return text; // Unknown: as recorded
}

void to_json(nlohmann::json &j, const CredentialSource &c) {
  j = c.to_string();
}

void from_json(const nlohmann::json &j, CredentialSource &c) {
  c = CredentialSource::parse(j.get<std::string>());
}

std::string profile_name(const std::string &flag_profile, const EnvLookup &env) {
  if (!flag_profile.empty()) return flag_profile;
  for (const char *k : {"AWS_PROFILE", "AWS_DEFAULT_PROFILE"})
    if (auto v = env_or(env, k); !v.empty()) return v;
  return "default";
}

namespace {
// Keys of a profile: the credentials file's [NAME], then the config file's [profile NAME]
// ([default] in both), as the AWS CLI does.
Result<std::optional<AwsCredentials>> profile_keys(const std::string &profile,
                                                   const EnvLookup &env) {
  auto creds = load_ini(shared_credentials_path(env));
  if (!creds) return fail(creds.error().context("read AWS shared credentials file"));
  auto conf = load_ini(shared_config_path(env));
  if (!conf) return fail(conf.error().context("read AWS config file"));
  std::vector<const std::map<std::string, std::string> *> secs;
  if (auto it = creds->find(profile); it != creds->end()) secs.push_back(&it->second);
  std::string cs = profile == "default" ? "default" : "profile " + profile;
  if (auto it = conf->find(cs); it != conf->end()) secs.push_back(&it->second);
  for (const auto *s : secs) {
    auto a = s->find("aws_access_key_id");
    auto b = s->find("aws_secret_access_key");
    if (a != s->end() && b != s->end() && !a->second.empty() && !b->second.empty()) {
      AwsCredentials c{a->second, b->second, ""};
      if (auto t = s->find("aws_session_token"); t != s->end()) c.session_token = t->second;
      return std::optional<AwsCredentials>(c);
    }
  }
  return std::optional<AwsCredentials>();
}
} // namespace

Result<std::pair<CredentialSource, AwsCredentials>> discover_credentials(const CredentialInput &in,
                                                                         const EnvLookup &env) {
  if (!in.flag_access_key.empty() || !in.flag_secret_key.empty()) {
    if (in.flag_access_key.empty() || in.flag_secret_key.empty())
      return fail(Errc::usage,
                  "--amazonec2-access-key and --amazonec2-secret-key must be given together");
    return std::pair{CredentialSource{CredentialSource::Kind::Flag, ""},
                     AwsCredentials{in.flag_access_key, in.flag_secret_key, in.flag_session_token}};
  }
  // An explicit --amazonec2-profile wins over keys in the environment.
  if (in.flag_profile.empty()) {
    auto ak = env_or(env, "AWS_ACCESS_KEY_ID"), sk = env_or(env, "AWS_SECRET_ACCESS_KEY");
    if (!ak.empty() && !sk.empty())
      return std::pair{CredentialSource{CredentialSource::Kind::Env, ""},
                       AwsCredentials{ak, sk, env_or(env, "AWS_SESSION_TOKEN")}};
  }
  auto profile = profile_name(in.flag_profile, env);
  auto keys = profile_keys(profile, env);
  if (!keys) return fail(Errc::auth, keys.error().message);
  if (*keys) return std::pair{CredentialSource{CredentialSource::Kind::Profile, profile}, **keys};
  return fail(
      Errc::auth,
      fmt::format("amazonec2 driver requires AWS credentials: use --amazonec2-access-key and "
                  "--amazonec2-secret-key, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                  "profile \"{}\" in {} or {}",
                  profile, shared_credentials_path(env).string(),
                  shared_config_path(env).string()));
}

Result<AwsCredentials> resolve_credentials(const CredentialSource &src, const fs::path &flag_file,
                                           const EnvLookup &env) {
  if (src.kind == CredentialSource::Kind::Flag) {
    auto ini = load_ini(flag_file);
    if (!ini) return fail(Errc::auth, ini.error().message);
    auto it = ini->find("swarmctl");
    if (it == ini->end() || it->second["aws_access_key_id"].empty())
      return fail(Errc::auth,
                  fmt::format("the AWS keys given as flags at create time are missing from {}",
                              flag_file.string()));
    return AwsCredentials{it->second["aws_access_key_id"], it->second["aws_secret_access_key"],
                          it->second["aws_session_token"]};
  }
  if (src.kind == CredentialSource::Kind::Env) {
    auto ak = env_or(env, "AWS_ACCESS_KEY_ID"), sk = env_or(env, "AWS_SECRET_ACCESS_KEY");
    if (ak.empty() || sk.empty())
      return fail(Errc::auth,
                  "this machine was created with AWS credentials from the environment: set "
                  "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    return AwsCredentials{ak, sk, env_or(env, "AWS_SESSION_TOKEN")};
  }
  if (src.kind == CredentialSource::Kind::Profile) {
    auto keys = profile_keys(src.text, env);
    if (!keys) return fail(Errc::auth, keys.error().message);
    if (!*keys)
      return fail(
          Errc::auth,
          fmt::format("AWS profile \"{}\" (used to create this machine) has no keys in {} or {}",
                      src.text, shared_credentials_path(env).string(),
                      shared_config_path(env).string()));
    return **keys;
  }
  return fail(Errc::auth, fmt::format("unknown AWS credential source \"{}\"", src.text));
}

Status write_flag_credentials(const fs::path &file, const AwsCredentials &c) {
  std::string text = "# AWS keys given as flags to `swarmctl create`; read by this machine's "
                     "driver.\n[swarmctl]\n";
  text += "aws_access_key_id = " + c.access_key + "\n";
  text += "aws_secret_access_key = " + c.secret_key + "\n";
  if (!c.session_token.empty()) text += "aws_session_token = " + c.session_token + "\n";
  return atomic_write(file, text, 0600);
}

std::string resolve_region(const std::string &flag_region, const std::string &profile,
                           const EnvLookup &env) {
  if (!flag_region.empty()) return flag_region;
  for (const char *k : {"AWS_DEFAULT_REGION", "AWS_REGION"})
    if (auto v = env_or(env, k); !v.empty()) return v;
  auto conf = load_ini(shared_config_path(env));
  if (conf) {
    std::string cs = profile == "default" ? "default" : "profile " + profile;
    if (auto it = conf->find(cs); it != conf->end())
      if (auto r = it->second.find("region"); r != it->second.end() && !r->second.empty())
        return r->second;
  }
  return "us-east-1";
}

} // namespace sc::ec2
