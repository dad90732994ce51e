#pragma once
// Files written the safe way: temp file + fsync + rename, explicit modes.
#include <filesystem>
#include <provision/util/result.hpp>
#include <string>
#include <string_view>

namespace sc {
namespace fs = std::filesystem;

// Writes data to path atomically (temp in the same dir, fsync, rename, fsync dir), mode applied
// to the temp file before any byte is written.
Status atomic_write(const fs::path &path, std::string_view data, unsigned mode = 0600);
Result<std::string> read_file(const fs::path &path);
// mkdir -p with the given mode on every directory it creates (whatever the umask); directories
// that exist already, the leaf included, keep their mode.
Status ensure_dir(const fs::path &dir, unsigned mode = 0700);
// Removes a tree; missing is fine.
Status remove_tree(const fs::path &p);

// An flock(2) on a lock file, released when destroyed. Exclusive for writers.
class FileLock {
public:
  static Result<FileLock> acquire(const fs::path &lock_file, bool exclusive = true);
  FileLock(FileLock &&o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
  FileLock &operator=(FileLock &&o) noexcept;
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;
  ~FileLock();

private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

} // namespace sc
