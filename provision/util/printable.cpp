#include <provision/util/printable.hpp>

namespace sc {

std::string printable_word(std::string_view word, std::size_t max) {
  std::string out;
  for (char c : word.substr(0, max))
    out += c > ' ' && c < 0x7f ? c : '?';
  return out;
}

} // namespace sc
