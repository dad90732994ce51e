#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <provision/store/store.hpp>
#include <provision/util/c_handle.hpp>
#include <provision/util/fd.hpp>

namespace sc {

Store::Store(fs::path root, std::string program)
    : m_root(std::move(root)), m_program(std::move(program)) {}

Status Store::init() const {
  SC_TRY(ensure_dir(m_root, 0700));
  SC_TRY(ensure_dir(certs_dir(), 0700));
  SC_TRY(ensure_dir(machines_dir(), 0700));
  return ok();
}

Result<FileLock> Store::lock() const {
  SC_TRY(ensure_dir(m_root, 0700));
  return FileLock::acquire(m_root / ".lock", true);
}

bool Store::exists(const std::string &name) const {
  if (!valid_machine_name(name)) return false;
  struct stat st {};
  return ::stat(machine_dir(name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool natural_less(const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    unsigned char ca = a[i], cb = b[j];
    if (std::isdigit(ca) && std::isdigit(cb)) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2])))
        ++i2;
      while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2])))
        ++j2;
      auto na = a.substr(i, i2 - i), nb = b.substr(j, j2 - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size() - 1));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size() - 1));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = i2;
      j = j2;
      continue;
    }
    int la = std::tolower(ca), lb = std::tolower(cb);
    if (la != lb) return la < lb;
    ++i;
    ++j;
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;
}

Result<std::vector<std::string>> Store::names() const {
  std::vector<std::string> names;
  struct stat st {};
  for (const fs::path &p : {m_root, machines_dir()}) {
    if (::stat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return names; // nothing created yet
      return fail(Errc::io, fmt::format("storage path {}: {}", p.string(), std::strerror(errno)));
    }
    if (!S_ISDIR(st.st_mode))
      return fail(Errc::io, fmt::format("storage path {} is not a directory", p.string()));
  }
  CHandle<DIR *, ::closedir> d(::opendir(machines_dir().c_str()));
  if (!d)
    return fail(Errc::io, fmt::format("cannot read the machines in {}: {}", machines_dir().string(),
                                      std::strerror(errno)));
  while (auto *e = ::readdir(d.get())) {
    std::string n = e->d_name;
    if (n.empty() || n[0] == '.') continue;
    if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) names.push_back(n);
  }
  std::sort(names.begin(), names.end(), natural_less);
  return names;
}

std::vector<std::string> Store::list() const {
  auto n = names();
  return n ? std::move(*n) : std::vector<std::string>{};
}

Result<HostRecord> Store::load(const std::string &name) const {
  auto not_found = [&] {
    return fail(Errc::not_found,
                fmt::format("Docker machine \"{}\" does not exist. Use \"{} ls\" to list machines. "
                            "Use \"{} create\" to add a new one.",
                            name, m_program, m_program));
  };
  if (!valid_machine_name(name)) return not_found();
  // A record is a few KiB: a huge file is damage (or an attack), not a machine.
  auto text = read_file(machine_dir(name) / "config.json", 1 << 20);
  if (!text) {
    if (text.error().code == Errc::not_found) {
      if (exists(name))
        return fail(Errc::parse, fmt::format("machine \"{}\" has no config.json (a create was "
                                             "interrupted): remove it with `{} rm -f {}`",
                                             name, m_program, name));
      return not_found();
    }
    return fail(text.error());
  }
  auto h = host_from_text(*text);
  if (!h) return fail(h.error().context(fmt::format("machine \"{}\"", name)));
  h->name = name;
  compute_auth_paths(*h, m_root.string());
  return h;
}

Status Store::save(const HostRecord &h) const {
  if (!valid_machine_name(h.name))
    return fail(Errc::usage, fmt::format("invalid machine name \"{}\"", h.name));
  SC_TRY(ensure_dir(machine_dir(h.name), 0700));
  HostRecord copy = h;
  compute_auth_paths(copy, m_root.string());
  return atomic_write(machine_dir(h.name) / "config.json",
                      to_json(copy).dump(4, ' ', false, nlohmann::json::error_handler_t::replace),
                      0600);
}

namespace {
const char *k_creating = ".creating";

// rename(2) that never replaces: renameat2(RENAME_NOREPLACE) where the file system has it; plain
// rename otherwise (which still refuses a non-empty target directory).
int rename_noreplace(const fs::path &from, const fs::path &to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  struct stat st {};
  if (::stat(to.c_str(), &st) == 0) {
    errno = EEXIST;
    return -1;
  }
  return ::rename(from.c_str(), to.c_str());
}
} // namespace

Result<FileLock> Store::reserve(const HostRecord &initial) const {
  const auto &name = initial.name;
  if (!valid_machine_name(name))
    return fail(Errc::usage, fmt::format("invalid machine name \"{}\"", name));
  auto exists_error = [&] {
    return fail(Errc::already_exists, fmt::format("Docker machine \"{}\" already exists", name));
  };
  SC_TRY(ensure_dir(machines_dir(), 0700));
  if (exists(name)) return exists_error();
  // Built under a hidden name (skipped by list), then renamed into place in one step.
  std::string tmpl = (machines_dir() / fmt::format(".{}.new.XXXXXX", name)).string();
  if (!::mkdtemp(tmpl.data()))
    return fail(Errc::io, fmt::format("mkdir {}: {}", tmpl, std::strerror(errno)));
  fs::path tmp = tmpl;
  auto undo = [&](Error e) -> Result<FileLock> {
    (void)remove_tree(tmp);
    return fail(std::move(e));
  };
  auto lock = FileLock::acquire(tmp / k_creating, true);
  if (!lock) return undo(lock.error());
  HostRecord copy = initial;
  compute_auth_paths(copy, m_root.string());
  if (auto st = atomic_write(tmp / "config.json", to_json(copy).dump(4), 0600); !st)
    return undo(st.error());
  if (rename_noreplace(tmp, machine_dir(name)) != 0) {
    if (errno == EEXIST || errno == ENOTEMPTY) return undo(exists_error().value());
    return undo(Error{Errc::io, fmt::format("rename {} to {}: {}", tmp.string(),
                                            machine_dir(name).string(), std::strerror(errno))});
  }
  if (Fd dfd(::open(machines_dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dfd)
    ::fsync(dfd.get());
  return lock;
}

bool Store::creating(const std::string &name) const {
  if (!valid_machine_name(name)) return false;
  Fd fd(::open((machine_dir(name) / k_creating).c_str(), O_RDONLY | O_CLOEXEC));
  return fd && ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

Status Store::remove(const std::string &name) const {
  if (!valid_machine_name(name))
    return fail(Errc::usage, fmt::format("invalid machine name \"{}\"", name));
  return remove_tree(machine_dir(name));
}

fs::path default_store_path() {
  if (const char *p = std::getenv("SWARMCTL_STORAGE_PATH"); p && *p) return p;
  if (const char *p = std::getenv("MACHINE_STORAGE_PATH"); p && *p) return p;
  const char *home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/root") / ".swarmctl";
}

} // namespace sc
