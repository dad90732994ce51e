#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <provision/util/fd.hpp>
#include <provision/util/fs.hpp>
#include <random>

namespace sc {

namespace {
std::string errno_msg(const fs::path &p, const char *what) {
  return fmt::format("{} {}: {}", what, p.string(), std::strerror(errno));
}
} // namespace

Status atomic_write(const fs::path &path, std::string_view data, unsigned mode,
                    Durability durability) {
  auto dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::random_device rd;
  auto tmp = dir / fmt::format(".{}.tmp{:08x}", path.filename().string(), rd());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd) return fail(Errc::io, errno_msg(tmp, "create"));
  ::fchmod(fd.get(), mode);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd.get(), data.data() + off, data.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      auto e = errno_msg(tmp, "write");
      fd.reset();
      ::unlink(tmp.c_str());
      return fail(Errc::io, e);
    }
    off += static_cast<size_t>(w);
  }
  bool sync = durability == Durability::synced;
  if ((sync && ::fsync(fd.get()) != 0) || fd.close() != 0) {
    auto e = errno_msg(tmp, "fsync");
    ::unlink(tmp.c_str());
    return fail(Errc::io, e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = errno_msg(path, "rename");
    ::unlink(tmp.c_str());
    return fail(Errc::io, e);
  }
  if (!sync) return ok();
  if (Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dfd) ::fsync(dfd.get());
  return ok();
}

Result<FileStream> FileStream::open(const fs::path &path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT)
      return fail(Errc::not_found, fmt::format("{}: no such file", path.string()));
    return fail(Errc::io, errno_msg(path, "open"));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(Errc::io, errno_msg(path, "stat"));
  if (S_ISDIR(st.st_mode))
    return fail(Errc::usage, fmt::format("{}: is a directory, not a file", path.string()));
  return FileStream(std::move(fd), path, static_cast<std::uint64_t>(st.st_size));
}

Result<std::size_t> FileStream::read(char *buf, std::size_t cap) {
  for (;;) {
    ssize_t n = ::read(m_fd.get(), buf, cap);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return fail(Errc::io, errno_msg(m_path, "read"));
  }
}

Result<std::string> read_file(const fs::path &path, std::size_t limit) {
  auto in = FileStream::open(path);
  if (!in) return fail(in.error());
  std::string out;
  // Reads one byte past the limit to tell "exactly at the limit" from "over it".
  char buf[65536];
  for (;;) {
    auto n = in->read(buf, sizeof buf);
    if (!n) return fail(n.error());
    if (*n == 0) return out;
    if (out.size() + *n > limit)
      return fail(Errc::io, fmt::format("{}: larger than {} bytes", path.string(), limit));
    out.append(buf, *n);
  }
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
  Fd fd(::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail(Errc::io, errno_msg(lock_file, "open lock"));
  while (::flock(fd.get(), exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno == EINTR) continue;
    return fail(Errc::io, errno_msg(lock_file, "lock"));
  }
  return FileLock(std::move(fd));
}

} // namespace sc
