#include <archive.h>
#include <archive_entry.h>

#include <ctime>
#include <drivers/virtualbox/archive_writer.hpp>
#include <fmt/format.h>
#include <provision/util/c_handle.hpp>
#include <provision/util/libarchive_api.hpp>

namespace sc::vbox {
namespace {

using Archive = CHandle<archive *, archive_write_free>;
using Entry = CHandle<archive_entry *, archive_entry_free>;

la_ssize_t append(archive *, void *out, const void *buf, size_t n) {
  static_cast<std::string *>(out)->append(static_cast<const char *>(buf), n);
  return static_cast<la_ssize_t>(n);
}

Status check(archive *a, int rc, std::string_view what) {
  if (rc >= ARCHIVE_WARN) return ok(); // a warning (e.g. a name shortened for ISO9660) is fine
  const char *msg = archive_error_string(a);
  return fail(Errc::io, fmt::format("libarchive: {}: {}", what, msg ? msg : "failed"));
}

Status add(archive *a, const ArchiveEntry &e, time_t now) {
  Entry entry(archive_entry_new());
  if (!entry) return fail(Errc::io, "libarchive: out of memory");
  archive_entry_set_pathname(entry.get(), e.path.c_str());
  archive_entry_set_filetype(entry.get(), e.directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(entry.get(), e.mode);
  archive_entry_set_size(entry.get(), e.directory ? 0 : static_cast<la_int64_t>(e.data.size()));
  archive_entry_set_mtime(entry.get(), now, 0);
  SC_TRY(check(a, archive_write_header(a, entry.get()), "entry " + e.path));
  if (e.directory || e.data.empty()) return ok();
  if (archive_write_data(a, e.data.data(), e.data.size()) != static_cast<la_ssize_t>(e.data.size()))
    return check(a, ARCHIVE_FATAL, "data of " + e.path);
  return ok();
}

} // namespace

Result<std::string> write_archive(const std::string &format,
                                  const std::vector<std::pair<std::string, std::string>> &options,
                                  const std::vector<ArchiveEntry> &entries) {
  SC_TRY(libarchive::load());
  std::string out;
  Archive a(archive_write_new());
  if (!a) return fail(Errc::io, "libarchive: out of memory");
  SC_TRY(check(a.get(), archive_write_set_format_by_name(a.get(), format.c_str()), format));
  for (const auto &[key, value] : options)
    SC_TRY(
        check(a.get(),
              archive_write_set_format_option(a.get(), format.c_str(), key.c_str(), value.c_str()),
              key + "=" + value));
  SC_TRY(check(a.get(), archive_write_open2(a.get(), &out, nullptr, append, nullptr, nullptr),
               "open"));
  time_t now = std::time(nullptr);
  for (const auto &e : entries)
    SC_TRY(add(a.get(), e, now));
  // The format's trailer (tar end blocks, the ISO9660 volume) is written on close.
  SC_TRY(check(a.get(), archive_write_close(a.get()), "close"));
  return out;
}

} // namespace sc::vbox
