#include <drivers/amazonec2/xml.hpp>
#include <fmt/format.h>
#include <pugixml.hpp>

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

constexpr int k_max_depth = 200;

std::string local(std::string_view qname) {
  auto c = qname.rfind(':');
  return std::string(c == std::string_view::npos ? qname : qname.substr(c + 1));
}

Error xml_error(std::string_view what, ptrdiff_t offset) {
  return Error{Errc::parse, fmt::format("XML: {} at offset {}", what, offset)};
}

// Copies pugixml's element `in` into `out`: names without prefix, character data (text and
// CDATA) concatenated, child elements in order. Comments and processing instructions are dropped.
Status convert(const pugi::xml_node &in, XmlNode &out, int depth) {
  if (depth > k_max_depth) return fail(xml_error("nesting too deep", in.offset_debug()));
  out.name = local(in.name());
  for (const auto &a : in.attributes())
    out.attrs.emplace_back(local(a.name()), a.value());
  for (const auto &c : in.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out.text += c.value();
    } else if (c.type() == pugi::node_element) {
      out.children.emplace_back();
      SC_TRY(convert(c, out.children.back(), depth + 1));
    }
  }
  return ok();
}

} // namespace

Result<XmlNode> parse_xml(std::string_view doc) {
  pugi::xml_document d;
  // parse_ws_pcdata: whitespace between elements is character data, as XML says (str() trims).
  // parse_fragment keeps text outside the root element, so that it can be refused below.
  auto res = d.load_buffer(doc.data(), doc.size(),
                           pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_fragment,
                           pugi::encoding_utf8);
  if (!res) return fail(xml_error(res.description(), res.offset));
  // pugixml reads fragments; an XML document has exactly one root element and no text around it.
  pugi::xml_node root;
  for (const auto &c : d.children()) {
    if (c.type() == pugi::node_element && !root) {
      root = c;
    } else if (c.type() == pugi::node_element || c.type() == pugi::node_cdata ||
               (c.type() == pugi::node_pcdata &&
                std::string_view(c.value()).find_first_not_of(" \t\r\n") != std::string::npos)) {
      return fail(xml_error("content outside the root element", c.offset_debug()));
    }
  }
  if (!root) return fail(xml_error("expected a root element", 0));
  XmlNode out;
  SC_TRY(convert(root, out, 0));
  return out;
}

} // namespace sc::ec2
