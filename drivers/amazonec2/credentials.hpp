#pragma once
// Where AWS credentials and the region come from. The machine record stores only the *source*
// (never a secret); credentials are resolved again every time the driver talks to AWS.
#include <drivers/amazonec2/sigv4.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <provision/util/result.hpp>
#include <string>

namespace sc::ec2 {
namespace fs = std::filesystem;

// Reads an environment variable; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string &)>;
EnvLookup process_env();

// An INI file as the AWS CLI writes it: sections -> keys -> values (keys lower-cased).
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile parse_ini(std::string_view text);

// ~/.aws/credentials ($AWS_SHARED_CREDENTIALS_FILE) and ~/.aws/config ($AWS_CONFIG_FILE).
fs::path shared_credentials_path(const EnvLookup &env);
fs::path shared_config_path(const EnvLookup &env);

// The credential source recorded in config.json:
//   "flag"          the keys were given as flags; they live in MACHINE_DIR/aws-credentials (0600)
//   "env"           AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
//   "profile:NAME"  a profile of the shared credentials/config files
// Unknown: any other text (an older or damaged record), kept as `text` for the next save.
struct CredentialSource {
  enum class Kind { Flag, Env, Profile, Unknown };
  Kind kind = Kind::Unknown;
  std::string text; // Profile: the profile's name; Unknown: the recorded text
  std::string to_string() const;
  static CredentialSource parse(const std::string &s);
};
// config.json's "CredentialSource" (nlohmann's ADL hooks): to_string() written, parse() read; a
// value that is not a string throws nlohmann's type_error, as for any other key.
void to_json(nlohmann::json &j, const CredentialSource &c);
void from_json(const nlohmann::json &j, CredentialSource &c);

struct CredentialInput {
  std::string flag_access_key, flag_secret_key, flag_session_token;
  std::string flag_profile; // --amazonec2-profile
};

// Picks the source at create time: flags (both keys) > environment (both keys) > profile
// (--amazonec2-profile > AWS_PROFILE > "default") when that profile has keys.
// Errc::auth with one line naming what to set when nothing is found.
Result<std::pair<CredentialSource, AwsCredentials>> discover_credentials(const CredentialInput &in,
                                                                         const EnvLookup &env);

// Resolves a recorded source again (flag_file is the machine's aws-credentials file).
Result<AwsCredentials> resolve_credentials(const CredentialSource &src, const fs::path &flag_file,
                                           const EnvLookup &env);

// Writes / reads the machine's aws-credentials file (INI, [swarmctl] section, 0600).
Status write_flag_credentials(const fs::path &file, const AwsCredentials &c);

// Region: flag > AWS_DEFAULT_REGION > AWS_REGION > region of the profile in the config file >
// "us-east-1".
std::string resolve_region(const std::string &flag_region, const std::string &profile,
                           const EnvLookup &env);

// Profile name used for files: flag > AWS_PROFILE > AWS_DEFAULT_PROFILE > "default".
std::string profile_name(const std::string &flag_profile, const EnvLookup &env);

} // namespace sc::ec2
