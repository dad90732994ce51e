#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <provision/dockerapi/http_reply.hpp>
#include <provision/util/number.hpp>
#include <provision/util/printable.hpp>

namespace sc {
namespace {

Error bad(std::string_view what) {
  return Error{Errc::parse,
               fmt::format("malformed HTTP response from the Docker engine: {}", what)};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "HTTP/1.1 200 OK" -> 200.
Result<int> status_code(std::string_view line) {
  if (line.substr(0, 5) != "HTTP/") return fail(bad("no status line"));
  auto sp = line.find(' ');
  if (sp == std::string_view::npos) return fail(bad("no status code"));
  auto code = parse_number_in<int>(line.substr(sp + 1, 3), 100, 999);
  if (!code || (line.size() > sp + 4 && line[sp + 4] != ' ')) return fail(bad("bad status code"));
  return *code;
}

} // namespace

Result<std::string> dechunk(std::string_view body) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) return fail(bad("chunk size line not terminated"));
    auto line = body.substr(pos, eol - pos);
    line = trim(line.substr(0, line.find(';'))); // chunk extensions are ignored
    auto n = parse_number<size_t>(line, 16);
    if (!n) return fail(bad(fmt::format("bad chunk size '{}'", printable_word(line, 20))));
    pos = eol + 2;
    if (*n == 0) return out; // trailers, if any, are not needed
    if (*n > body.size() - pos || body.size() - pos - *n < 2) return fail(bad("chunk cut short"));
    if (body.substr(pos + *n, 2) != "\r\n") return fail(bad("chunk not followed by CRLF"));
    out.append(body.substr(pos, *n));
    pos += *n + 2;
  }
}

Result<HttpReply> parse_http_reply(std::string_view raw) {
  auto hdr_end = raw.find("\r\n\r\n");
  if (hdr_end == std::string_view::npos) return fail(bad("no end of headers"));
  auto headers = raw.substr(0, hdr_end);
  auto eol = headers.find("\r\n");
  HttpReply reply;
  auto code = status_code(headers.substr(0, eol));
  if (!code) return fail(code.error());
  reply.status = *code;
  bool chunked = false;
  std::optional<size_t> length;
  while (eol != std::string_view::npos) {
    size_t next = headers.find("\r\n", eol + 2);
    auto line = headers.substr(eol + 2, next == std::string_view::npos ? next : next - eol - 2);
    eol = next;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(bad("header line without ':'"));
    auto name = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (iequals(name, "transfer-encoding")) chunked = iequals(value, "chunked");
    if (iequals(name, "content-length")) {
      length = parse_number<size_t>(value);
      if (!length) return fail(bad("bad Content-Length"));
    }
  }
  auto body = raw.substr(hdr_end + 4);
  if (chunked) {
    auto d = dechunk(body);
    if (!d) return fail(d.error());
    reply.body = std::move(*d);
  } else if (length) {
    if (body.size() < *length) return fail(bad("body shorter than its Content-Length"));
    reply.body = std::string(body.substr(0, *length));
  } else {
    reply.body = std::string(body);
  }
  return reply;
}

Result<std::string> version_from_reply(const HttpReply &reply) {
  if (reply.status != 200)
    return fail(Errc::remote_failed, fmt::format("GET /version: HTTP {}", reply.status));
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Version") || !j["Version"].is_string())
    return fail(Errc::parse, "GET /version: the reply is not a version object");
  return printable_word(j["Version"].get_ref<const std::string &>());
}

} // namespace sc
