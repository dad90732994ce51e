#include <drivers/amazonec2/xml.hpp>
#include <fmt/format.h>

namespace sc::ec2 {

const XmlNode *XmlNode::child(std::string_view n) const {
  for (const auto &c : children)
    if (c.name == n) return &c;
  return nullptr;
}

std::vector<const XmlNode *> XmlNode::all(std::string_view n) const {
  std::vector<const XmlNode *> r;
  for (const auto &c : children)
    if (c.name == n) r.push_back(&c);
  return r;
}

const XmlNode *XmlNode::at(std::string_view path) const {
  const XmlNode *cur = this;
  while (cur && !path.empty()) {
    auto slash = path.find('/');
    cur = cur->child(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  return cur;
}

std::string XmlNode::str(std::string_view path) const {
  const XmlNode *n = at(path);
  if (!n) return {};
  auto b = n->text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = n->text.find_last_not_of(" \t\r\n");
  return n->text.substr(b, e - b + 1);
}

std::vector<const XmlNode *> XmlNode::items(std::string_view path) const {
  const XmlNode *n = at(path);
  return n ? n->all("item") : std::vector<const XmlNode *>{};
}

const XmlNode *XmlNode::find(std::string_view n) const {
  if (name == n) return this;
  for (const auto &c : children)
    if (const XmlNode *f = c.find(n)) return f;
  return nullptr;
}

namespace {

class Parser {
public:
  explicit Parser(std::string_view s) : m_s(s) {}

  Result<XmlNode> document() {
    skip_misc();
    if (m_pos >= m_s.size() || m_s[m_pos] != '<') return error("expected a root element");
    XmlNode root;
    SC_TRY(element(root, 0));
    skip_misc();
    if (m_pos != m_s.size()) return error("content after the root element");
    return root;
  }

private:
  tl::unexpected<Error> error(std::string_view what) const {
    return fail(Errc::parse, fmt::format("XML: {} at offset {}", what, m_pos));
  }
  bool starts(std::string_view p) const { return m_s.substr(m_pos, p.size()) == p; }
  void skip_ws() {
    while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos])))
      ++m_pos;
  }
  // Whitespace, comments, processing instructions and a DOCTYPE outside the root.
  void skip_misc() {
    for (;;) {
      skip_ws();
      if (starts("<?"))
        skip_past("?>");
      else if (starts("<!--"))
        skip_past("-->");
      else if (starts("<!DOCTYPE"))
        skip_past(">");
      else
        return;
    }
  }
  void skip_past(std::string_view end) {
    auto p = m_s.find(end, m_pos);
    m_pos = p == std::string_view::npos ? m_s.size() : p + end.size();
  }
  static std::string local(std::string_view qname) {
    auto c = qname.rfind(':');
    return std::string(c == std::string_view::npos ? qname : qname.substr(c + 1));
  }
  std::string_view name_token() {
    size_t b = m_pos;
    while (m_pos < m_s.size()) {
      char c = m_s[m_pos];
      if (std::isspace(static_cast<unsigned char>(c)) || c == '>' || c == '/' || c == '=') break;
      ++m_pos;
    }
    return m_s.substr(b, m_pos - b);
  }

  Result<std::string> decode(std::string_view raw) const {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      auto semi = raw.find(';', i);
      if (semi == std::string_view::npos) return fail(Errc::parse, "XML: unterminated entity");
      auto ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "amp")
        out += '&';
      else if (ent == "lt")
        out += '<';
      else if (ent == "gt")
        out += '>';
      else if (ent == "quot")
        out += '"';
      else if (ent == "apos")
        out += '\'';
      else if (!ent.empty() && ent[0] == '#') {
        unsigned long cp = 0;
        try {
          cp = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X')
                   ? std::stoul(std::string(ent.substr(2)), nullptr, 16)
                   : std::stoul(std::string(ent.substr(1)), nullptr, 10);
        } catch (...) {
          return fail(Errc::parse, fmt::format("XML: bad character reference &{};", ent));
        }
        append_utf8(out, cp);
      } else {
        return fail(Errc::parse, fmt::format("XML: unknown entity &{};", ent));
      }
      i = semi;
    }
    return out;
  }
  static void append_utf8(std::string &out, unsigned long cp) {
    if (cp < 0x80)
      out += static_cast<char>(cp);
    else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  Status element(XmlNode &node, int depth) {
    if (depth > 200) return error("nesting too deep");
    ++m_pos; // '<'
    std::string_view qname = name_token();
    if (qname.empty()) return error("empty element name");
    node.name = local(qname);
    for (;;) {
      skip_ws();
      if (m_pos >= m_s.size()) return error("unterminated start tag");
      if (starts("/>")) {
        m_pos += 2;
        return ok();
      }
      if (m_s[m_pos] == '>') {
        ++m_pos;
        break;
      }
      std::string_view an = name_token();
      skip_ws();
      if (an.empty() || m_pos >= m_s.size() || m_s[m_pos] != '=') return error("bad attribute");
      ++m_pos;
      skip_ws();
      if (m_pos >= m_s.size() || (m_s[m_pos] != '"' && m_s[m_pos] != '\''))
        return error("unquoted attribute");
      char q = m_s[m_pos++];
      auto end = m_s.find(q, m_pos);
      if (end == std::string_view::npos) return error("unterminated attribute");
      auto v = decode(m_s.substr(m_pos, end - m_pos));
      if (!v) return fail(v.error());
      node.attrs.emplace_back(local(an), *v);
      m_pos = end + 1;
    }
    // Content until the matching end tag.
    for (;;) {
      if (m_pos >= m_s.size()) return error(fmt::format("missing </{}>", qname));
      if (starts("</")) {
        m_pos += 2;
        std::string_view end = name_token();
        if (end != qname) return error(fmt::format("</{}> does not close <{}>", end, qname));
        skip_ws();
        if (m_pos >= m_s.size() || m_s[m_pos] != '>') return error("bad end tag");
        ++m_pos;
        return ok();
      }
      if (starts("<!--")) {
        skip_past("-->");
      } else if (starts("<![CDATA[")) {
        m_pos += 9;
        auto e = m_s.find("]]>", m_pos);
        if (e == std::string_view::npos) return error("unterminated CDATA");
        node.text += m_s.substr(m_pos, e - m_pos);
        m_pos = e + 3;
      } else if (starts("<?")) {
        skip_past("?>");
      } else if (m_s[m_pos] == '<') {
        node.children.emplace_back();
        SC_TRY(element(node.children.back(), depth + 1));
      } else {
        auto lt = m_s.find('<', m_pos);
        if (lt == std::string_view::npos) lt = m_s.size();
        auto t = decode(m_s.substr(m_pos, lt - m_pos));
        if (!t) return fail(t.error());
        node.text += *t;
        m_pos = lt;
      }
    }
  }

  std::string_view m_s;
  size_t m_pos = 0;
};

} // namespace

Result<XmlNode> parse_xml(std::string_view doc) {
  return Parser(doc).document();
}

} // namespace sc::ec2
