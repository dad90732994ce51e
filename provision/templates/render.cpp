#include <fmt/format.h>
#include <map>
#include <provision/templates/render.hpp>
#include <set>

namespace sc::templates_data {
const std::map<std::string, std::string_view> &all();
}

namespace sc {

Result<std::string> render_text(std::string_view text,
                                const std::map<std::string, std::string> &values,
                                std::string_view name) {
  std::string out;
  std::set<std::string> used;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      out.append(text.substr(pos));
      break;
    }
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos)
      return fail(Errc::generic, fmt::format("{}: unclosed {{{{", name));
    out.append(text.substr(pos, open - pos));
    std::string key(text.substr(open + 2, close - open - 2));
    auto it = values.find(key);
    if (it == values.end())
      return fail(Errc::generic, fmt::format("{}: no value for {{{{{}}}}}", name, key));
    out += it->second;
    used.insert(key);
    pos = close + 2;
  }
  for (const auto &[k, v] : values)
    if (!used.count(k))
      return fail(Errc::generic, fmt::format("{}: value {} is not used", name, k));
  return out;
}

Result<std::string> render_template(std::string_view name,
                                    const std::map<std::string, std::string> &values) {
  const auto &all = templates_data::all();
  auto it = all.find(std::string(name));
  if (it == all.end())
    return fail(Errc::not_found, fmt::format("template {} is not embedded", name));
  return render_text(it->second, values, name);
}

} // namespace sc
