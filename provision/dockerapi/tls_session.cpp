#include <sys/stat.h>

#include <charconv>
#include <fmt/format.h>
#include <provision/dockerapi/tls_session.hpp>
#include <provision/util/fs.hpp>

namespace sc {
namespace {

constexpr std::string_view k_magic = "swarmctl-tls-session 1 ";
constexpr std::size_t k_max_file = 16 * 1024;

// A DER length at `pos` (short or long form, at most 4 bytes): false when malformed or running
// past the end of `d`.
bool read_der_length(std::string_view d, std::size_t &pos, std::size_t &len) {
  if (pos >= d.size()) return false;
  auto first = static_cast<unsigned char>(d[pos++]);
  if (first < 0x80) {
    len = first;
  } else {
    unsigned n = first & 0x7fu;
    if (n == 0 || n > 4) return false;
    len = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (pos >= d.size()) return false;
      len = (len << 8) | static_cast<unsigned char>(d[pos++]);
    }
  }
  return len <= d.size() - pos;
}

std::string der_length(std::size_t len) {
  if (len < 0x80) return std::string(1, static_cast<char>(len));
  std::string bytes;
  for (; len; len >>= 8)
    bytes.insert(bytes.begin(), static_cast<char>(len & 0xff));
  return std::string(1, static_cast<char>(0x80 | bytes.size())) + bytes;
}

} // namespace

std::string strip_session_peer(std::string_view der) {
  std::size_t pos = 1, len = 0;
  if (der.empty() || static_cast<unsigned char>(der[0]) != 0x30 ||
      !read_der_length(der, pos, len) || pos + len != der.size())
    return {};
  std::string body;
  while (pos < der.size()) {
    std::size_t start = pos;
    auto tag = static_cast<unsigned char>(der[pos++]);
    if ((tag & 0x1f) == 0x1f || !read_der_length(der, pos, len)) return {};
    pos += len;
    if (tag != 0xa3) body.append(der.substr(start, pos - start)); // [3] = the peer certificate
  }
  return "\x30" + der_length(body.size()) + body;
}

std::string session_binding(const std::string &host, int port, const std::vector<fs::path> &files) {
  std::string b = fmt::format("{}:{}", host, port);
  for (const auto &f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0)
      b += "|-";
    else
      b += fmt::format("|{}:{}:{}:{}.{}", st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec,
                       st.st_mtim.tv_nsec);
  }
  return b;
}

SessionPtr load_session(const fs::path &file, const std::string &binding, std::time_t now) {
  auto text = read_file(file, k_max_file);
  if (!text) return nullptr;
  // "swarmctl-tls-session 1 NOT_AFTER BINDING\n" then the session's DER.
  auto nl = text->find('\n');
  if (nl == std::string::npos || text->compare(0, k_magic.size(), k_magic) != 0) return nullptr;
  std::string_view head(text->data() + k_magic.size(), nl - k_magic.size());
  auto sp = head.find(' ');
  if (sp == std::string_view::npos || head.substr(sp + 1) != binding) return nullptr;
  long long not_after = 0;
  auto [end, ec] = std::from_chars(head.data(), head.data() + sp, not_after);
  if (ec != std::errc() || end != head.data() + sp || now >= not_after) return nullptr;
  const auto *der = reinterpret_cast<const unsigned char *>(text->data() + nl + 1);
  const unsigned char *p = der;
  auto size = static_cast<long>(text->size() - nl - 1);
  SessionPtr s(d2i_SSL_SESSION(nullptr, &p, size));
  if (!s || p != der + size) return nullptr;
  return s;
}

Status save_session(const fs::path &file, const std::string &binding, SSL_SESSION *s,
                    std::time_t not_after) {
  int n = i2d_SSL_SESSION(s, nullptr);
  if (n <= 0) return fail(Errc::io, "cannot encode the TLS session");
  std::string der(static_cast<std::size_t>(n), '\0');
  auto *p = reinterpret_cast<unsigned char *>(der.data());
  i2d_SSL_SESSION(s, &p);
  std::string stripped = strip_session_peer(der);
  if (stripped.empty()) return fail(Errc::io, "cannot encode the TLS session");
  return atomic_write(
      file,
      fmt::format("{}{} {}\n", k_magic, static_cast<long long>(not_after), binding) + stripped,
      0600, Durability::cache);
}

} // namespace sc
