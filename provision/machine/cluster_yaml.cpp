#include <fmt/format.h>
#include <provision/machine/cluster_yaml.hpp>
#include <provision/util/number.hpp>

namespace sc::cluster_yaml {

Error Ctx::at(const YAML::Node &n, const std::string &msg) const {
  auto mk = n.Mark();
  if (mk.is_null() || mk.line < 0) return Error{Errc::usage, fmt::format("{}: {}", src, msg)};
  return Error{Errc::usage, fmt::format("{}:{}:{}: {}", src, mk.line + 1, mk.column + 1, msg)};
}

std::string key_path(const std::string &where, const std::string &key) {
  auto q = quote_value(key);
  auto k = q.substr(1, q.size() - 2); // without the quotes
  return where == k_root ? k : where + "." + k;
}

std::string kind_name(const YAML::Node &n) {
  if (n.IsScalar()) return "a string";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

std::string quote_value(const std::string &v) {
  std::string out;
  for (char ch : v.substr(0, 40))
    out += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f ? '?' : ch;
  return "'" + out + (v.size() > 40 ? "...'" : "'");
}

Result<std::vector<std::pair<std::string, YAML::Node>>>
entries(const Ctx &c, const YAML::Node &map, const std::set<std::string> &allowed,
        const std::string &where) {
  if (!map.IsMap())
    return fail(c.at(map, fmt::format("{} must be a mapping, got {}", where, kind_name(map))));
  std::vector<std::pair<std::string, YAML::Node>> out;
  std::map<std::string, YAML::Mark> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar())
      return fail(c.at(it->first, fmt::format("a key in {} must be a string, got {}", where,
                                              kind_name(it->first))));
    auto key = it->first.Scalar();
    if (!allowed.empty() && !allowed.count(key))
      return fail(c.at(it->first, fmt::format("unknown key {} in {}", quote_value(key), where)));
    auto mk = it->first.Mark();
    if (auto [first, fresh] = seen.emplace(key, mk); !fresh)
      return fail(
          c.at(it->first, fmt::format("duplicate key {} in {} (first at {}:{})", quote_value(key),
                                      where, first->second.line + 1, first->second.column + 1)));
    // An empty value ("driver:") is a null node positioned at the next token: report the key.
    if (it->second.IsNull())
      return fail(c.at(it->first, fmt::format("'{}' has no value", key_path(where, key))));
    out.emplace_back(key, it->second);
  }
  return out;
}

Result<std::string> string_at(const Ctx &c, const YAML::Node &n, const std::string &key) {
  if (!n.IsScalar())
    return fail(c.at(n, fmt::format("'{}' must be a string, got {}", key, kind_name(n))));
  return n.Scalar();
}

Result<std::vector<std::string>> strings_at(const Ctx &c, const YAML::Node &n,
                                            const std::string &key) {
  if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
  if (!n.IsSequence())
    return fail(c.at(
        n, fmt::format("'{}' must be a string or a list of strings, got {}", key, kind_name(n))));
  std::vector<std::string> out;
  for (const auto &e : n) {
    if (!e.IsScalar())
      return fail(
          c.at(e, fmt::format("'{}' must be a list of strings, got {} in it", key, kind_name(e))));
    out.push_back(e.Scalar());
  }
  return out;
}

Result<long long> integer_at(const Ctx &c, const YAML::Node &n, const std::string &key,
                             long long lo, long long hi) {
  auto bad = [&](const std::string &got) {
    return fail(
        c.at(n, fmt::format("'{}' must be an integer from {} to {}, got {}", key, lo, hi, got)));
  };
  if (!n.IsScalar()) return bad(kind_name(n));
  if (auto v = parse_number_in<long long>(n.Scalar(), lo, hi)) return *v;
  return bad(quote_value(n.Scalar()));
}

Result<bool> boolean_at(const Ctx &c, const YAML::Node &n, const std::string &key) {
  if (n.IsScalar()) {
    const auto &v = n.Scalar();
    for (const char *t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})
      if (v == t) return true;
    for (const char *f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})
      if (v == f) return false;
  }
  return fail(c.at(n, fmt::format("'{}' must be true or false, got {}", key,
                                  n.IsScalar() ? quote_value(n.Scalar()) : kind_name(n))));
}

} // namespace sc::cluster_yaml
