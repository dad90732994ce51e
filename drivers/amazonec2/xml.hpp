#pragma once
// AWS responses as a tree of elements (read with pugixml): elements, text, attributes, entities,
// CDATA; comments, processing instructions and a DOCTYPE (internal subset included) are skipped.
// Namespace-agnostic: "ec2:instanceId" and "instanceId" in any xmlns are both "instanceId".
#include <provision/util/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sc::ec2 {

struct XmlNode {
  std::string name; // local name, prefix stripped
  std::string text; // concatenated character data directly inside this element
  std::vector<std::pair<std::string, std::string>> attrs;
  std::vector<XmlNode> children;

  // First child with this local name, or nullptr.
  const XmlNode *child(std::string_view n) const;
  // Children with this local name.
  std::vector<const XmlNode *> all(std::string_view n) const;
  // Follows a path of child names ("instanceState/name"); nullptr when a step is missing.
  const XmlNode *at(std::string_view path) const;
  // Text at a path, or "" when missing.
  std::string str(std::string_view path) const;
  // The <item> children of the element at `path` (EC2 lists: <reservationSet><item>...).
  std::vector<const XmlNode *> items(std::string_view path) const;
  // First descendant (depth-first, self included) with this name, or nullptr.
  const XmlNode *find(std::string_view n) const;
};

// Parses a document (declaration, DOCTYPE and comments allowed); Errc::parse "XML: what at offset
// N" on bad input, on text or a second element after the root, and on nesting deeper than 200.
// Entities other than XML's five and character references are kept as written.
Result<XmlNode> parse_xml(std::string_view doc);

} // namespace sc::ec2
