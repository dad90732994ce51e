#include <cmd/format/config_format.hpp>
#include <fmt/format.h>

namespace sc {
std::string go_quote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '$': // not Go's: inside a shell's double quotes these would expand under `eval`
      out += "\\$";
      break;
    case '`':
      out += "\\`";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20 || c == 0x7f)
        out += fmt::format("\\x{:02x}", c);
      else
        out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

namespace {
// tcp://HOST:PORT made of characters no shell treats specially.
bool plain_url(const std::string &url) {
  if (url.rfind("tcp://", 0) != 0) return false;
  return url.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:-[]/", 6) ==
         std::string::npos;
}
} // namespace

std::string render_config(const std::string &ca, const std::string &cert, const std::string &key,
                          const std::string &url) {
  // -H stays bare as docker-machine printed it: `docker $(swarmctl config m) ps` hands the words
  // to docker unquoted, and the Docker CLI strips quotes from --tlscacert="..." but not from -H
  // ("invalid bind address format"). URLs are validated before this; a URL with any other
  // character is still quoted rather than handed to a shell raw.
  return fmt::format("--tlsverify\n--tlscacert={}\n--tlscert={}\n--tlskey={}\n-H={}\n",
                     go_quote(ca), go_quote(cert), go_quote(key),
                     plain_url(url) ? url : go_quote(url));
}
} // namespace sc
