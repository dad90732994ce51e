#include <fmt/format.h>
#include <provision/util/kv_kind.hpp>
#include <provision/util/printable.hpp>

namespace sc {

namespace {
struct KvKindRow {
  KvKind kind;
  std::string_view name, scheme;
  int port;
};
constexpr KvKindRow k_kinds[] = {{KvKind::Consul, "consul", "consul", 8500},
                                 {KvKind::Etcd, "etcd", "etcd", 2379},
                                 {KvKind::Zookeeper, "zookeeper", "zk", 2181}};

const KvKindRow *row(KvKind k) {
  for (const auto &r : k_kinds)
    if (r.kind == k) return &r;
  return nullptr;
}
} // namespace

std::string_view kv_kind_name(KvKind k) {
  const auto *r = row(k);
  return r ? r->name : "";
}

Result<KvKind> parse_kv_kind(std::string_view name) {
  if (name.empty()) return KvKind::None;
  for (const auto &r : k_kinds)
    if (r.name == name) return r.kind;
  return fail(Errc::usage, fmt::format("unknown key-value store {}", printable_line(name)));
}

const std::vector<std::string> &kv_kind_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto &r : k_kinds)
      v.emplace_back(r.name);
    return v;
  }();
  return names;
}

std::string_view kv_scheme(KvKind k) {
  const auto *r = row(k);
  return r ? r->scheme : "";
}

KvKind kv_kind_of_scheme(std::string_view scheme) {
  for (const auto &r : k_kinds)
    if (r.scheme == scheme) return r.kind;
  return KvKind::None;
}

int kv_default_port(KvKind k) {
  const auto *r = row(k);
  return r ? r->port : 0;
}

} // namespace sc
