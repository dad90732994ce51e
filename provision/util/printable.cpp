#include <provision/util/printable.hpp>

namespace sc {

std::string printable_word(std::string_view word, std::size_t max) {
  std::string out;
  for (char c : word.substr(0, max))
    out += c > ' ' && c < 0x7f ? c : '?';
  return out;
}

std::string printable_line(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max))
    out += c >= ' ' && c < 0x7f ? c : '?';
  if (text.size() > max) out += "...";
  return out;
}

} // namespace sc
