#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <provision/util/image_archive.hpp>
#include <provision/util/number.hpp>

namespace sc {
namespace {

// An octal (or base-256) tar size field.
uint64_t tar_size(const char *f, size_t n) {
  if (static_cast<unsigned char>(f[0]) & 0x80) { // GNU base-256
    uint64_t v = 0;
    for (size_t i = 1; i < n; ++i)
      v = (v << 8) | static_cast<unsigned char>(f[i]);
    return v;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n && f[i]; ++i) {
    if (f[i] == ' ') continue;
    if (f[i] < '0' || f[i] > '7') break;
    v = v * 8 + static_cast<uint64_t>(f[i] - '0');
  }
  return v;
}

// A record ("path", "size") of a PAX extended header; "" when absent.
std::string pax_value(const std::string &data, const std::string &key) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t sp = data.find(' ', pos);
    if (sp == std::string::npos) break;
    size_t len = parse_number<size_t>(std::string_view(data).substr(pos, sp - pos)).value_or(0);
    if (len == 0 || pos + len > data.size() || sp >= pos + len) break;
    std::string rec = data.substr(sp + 1, pos + len - sp - 2); // without the trailing newline
    if (rec.rfind(key + "=", 0) == 0) return rec.substr(key.size() + 1);
    pos += len;
  }
  return "";
}

} // namespace

Result<std::vector<std::string>> image_archive_tags(const std::filesystem::path &tarball) {
  std::ifstream in(tarball, std::ios::binary);
  if (!in) return fail(Errc::io, fmt::format("cannot open image archive {}", tarball.string()));
  auto bad = [&](const std::string &why) {
    return fail(Errc::parse, fmt::format("{} is not an image archive (docker save format): {}",
                                         tarball.string(), why));
  };
  char h[512];
  std::string long_name;
  std::string pax_size; // a PAX "size" overrides the header's (entries over 8 GiB)
  for (;;) {
    if (!in.read(h, 512)) return bad("no manifest.json");
    if (h[0] == '\0') return bad("no manifest.json"); // end-of-archive block
    if (std::memcmp(h + 257, "ustar", 5) != 0) return bad("not a tar archive");
    uint64_t size = tar_size(h + 124, 12);
    if (!pax_size.empty()) {
      auto n = parse_number<uint64_t>(pax_size);
      if (!n) return bad("bad PAX size");
      size = *n;
    }
    pax_size.clear();
    uint64_t padded = (size + 511) / 512 * 512;
    char type = h[156];
    std::string name = long_name;
    long_name.clear();
    if (name.empty()) {
      name.assign(h, strnlen(h, 100));
      // POSIX ustar ("ustar\0") has a name prefix; in GNU headers ("ustar  ") that area holds
      // times.
      if (std::memcmp(h + 257, "ustar\0", 6) == 0) {
        std::string prefix(h + 345, strnlen(h + 345, 155));
        if (!prefix.empty()) name = prefix + "/" + name;
      }
    }
    auto read_data = [&](uint64_t limit) -> Result<std::string> {
      if (size > limit) return bad(fmt::format("entry {} is too large", name));
      std::string data(size, '\0');
      if (!in.read(data.data(), static_cast<std::streamsize>(size))) return bad("truncated");
      in.seekg(static_cast<std::streamoff>(padded - size), std::ios::cur);
      return data;
    };
    if (type == 'L' || type == 'x') { // GNU long name / PAX header: names the next entry
      auto data = read_data(1 << 20);
      if (!data) return fail(data.error());
      if (type == 'L') {
        long_name = data->c_str();
      } else {
        long_name = pax_value(*data, "path");
        pax_size = pax_value(*data, "size");
      }
      continue;
    }
    if ((type == '0' || type == '\0') && (name == "manifest.json" || name == "./manifest.json")) {
      auto data = read_data(16 << 20);
      if (!data) return fail(data.error());
      std::vector<std::string> tags;
      try {
        auto j = nlohmann::json::parse(*data);
        for (const auto &img : j)
          if (img.contains("RepoTags") && img["RepoTags"].is_array())
            for (const auto &t : img["RepoTags"])
              tags.push_back(t.get<std::string>());
      } catch (const std::exception &e) {
        return bad(fmt::format("manifest.json: {}", e.what()));
      }
      return tags;
    }
    in.seekg(static_cast<std::streamoff>(padded), std::ios::cur);
  }
}

std::string normalize_image_ref(const std::string &ref) {
  std::string r = ref;
  std::string digest;
  if (auto at = r.find('@'); at != std::string::npos) {
    digest = r.substr(at);
    r = r.substr(0, at);
  }
  auto slash = r.find('/');
  std::string first = slash == std::string::npos ? "" : r.substr(0, slash);
  bool has_registry =
      !first.empty() && (first.find('.') != std::string::npos ||
                         first.find(':') != std::string::npos || first == "localhost");
  if (!has_registry)
    r = (slash == std::string::npos ? "docker.io/library/" : "docker.io/") + r;
  else if ((first == "docker.io" || first == "index.docker.io") &&
           r.find('/', slash + 1) == std::string::npos)
    r = "docker.io/library/" + r.substr(slash + 1); // docker.io/swarm = docker.io/library/swarm
  else if (first == "index.docker.io")
    r = "docker.io" + r.substr(slash);
  auto last_slash = r.rfind('/');
  if (digest.empty() && r.find(':', last_slash) == std::string::npos) r += ":latest";
  return r + digest;
}

} // namespace sc
