#pragma once
// Typed reads of a yaml-cpp document for the cluster file: every error names the file, the line
// and column, the key (dotted: "nodes.count") and what was expected ("an integer from 0 to 200,
// got a list"). Nothing here throws: yaml-cpp's conversions are never called on a node whose
// type was not checked first.
#include <map>
#include <provision/util/result.hpp>
#include <set>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace sc::cluster_yaml {

struct Ctx {
  std::string src; // file name for messages
  // "SRC:LINE:COL: msg" at n (just "SRC: msg" when n has no position).
  Error at(const YAML::Node &n, const std::string &msg) const;
};

// A value from the file as shown in a message: in quotes, control characters as '?', cut after
// 40 characters (a message stays one line).
std::string quote_value(const std::string &value);

// "where.key" for messages ("nodes.count"; just "key" at the top level), control characters of a
// key from the file as '?'.
std::string key_path(const std::string &where, const std::string &key);

// "a string", "a list", "a mapping", "nothing".
std::string kind_name(const YAML::Node &n);

// `where` of the top-level mapping.
inline const std::string k_root = "the cluster file";

// The entries of a mapping, in file order. Refuses a node that is not a mapping, a key that is
// not a plain string, a key outside `allowed` (when not empty), a key given twice ("duplicate
// key 'count' in nodes (first at 3:5)") and a key without a value ("'nodes.count' has no value").
Result<std::vector<std::pair<std::string, YAML::Node>>>
entries(const Ctx &c, const YAML::Node &map, const std::set<std::string> &allowed,
        const std::string &where);

// A scalar as text ("'swarm.master' must be a string, got a list").
Result<std::string> string_at(const Ctx &c, const YAML::Node &n, const std::string &key);
// One scalar or a list of scalars.
Result<std::vector<std::string>> strings_at(const Ctx &c, const YAML::Node &n,
                                            const std::string &key);
// A decimal integer in [lo, hi] ("'kv.port' must be an integer from 1 to 65535, got 'x'").
Result<long long> integer_at(const Ctx &c, const YAML::Node &n, const std::string &key,
                             long long lo, long long hi);
// true/false (YAML 1.2 spellings and yes/no/on/off like yaml-cpp).
Result<bool> boolean_at(const Ctx &c, const YAML::Node &n, const std::string &key);

} // namespace sc::cluster_yaml
