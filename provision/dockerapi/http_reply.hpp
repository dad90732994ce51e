#pragma once
// The engine's HTTP/1.1 replies, parsed from the raw bytes read off the TLS connection. An engine
// is a remote host: everything here treats the bytes as hostile (bounded, no exceptions).
#include <cstddef>
#include <provision/util/result.hpp>
#include <string>
#include <string_view>

namespace sc {

struct HttpReply {
  int status = 0;
  std::string body;
};

// The most the client reads from an engine for one request. /_ping and /version answer a few
// hundred bytes; anything beyond this is refused instead of filling memory.
inline constexpr std::size_t k_max_engine_reply = 1 << 20;

// Parses "HTTP/1.x NNN reason\r\nheaders\r\n\r\nbody": a chunked body is decoded, a body longer
// than its Content-Length is cut to it. Errc::parse on a malformed status line, header block,
// Content-Length or chunk.
Result<HttpReply> parse_http_reply(std::string_view raw);

// Decodes a Transfer-Encoding: chunked body ("SIZE[;ext]\r\nDATA\r\n"... "0\r\n\r\n").
// Errc::parse on a size that is not hex or overflows, or a chunk that is cut short.
Result<std::string> dechunk(std::string_view body);

// The engine's version from its reply to GET /version: the "Version" member of the JSON body,
// made printable (printable_word: a hostile engine cannot put escape sequences or newlines on
// the user's terminal). Errc::remote_failed for a status other than 200, Errc::parse for a body
// that is not a version object (the body itself is never quoted).
Result<std::string> version_from_reply(const HttpReply &reply);

} // namespace sc
