#include <cmd/format/gotemplate.hpp>
#include <fmt/format.h>
#include <memory>
#include <provision/util/number.hpp>
#include <vector>

namespace sc {

std::string go_print(const nlohmann::json &v) {
  switch (v.type()) {
  case nlohmann::json::value_t::null:
    return "<no value>";
  case nlohmann::json::value_t::string:
    return v.get<std::string>();
  case nlohmann::json::value_t::boolean:
    return v.get<bool>() ? "true" : "false";
  case nlohmann::json::value_t::number_integer:
    return std::to_string(v.get<long long>());
  case nlohmann::json::value_t::number_unsigned:
    return std::to_string(v.get<unsigned long long>());
  case nlohmann::json::value_t::number_float: {
    double d = v.get<double>();
    if (d == static_cast<long long>(d) && std::abs(d) < 1e21)
      return std::to_string(static_cast<long long>(d));
    return fmt::format("{}", d);
  }
  case nlohmann::json::value_t::array: {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? " " : "") + go_print(v[i]);
    return s + "]";
  }
  case nlohmann::json::value_t::object: {
    std::string s = "map[";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) { // nlohmann::json keeps keys sorted
      s += (first ? "" : " ") + it.key() + ":" + go_print(it.value());
      first = false;
    }
    return s + "]";
  }
  default:
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

namespace {

struct Node {
  enum Kind { Text, Action, If, Range } kind = Text;
  std::string text; // Text: literal; Action/If/Range: the pipeline source
  std::vector<std::unique_ptr<Node>> body, else_body;
};

constexpr size_t k_max_template_output = 4 << 20;

Error terr(const std::string &m) {
  return Error{Errc::usage, "template: " + m};
}

// Splits a pipeline source into tokens: strings ("..."), and words.
Result<std::vector<std::string>> tokens(const std::string &src) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < src.size()) {
    char c = src[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '"') {
      std::string s = "\"";
      ++i;
      while (i < src.size() && src[i] != '"') {
        if (src[i] == '\\' && i + 1 < src.size()) {
          char n = src[++i];
          s += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        } else {
          s += src[i];
        }
        ++i;
      }
      if (i >= src.size()) return fail(terr("unterminated quoted string"));
      ++i;
      out.push_back(s);
      continue;
    }
    if (c == '|') {
      out.push_back("|");
      ++i;
      continue;
    }
    size_t j = i;
    while (j < src.size() && !std::isspace(static_cast<unsigned char>(src[j])) && src[j] != '|')
      ++j;
    out.push_back(src.substr(i, j - i));
    i = j;
  }
  return out;
}

class Engine {
public:
  explicit Engine(const nlohmann::json &root) : m_root(root) {}

  Result<nlohmann::json> operand(const std::string &tok, const nlohmann::json &dot) {
    if (!tok.empty() && tok[0] == '"') return nlohmann::json(tok.substr(1));
    if (tok == ".") return dot;
    if (tok[0] == '.' || tok[0] == '$') {
      const nlohmann::json *cur = tok[0] == '$' ? &m_root : &dot;
      size_t pos = tok[0] == '$' ? 1 : 0;
      while (pos < tok.size() && tok[pos] == '.') {
        size_t end = tok.find('.', pos + 1);
        std::string key =
            tok.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
        if (key.empty()) break;
        if (!cur->is_object()) {
          if (cur->is_null()) return nlohmann::json();
          return fail(
              terr(fmt::format("can't evaluate field {} in type {}", key, cur->type_name())));
        }
        auto it = cur->find(key);
        if (it == cur->end()) return nlohmann::json();
        cur = &*it;
        pos = end == std::string::npos ? tok.size() : end;
      }
      return *cur;
    }
    if (tok == "true") return nlohmann::json(true);
    if (tok == "false") return nlohmann::json(false);
    if (auto v = parse_number<long long>(tok)) return nlohmann::json(*v);
    return fail(terr(fmt::format("function \"{}\" not defined", tok)));
  }

  Result<nlohmann::json> call(const std::string &fn, const std::vector<nlohmann::json> &args) {
    auto need = [&](size_t n) -> Status {
      if (args.size() != n)
        return fail(
            terr(fmt::format("wrong number of args for {}: want {} got {}", fn, n, args.size())));
      return ok();
    };
    if (fn == "json") {
      SC_TRY(need(1));
      return nlohmann::json(args[0].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (fn == "prettyjson") {
      SC_TRY(need(1));
      return nlohmann::json(args[0].dump(4, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (fn == "len") {
      SC_TRY(need(1));
      if (args[0].is_string()) return nlohmann::json(args[0].get<std::string>().size());
      if (args[0].is_array() || args[0].is_object()) return nlohmann::json(args[0].size());
      return fail(terr("len of " + std::string(args[0].type_name())));
    }
    if (fn == "upper" || fn == "lower") {
      SC_TRY(need(1));
      std::string s = go_print(args[0]);
      for (auto &c : s)
        c = static_cast<char>(fn == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                            : std::tolower(static_cast<unsigned char>(c)));
      return nlohmann::json(s);
    }
    if (fn == "index") {
      if (args.size() < 2) return fail(terr("index needs a collection and a key"));
      nlohmann::json cur = args[0];
      for (size_t i = 1; i < args.size(); ++i) {
        if (cur.is_array() && args[i].is_number_integer()) {
          auto k = args[i].get<long long>();
          if (k < 0 || static_cast<size_t>(k) >= cur.size())
            return fail(terr("index out of range"));
          cur = cur[static_cast<size_t>(k)];
        } else if (cur.is_object() && args[i].is_string()) {
          auto it = cur.find(args[i].get<std::string>());
          cur = it == cur.end() ? nlohmann::json() : *it;
        } else {
          return fail(terr("can't index item of type " + std::string(cur.type_name())));
        }
      }
      return cur;
    }
    if (fn == "printf") {
      if (args.empty() || !args[0].is_string()) return fail(terr("printf needs a format string"));
      std::string f = args[0].get<std::string>(), out;
      size_t ai = 1;
      for (size_t i = 0; i < f.size(); ++i) {
        if (f[i] != '%' || i + 1 >= f.size()) {
          out += f[i];
          continue;
        }
        char v = f[++i];
        if (v == '%') {
          out += '%';
          continue;
        }
        if (ai >= args.size()) {
          out += "%!" + std::string(1, v) + "(MISSING)";
          continue;
        }
        const auto &a = args[ai++];
        if (v == 'q')
          out += nlohmann::json(go_print(a))
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        else
          out += go_print(a);
      }
      return nlohmann::json(out);
    }
    return fail(terr(fmt::format("function \"{}\" not defined", fn)));
  }

  Result<nlohmann::json> pipeline(const std::string &src, const nlohmann::json &dot) {
    auto toks = tokens(src);
    if (!toks) return fail(toks.error());
    std::vector<std::vector<std::string>> cmds(1);
    for (auto &t : *toks) {
      if (t == "|")
        cmds.emplace_back();
      else
        cmds.back().push_back(t);
    }
    nlohmann::json value;
    bool have = false;
    for (auto &c : cmds) {
      if (c.empty()) return fail(terr("missing value for command"));
      bool is_fn = c[0][0] != '.' && c[0][0] != '"' && c[0][0] != '$' && c[0] != "true" &&
                   c[0] != "false" && !std::isdigit(static_cast<unsigned char>(c[0][0])) &&
                   c[0][0] != '-';
      if (!is_fn) {
        if (c.size() != 1)
          return fail(terr(fmt::format("can't give argument to non-function {}", c[0])));
        auto v = operand(c[0], dot);
        if (!v) return fail(v.error());
        value = *v;
      } else {
        std::vector<nlohmann::json> args;
        for (size_t i = 1; i < c.size(); ++i) {
          auto v = operand(c[i], dot);
          if (!v) return fail(v.error());
          args.push_back(*v);
        }
        if (have) args.push_back(value);
        auto v = call(c[0], args);
        if (!v) return fail(v.error());
        value = *v;
      }
      have = true;
    }
    return value;
  }

  static bool truthy(const nlohmann::json &v) {
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0;
    // nlohmann's empty() is false for every string: test the text itself (Go: "" is false).
    if (v.is_string()) return !v.get_ref<const std::string &>().empty();
    if (v.is_array() || v.is_object()) return !v.empty();
    return true;
  }

  Status exec(const std::vector<std::unique_ptr<Node>> &nodes, const nlohmann::json &dot,
              std::string &out) {
    for (const auto &n : nodes) {
      // Nested ranges multiply: a short template over a few lists could run for hours.
      if (++m_steps > k_max_steps) return fail(terr("execution takes too many steps"));
      if (out.size() > k_max_template_output) return fail(terr("output larger than 4 MiB"));
      if (n->kind == Node::Text) {
        out += n->text;
      } else if (n->kind == Node::Action) {
        auto v = pipeline(n->text, dot);
        if (!v) return fail(v.error());
        out += go_print(*v);
      } else if (n->kind == Node::If) {
        auto v = pipeline(n->text, dot);
        if (!v) return fail(v.error());
        SC_TRY(exec(truthy(*v) ? n->body : n->else_body, dot, out));
      } else {
        auto v = pipeline(n->text, dot);
        if (!v) return fail(v.error());
        if (v->is_array() || v->is_object()) {
          if (v->empty()) SC_TRY(exec(n->else_body, dot, out));
          for (const auto &e : *v)
            SC_TRY(exec(n->body, e, out));
        } else if (!v->is_null()) {
          return fail(terr(fmt::format("range can't iterate over {}", go_print(*v))));
        }
      }
    }
    return ok();
  }

private:
  static constexpr size_t k_max_steps = 1'000'000;
  const nlohmann::json &m_root;
  size_t m_steps = 0;
};

// Parses text into a tree; returns at {{end}}/{{else}} (reported through `stop`).
Status parse(std::string_view t, size_t &pos, std::vector<std::unique_ptr<Node>> &out,
             std::string &stop, int depth = 0) {
  if (depth > 100) return fail(terr("if/range nested more than 100 deep"));
  while (pos < t.size()) {
    size_t open = t.find("{{", pos);
    std::string text(t.substr(pos, open == std::string::npos ? std::string::npos : open - pos));
    if (open != std::string::npos && open + 2 < t.size() && t[open + 2] == '-')
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.pop_back();
    if (!text.empty()) {
      auto n = std::make_unique<Node>();
      n->text = text;
      out.push_back(std::move(n));
    }
    if (open == std::string::npos) {
      pos = t.size();
      return ok();
    }
    size_t close = t.find("}}", open + 2);
    if (close == std::string::npos) return fail(terr("unclosed action"));
    std::string inner(t.substr(open + 2, close - open - 2));
    bool trim_right = !inner.empty() && inner.back() == '-' && inner.size() >= 2 &&
                      std::isspace(static_cast<unsigned char>(inner[inner.size() - 2]));
    if (!inner.empty() && inner[0] == '-') inner.erase(0, 1);
    if (trim_right) inner.pop_back();
    pos = close + 2;
    if (trim_right)
      while (pos < t.size() && std::isspace(static_cast<unsigned char>(t[pos])))
        ++pos;
    size_t b = inner.find_first_not_of(" \t\n"), e = inner.find_last_not_of(" \t\n");
    inner = b == std::string::npos ? "" : inner.substr(b, e - b + 1);
    if (inner.rfind("/*", 0) == 0) continue;
    if (inner == "end" || inner == "else") {
      stop = inner;
      return ok();
    }
    auto n = std::make_unique<Node>();
    if (inner.rfind("if ", 0) == 0 || inner.rfind("range ", 0) == 0) {
      bool is_if = inner[0] == 'i';
      n->kind = is_if ? Node::If : Node::Range;
      n->text = inner.substr(is_if ? 3 : 6);
      std::string s;
      SC_TRY(parse(t, pos, n->body, s, depth + 1));
      if (s == "else") {
        s.clear();
        SC_TRY(parse(t, pos, n->else_body, s, depth + 1));
      }
      if (s != "end")
        return fail(
            terr(std::string("unexpected EOF: missing {{end}} for ") + (is_if ? "if" : "range")));
    } else {
      if (inner.empty()) return fail(terr("missing value for command"));
      n->kind = Node::Action;
      n->text = inner;
    }
    out.push_back(std::move(n));
  }
  return ok();
}

} // namespace

Result<std::string> render_go_template(std::string_view tmpl, const nlohmann::json &data) {
  std::vector<std::unique_ptr<Node>> nodes;
  size_t pos = 0;
  std::string stop;
  SC_TRY(parse(tmpl, pos, nodes, stop));
  if (!stop.empty()) return fail(terr(fmt::format("unexpected {{{{{}}}}}", stop)));
  Engine e(data);
  std::string out;
  SC_TRY(e.exec(nodes, data, out));
  if (out.size() > k_max_template_output) return fail(terr("output larger than 4 MiB"));
  return out;
}

} // namespace sc
