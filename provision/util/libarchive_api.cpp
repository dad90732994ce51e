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
#define SC_FWD(name) static const auto fn = sc::libarchive::resolve<decltype(&::name)>(#name)

extern "C" {
struct archive *archive_write_new(void) {
  SC_FWD(archive_write_new);
  return fn();
}
int archive_write_free(struct archive *a) {
  SC_FWD(archive_write_free);
  return fn(a);
}
int archive_write_set_format_by_name(struct archive *a, const char *name) {
  SC_FWD(archive_write_set_format_by_name);
  return fn(a, name);
}
int archive_write_set_format_option(struct archive *a, const char *m, const char *o,
                                    const char *v) {
  SC_FWD(archive_write_set_format_option);
  return fn(a, m, o, v);
}
int archive_write_open2(struct archive *a, void *client_data, archive_open_callback *open,
                        archive_write_callback *write, archive_close_callback *close,
                        archive_free_callback *free) {
  SC_FWD(archive_write_open2);
  return fn(a, client_data, open, write, close, free);
}
int archive_write_header(struct archive *a, struct archive_entry *e) {
  SC_FWD(archive_write_header);
  return fn(a, e);
}
la_ssize_t archive_write_data(struct archive *a, const void *buf, size_t n) {
  SC_FWD(archive_write_data);
  return fn(a, buf, n);
}
int archive_write_close(struct archive *a) {
  SC_FWD(archive_write_close);
  return fn(a);
}
const char *archive_error_string(struct archive *a) {
  SC_FWD(archive_error_string);
  return fn(a);
}
struct archive_entry *archive_entry_new(void) {
  SC_FWD(archive_entry_new);
  return fn();
}
void archive_entry_free(struct archive_entry *e) {
  SC_FWD(archive_entry_free);
  fn(e);
}
void archive_entry_set_pathname(struct archive_entry *e, const char *p) {
  SC_FWD(archive_entry_set_pathname);
  fn(e, p);
}
void archive_entry_set_filetype(struct archive_entry *e, unsigned int t) {
  SC_FWD(archive_entry_set_filetype);
  fn(e, t);
}
void archive_entry_set_perm(struct archive_entry *e, __LA_MODE_T m) {
  SC_FWD(archive_entry_set_perm);
  fn(e, m);
}
void archive_entry_set_size(struct archive_entry *e, la_int64_t s) {
  SC_FWD(archive_entry_set_size);
  fn(e, s);
}
struct archive *archive_read_new(void) {
  SC_FWD(archive_read_new);
  return fn();
}
int archive_read_support_filter_all(struct archive *a) {
  SC_FWD(archive_read_support_filter_all);
  return fn(a);
}
int archive_read_support_format_tar(struct archive *a) {
  SC_FWD(archive_read_support_format_tar);
  return fn(a);
}
int archive_read_open_filename(struct archive *a, const char *path, size_t block) {
  SC_FWD(archive_read_open_filename);
  return fn(a, path, block);
}
int archive_read_next_header(struct archive *a, struct archive_entry **e) {
  SC_FWD(archive_read_next_header);
  return fn(a, e);
}
la_ssize_t archive_read_data(struct archive *a, void *buf, size_t n) {
  SC_FWD(archive_read_data);
  return fn(a, buf, n);
}
int archive_read_free(struct archive *a) {
  SC_FWD(archive_read_free);
  return fn(a);
}
const char *archive_entry_pathname(struct archive_entry *e) {
  SC_FWD(archive_entry_pathname);
  return fn(e);
}
la_int64_t archive_entry_size(struct archive_entry *e) {
  SC_FWD(archive_entry_size);
  return fn(e);
}
__LA_MODE_T archive_entry_filetype(struct archive_entry *e) {
  SC_FWD(archive_entry_filetype);
  return fn(e);
}
void archive_entry_set_mtime(struct archive_entry *e, time_t t, long ns) {
  SC_FWD(archive_entry_set_mtime);
  fn(e, t, ns);
}
}
