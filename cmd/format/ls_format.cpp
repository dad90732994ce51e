#include <algorithm>
#include <cmd/format/gotemplate.hpp>
#include <cmd/format/ls_format.hpp>
#include <fmt/format.h>
#include <regex>
#include <sstream>
#include <variant>

namespace sc {

namespace {
const char *k_default_format = "table {{ .Name }}\t{{ .Active }}\t{{ .DriverName}}\t{{ .State "
                               "}}\t{{ .URL }}\t{{ .Swarm }}\t{{ .DockerVersion }}\t{{ .Error}}";

size_t display_width(const std::string &s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

// docker-machine's ls fields: the key, the table header, the row's member.
struct LsColumn {
  const char *key, *header;
  std::variant<std::string LsRow::*, bool LsRow::*, nlohmann::json LsRow::*> member;
};
const LsColumn k_columns[] = {{"Name", "NAME", &LsRow::name},
                              {"Active", "ACTIVE", &LsRow::active},
                              {"ActiveHost", "ACTIVE_HOST", &LsRow::active_host},
                              {"ActiveSwarm", "ACTIVE_SWARM", &LsRow::active_swarm},
                              {"DriverName", "DRIVER", &LsRow::driver},
                              {"State", "STATE", &LsRow::state},
                              {"URL", "URL", &LsRow::url},
                              {"SwarmOptions", "SWARM_OPTIONS", &LsRow::swarm_options},
                              {"Swarm", "SWARM", &LsRow::swarm},
                              {"EngineOptions", "ENGINE_OPTIONS", &LsRow::engine_options},
                              {"Error", "ERRORS", &LsRow::error},
                              {"DockerVersion", "DOCKER", &LsRow::docker},
                              {"ResponseTime", "RESPONSE", &LsRow::response_time}};

nlohmann::json row_json(const LsRow &r) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto &c : k_columns)
    std::visit([&](auto member) { j[c.key] = r.*member; }, c.member);
  return j;
}

nlohmann::json header_json() {
  nlohmann::json j = nlohmann::json::object();
  for (const auto &c : k_columns)
    j[c.key] = c.header;
  return j;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 't' || s[i + 1] == 'n')) {
      out += s[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}
} // namespace

std::string tabwrite(const std::string &text) {
  std::vector<std::vector<std::string>> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      cells.push_back(
          line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    lines.push_back(std::move(cells));
  }
  // Column k (tab-terminated cells only) is aligned over each run of consecutive lines that have
  // it.
  std::vector<std::vector<size_t>> width(lines.size());
  for (size_t i = 0; i < lines.size(); ++i)
    width[i].assign(lines[i].size(), 0);
  size_t max_cols = 0;
  for (const auto &l : lines)
    max_cols = std::max(max_cols, l.size());
  for (size_t col = 0; col + 1 < max_cols; ++col) {
    size_t i = 0;
    while (i < lines.size()) {
      if (lines[i].size() <= col + 1) {
        ++i;
        continue;
      }
      size_t j = i, w = 0;
      while (j < lines.size() && lines[j].size() > col + 1)
        w = std::max(w, display_width(lines[j][col])), ++j;
      w = std::max<size_t>(w + 3, 5);
      for (size_t k = i; k < j; ++k)
        width[k][col] = w;
      i = j;
    }
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    for (size_t c = 0; c < lines[i].size(); ++c) {
      out += lines[i][c];
      if (c + 1 < lines[i].size())
        out += std::string(width[i][c] - display_width(lines[i][c]), ' ');
    }
    out += '\n';
  }
  return out;
}

Result<std::string> render_ls(const std::vector<LsRow> &rows, std::string_view format) {
  if (format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto &r : rows)
      arr.push_back(row_json(r));
    return arr.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::string f = format.empty() ? std::string(k_default_format) : unescape(format);
  bool table = f.rfind("table", 0) == 0;
  if (table) f = f.substr(5);
  if (table && !f.empty() && (f[0] == ' ' || f[0] == '\t')) f = f.substr(1);
  std::string text;
  if (table) {
    auto h = render_go_template(f, header_json());
    if (!h) return fail(h.error());
    text += *h + "\n";
  }
  for (const auto &r : rows) {
    auto line = render_go_template(f, row_json(r));
    if (!line) return fail(line.error());
    text += *line + "\n";
  }
  return table || format.empty() ? tabwrite(text) : text;
}

Result<LsFilter> parse_ls_filters(const std::vector<std::string> &filters) {
  LsFilter f;
  for (const auto &raw : filters) {
    auto eq = raw.find('=');
    if (eq == std::string::npos) return fail(Errc::generic, "Unsupported filter syntax.");
    std::string key = raw.substr(0, eq), value = raw.substr(eq + 1);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (key == "driver")
      f.driver.push_back(value);
    else if (key == "state")
      f.state.push_back(value);
    else if (key == "name") {
      try {
        std::regex test(value);
      } catch (const std::regex_error &e) {
        return fail(Errc::generic, fmt::format("error parsing regexp: {}: `{}`", e.what(), value));
      }
      f.name.push_back(value);
    } else if (key == "swarm")
      f.swarm.push_back(value);
    else if (key == "label")
      f.label.push_back(value);
    else
      return fail(Errc::generic, fmt::format("Unsupported filter key '{}'", key));
  }
  return f;
}

namespace {
bool ieq(const std::string &a, const std::string &b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
template <class F> bool any_or_empty(const std::vector<std::string> &values, F f) {
  if (values.empty()) return true;
  return std::any_of(values.begin(), values.end(), f);
}
} // namespace

bool ls_filter_match(const LsFilter &f, const LsFilterSubject &s) {
  return any_or_empty(f.driver, [&](const std::string &v) { return ieq(v, s.driver); }) &&
         any_or_empty(f.state, [&](const std::string &v) { return ieq(v, s.state); }) &&
         any_or_empty(
             f.name,
             [&](const std::string &v) { return std::regex_search(s.name, std::regex(v)); }) &&
         any_or_empty(f.swarm, [&](const std::string &v) { return v == s.swarm_master; }) &&
         any_or_empty(f.label, [&](const std::string &v) {
           auto eq = v.find('=');
           for (const auto &l : s.labels) {
             auto le = l.find('=');
             if (eq == std::string::npos ? l.substr(0, le) == v
                                         : (l.substr(0, le) == v.substr(0, eq) &&
                                            ieq(l.substr(le + 1), v.substr(eq + 1))))
               return true;
           }
           return false;
         });
}

bool ls_filter_needs_state(const LsFilter &f) {
  return !f.state.empty();
}

} // namespace sc
