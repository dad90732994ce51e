#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdint>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <provision/util/c_handle.hpp>
#include <provision/util/image_archive.hpp>
#include <provision/util/libarchive_api.hpp>

namespace sc {
namespace {

using ArchiveReader = CHandle<struct archive *, archive_read_free>;

std::string error_text(struct archive *a) {
  const char *e = archive_error_string(a);
  return e ? e : "unknown error";
}

// The entry's data, up to `limit` bytes (streamed: a layer is never read).
Result<std::string> entry_data(struct archive *a, struct archive_entry *e, std::size_t limit) {
  auto size = archive_entry_size(e);
  if (size < 0 || static_cast<std::uint64_t>(size) > limit)
    return fail(Errc::parse, fmt::format("entry {} is too large", archive_entry_pathname(e)));
  std::string data(static_cast<std::size_t>(size), '\0');
  std::size_t off = 0;
  while (off < data.size()) {
    auto n = archive_read_data(a, data.data() + off, data.size() - off);
    if (n < 0) return fail(Errc::parse, archive_error_string(a));
    if (n == 0) return fail(Errc::parse, "truncated");
    off += static_cast<std::size_t>(n);
  }
  return data;
}

Result<std::vector<std::string>> manifest_tags(const std::string &json) {
  std::vector<std::string> tags;
  try {
    auto j = nlohmann::json::parse(json);
    for (const auto &img : j)
      if (img.contains("RepoTags") && img["RepoTags"].is_array())
        for (const auto &t : img["RepoTags"])
          tags.push_back(t.get<std::string>());
  } catch (const std::exception &e) {
    return fail(Errc::parse, fmt::format("manifest.json: {}", e.what()));
  }
  return tags;
}

} // namespace

Result<std::vector<std::string>> image_archive_tags(const std::filesystem::path &tarball) {
  auto bad = [&](const std::string &why) {
    return fail(Errc::parse, fmt::format("{} is not an image archive (docker save format): {}",
                                         tarball.string(), why));
  };
  SC_TRY(libarchive::load());
  // Any tar dialect (ustar, GNU, PAX), plain or compressed (gzip, bzip2, xz, zstd), as
  // `docker load` takes them; read as a stream, the layers skipped.
  ArchiveReader a(archive_read_new());
  if (!a) return fail(Errc::generic, "libarchive: out of memory");
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(tarball, ec) || ::access(tarball.c_str(), R_OK) != 0)
    return fail(Errc::io, fmt::format("cannot open image archive {}", tarball.string()));
  // Opening reads the first block: a file in no known format fails here.
  if (archive_read_open_filename(a.get(), tarball.c_str(), 1 << 16) != ARCHIVE_OK)
    return bad(fmt::format("not a tar archive ({})", error_text(a.get())));
  for (bool first = true;; first = false) {
    struct archive_entry *e = nullptr;
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) return bad("no manifest.json");
    if (rc < ARCHIVE_WARN) {
      std::string why = error_text(a.get());
      return bad(first ? "not a tar archive (" + why + ")" : "damaged or truncated (" + why + ")");
    }
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    if (archive_entry_filetype(e) != AE_IFREG ||
        (name != "manifest.json" && name != "./manifest.json"))
      continue;
    auto data = entry_data(a.get(), e, 16 << 20);
    if (!data) return bad(data.error().message);
    auto tags = manifest_tags(*data);
    if (!tags) return bad(tags.error().message);
    return tags;
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
