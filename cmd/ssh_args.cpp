#include <algorithm>
#include <cctype>
#include <cmd/ssh_args.hpp>
#include <fmt/format.h>

namespace sc {

namespace {
// ssh(1)'s options that take a value (OpenSSH 9's getopt string).
bool takes_value(char c) {
  return std::string_view("BbcDEeFIiJLlmOopQRSWw").find(c) != std::string_view::npos;
}

// `-o Key=Value` options that change nothing for swarmctl's client: host keys are pinned in the
// machine's known_hosts, and logging is swarmctl's own.
bool harmless_o(const std::string &kv) {
  auto key = kv.substr(0, kv.find_first_of("= "));
  for (const char *k : {"StrictHostKeyChecking", "UserKnownHostsFile", "LogLevel", "ConnectTimeout",
                        "ServerAliveInterval", "ServerAliveCountMax", "Compression",
                        "PasswordAuthentication", "IdentitiesOnly"})
    if (key.size() == std::string_view(k).size() &&
        std::equal(key.begin(), key.end(), k,
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return true;
  return false;
}

Status apply_flag(char c, SshInvocation &inv) {
  switch (c) {
  case 'C':
    inv.compression = true;
    return ok();
  case 't':
    inv.tty = SshInvocation::Tty::Force;
    return ok();
  case 'T':
    inv.tty = SshInvocation::Tty::Never;
    return ok();
  case 'q': // quiet: swarmctl's client prints no diagnostics anyway
  case '4':
  case '6':
    return ok();
  default:
    return fail(
        Errc::usage,
        fmt::format("ssh option -{} is not supported: the built-in SSH client connects with "
                    "the machine's address, user and key only",
                    c));
  }
}
} // namespace

Result<SshInvocation> parse_ssh_args(const std::vector<std::string> &words) {
  SshInvocation inv;
  size_t i = 0;
  if (i < words.size() && !words[i].empty() && words[i][0] != '-') inv.name = words[i++];
  for (; i < words.size(); ++i) {
    const auto &w = words[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w.size() < 2 || w[0] != '-') break;
    for (size_t k = 1; k < w.size(); ++k) {
      char c = w[k];
      if (!takes_value(c)) {
        SC_TRY(apply_flag(c, inv));
        continue;
      }
      // The value is the rest of this word, or the next word.
      std::string value = w.substr(k + 1);
      if (value.empty()) {
        if (i + 1 >= words.size())
          return fail(Errc::usage, fmt::format("ssh option -{} needs a value", c));
        value = words[++i];
      }
      if (c == 'o' && harmless_o(value)) {
        if (value.rfind("Compression", 0) == 0 && value.find("yes") != std::string::npos)
          inv.compression = true;
        break;
      }
      return fail(
          Errc::usage,
          fmt::format("ssh option -{} {} is not supported: the built-in SSH client connects "
                      "with the machine's address, user and key only",
                      c, value));
    }
  }
  inv.command.assign(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  return inv;
}

} // namespace sc
