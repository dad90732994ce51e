#pragma once
// Files written the safe way: temp file + fsync + rename, explicit modes.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <provision/util/fd.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <string_view>

namespace sc {
namespace fs = std::filesystem;

// synced: on disk when atomic_write returns. cache: a file whose loss only costs time (a kept TLS
// session) is written without the two fsyncs, which cost tens of ms on some disks; a reader still
// sees the old or the new file whole.
enum class Durability { synced, cache };
// Writes data to path atomically (temp in the same dir, fsync, rename, fsync dir), mode applied
// to the temp file before any byte is written.
Status atomic_write(const fs::path &path, std::string_view data, unsigned mode = 0600,
                    Durability durability = Durability::synced);
// The whole file. Errc::not_found when missing, Errc::usage for a directory, Errc::io when it is
// larger than `limit` bytes (files from outside: a cluster file, a record, a remote's answer).
Result<std::string> read_file(const fs::path &path,
                              std::size_t limit = std::numeric_limits<std::size_t>::max());
// A regular file read in chunks: large inputs (image archives) are streamed, never held whole.
class FileStream {
public:
  // The same errors as read_file: Errc::not_found when missing, Errc::usage for a directory.
  static Result<FileStream> open(const fs::path &path);
  std::uint64_t size() const { return m_size; } // at open
  // Up to `cap` next bytes into `buf`: how many, 0 at the end.
  Result<std::size_t> read(char *buf, std::size_t cap);

private:
  FileStream(Fd fd, fs::path path, std::uint64_t size)
      : m_fd(std::move(fd)), m_path(std::move(path)), m_size(size) {}
  Fd m_fd;
  fs::path m_path;
  std::uint64_t m_size = 0;
};
// fs::absolute without its exception (the working directory may be gone): `p` as given then.
fs::path absolute_or_same(const fs::path &p);
// mkdir -p with the given mode on every directory it creates (whatever the umask); directories
// that exist already, the leaf included, keep their mode.
Status ensure_dir(const fs::path &dir, unsigned mode = 0700);
// Removes a tree; missing is fine.
Status remove_tree(const fs::path &p);

// An flock(2) on a lock file, released when destroyed. Exclusive for writers.
class FileLock {
public:
  static Result<FileLock> acquire(const fs::path &lock_file, bool exclusive = true);

private:
  explicit FileLock(Fd fd) : m_fd(std::move(fd)) {}
  Fd m_fd; // closing it releases the lock
};

} // namespace sc
