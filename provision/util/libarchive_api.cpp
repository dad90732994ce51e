#include <archive.h>
#include <archive_entry.h>

#include <provision/util/dynlib.hpp>
#include <provision/util/libarchive_api.hpp>

namespace sc::libarchive {
namespace {
const dynlib::Library &loaded() {
  static const dynlib::Library l = dynlib::open(k_soname, "SWARMCTL_LIBARCHIVE", "libarchive13");
  return l;
}
} // namespace

Status load() {
  if (!loaded().error.empty()) return fail(Errc::generic, loaded().error);
  return ok();
}

template <class F> F resolve(const char *name) {
  return reinterpret_cast<F>(dynlib::require(loaded(), k_soname, name));
}

} // namespace sc::libarchive

// Forwarders with libarchive's own names and signatures (checked against <archive.h>), each
// resolving its target once.
#define FWD(ret, name, params, args)                                                               \
  SC_DYNLIB_FORWARD(sc::libarchive::resolve, ret, name, params, args)

extern "C" {
FWD(struct archive *, archive_write_new, (void), ())
FWD(int, archive_write_free, (struct archive * a), (a))
FWD(int, archive_write_set_format_by_name, (struct archive * a, const char *name), (a, name))
FWD(int, archive_write_set_format_option,
    (struct archive * a, const char *m, const char *o, const char *v), (a, m, o, v))
FWD(int, archive_write_open2,
    (struct archive * a, void *client_data, archive_open_callback *open,
     archive_write_callback *write, archive_close_callback *close, archive_free_callback *free),
    (a, client_data, open, write, close, free))
FWD(int, archive_write_header, (struct archive * a, struct archive_entry *e), (a, e))
FWD(la_ssize_t, archive_write_data, (struct archive * a, const void *buf, size_t n), (a, buf, n))
FWD(int, archive_write_close, (struct archive * a), (a))
FWD(const char *, archive_error_string, (struct archive * a), (a))
FWD(struct archive_entry *, archive_entry_new, (void), ())
FWD(void, archive_entry_free, (struct archive_entry * e), (e))
FWD(void, archive_entry_set_pathname, (struct archive_entry * e, const char *p), (e, p))
FWD(void, archive_entry_set_filetype, (struct archive_entry * e, unsigned int t), (e, t))
FWD(void, archive_entry_set_perm, (struct archive_entry * e, __LA_MODE_T m), (e, m))
FWD(void, archive_entry_set_size, (struct archive_entry * e, la_int64_t s), (e, s))
FWD(struct archive *, archive_read_new, (void), ())
FWD(int, archive_read_support_filter_all, (struct archive * a), (a))
FWD(int, archive_read_support_format_tar, (struct archive * a), (a))
FWD(int, archive_read_open_filename, (struct archive * a, const char *path, size_t block),
    (a, path, block))
FWD(int, archive_read_next_header, (struct archive * a, struct archive_entry **e), (a, e))
FWD(la_ssize_t, archive_read_data, (struct archive * a, void *buf, size_t n), (a, buf, n))
FWD(int, archive_read_free, (struct archive * a), (a))
FWD(const char *, archive_entry_pathname, (struct archive_entry * e), (e))
FWD(la_int64_t, archive_entry_size, (struct archive_entry * e), (e))
FWD(__LA_MODE_T, archive_entry_filetype, (struct archive_entry * e), (e))
FWD(void, archive_entry_set_mtime, (struct archive_entry * e, time_t t, long ns), (e, t, ns))
}
