#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <provision/util/fs.hpp>
#include <random>

namespace sc {

namespace {
std::string errno_msg(const fs::path &p, const char *what) {
  return fmt::format("{} {}: {}", what, p.string(), std::strerror(errno));
}
} // namespace

Status atomic_write(const fs::path &path, std::string_view data, unsigned mode) {
  auto dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::random_device rd;
  auto tmp = dir / fmt::format(".{}.tmp{:08x}", path.filename().string(), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return fail(Errc::io, errno_msg(tmp, "create"));
  ::fchmod(fd, mode);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      auto e = errno_msg(tmp, "write");
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(Errc::io, e);
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    auto e = errno_msg(tmp, "fsync");
    ::unlink(tmp.c_str());
    return fail(Errc::io, e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = errno_msg(path, "rename");
    ::unlink(tmp.c_str());
    return fail(Errc::io, e);
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return ok();
}

Result<std::string> read_file(const fs::path &path, std::size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return fail(Errc::not_found, fmt::format("{}: no such file", path.string()));
    return fail(Errc::io, errno_msg(path, "open"));
  }
  struct stat st {};
  std::string out;
  Status status = ok();
  if (::fstat(fd, &st) != 0) {
    status = fail(Errc::io, errno_msg(path, "stat"));
  } else if (S_ISDIR(st.st_mode)) {
    status = fail(Errc::usage, fmt::format("{}: is a directory, not a file", path.string()));
  } else {
    // Reads one byte past the limit to tell "exactly at the limit" from "over it".
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = fail(Errc::io, errno_msg(path, "read"));
        break;
      }
      if (n == 0) break;
      if (out.size() + static_cast<std::size_t>(n) > limit) {
        status = fail(Errc::io, fmt::format("{}: larger than {} bytes", path.string(), limit));
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!status) return fail(status.error());
  return out;
}

fs::path absolute_or_same(const fs::path &p) {
  std::error_code ec;
  auto abs = fs::absolute(p, ec);
  return ec ? p : abs;
}

Status ensure_dir(const fs::path &dir, unsigned mode) {
  std::error_code ec;
  // An existing directory is left exactly as it is: `-s /tmp/newstore` must not take the sticky
  // bit and the other users' access away from /tmp (nor $HOME's from the default store).
  if (fs::is_directory(dir, ec)) return ok();
  if (!dir.parent_path().empty() && dir.parent_path() != dir)
    SC_TRY(ensure_dir(dir.parent_path(), mode));
  if (::mkdir(dir.c_str(), mode) != 0) {
    if (errno == EEXIST && fs::is_directory(dir, ec)) return ok(); // created by someone else
    return fail(Errc::io, errno_msg(dir, "mkdir"));
  }
  // Ours: the exact mode, whatever the umask.
  ::chmod(dir.c_str(), mode);
  return ok();
}

Status remove_tree(const fs::path &p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  if (ec) return fail(Errc::io, fmt::format("remove {}: {}", p.string(), ec.message()));
  return ok();
}

Result<FileLock> FileLock::acquire(const fs::path &lock_file, bool exclusive) {
  int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::io, errno_msg(lock_file, "open lock"));
  while (::flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno == EINTR) continue;
    auto e = errno_msg(lock_file, "lock");
    ::close(fd);
    return fail(Errc::io, e);
  }
  return FileLock(fd);
}

FileLock &FileLock::operator=(FileLock &&o) noexcept {
  if (this != &o) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = o.m_fd;
    o.m_fd = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);
}

} // namespace sc
