#pragma once
// The machine store: STORE/{certs,machines/NAME,cache}. Dirs 0700, private files 0600, every
// write atomic (temp + fsync + rename); writers hold STORE/.lock so that parallel `swarmctl
// create` runs from a shell loop never corrupt it.
#include <filesystem>
#include <provision/store/host.hpp>
#include <provision/util/fs.hpp>
#include <string>
#include <vector>

namespace sc {

class Store {
public:
  explicit Store(fs::path root);
  const fs::path &root() const { return m_root; }
  fs::path certs_dir() const { return m_root / "certs"; }
  fs::path machines_dir() const { return m_root / "machines"; }
  fs::path machine_dir(const std::string &name) const { return machines_dir() / name; }
  fs::path cache_dir() const { return m_root / "cache"; }

  // Creates root, certs/, machines/ (0700).
  Status init() const;
  // Exclusive lock for writers (create/rm/save of shared state).
  Result<FileLock> lock() const;

  bool exists(const std::string &name) const;
  // Names of all machines (directories under machines/ not starting with '.'), natural-sorted
  // case-insensitively like docker-machine. A store that does not exist yet has none; a store path
  // or machines/ that is not a directory (or cannot be read) is an error.
  Result<std::vector<std::string>> names() const;
  // names(), empty on error.
  std::vector<std::string> list() const;
  // Errc::not_found with docker-machine's message when missing.
  Result<HostRecord> load(const std::string &name) const;
  // Creates machines/NAME (0700) and writes config.json atomically (0600).
  Status save(const HostRecord &h) const;
  // Reserves a new machine name: machines/NAME appears at once with its first config.json and
  // a creation lock that the returned FileLock holds until the create ends (or its process dies),
  // so that other processes see "being created", never a half-made record. Fails with
  // already_exists and docker-machine's message "Docker machine "NAME" already exists".
  Result<FileLock> reserve(const HostRecord &initial) const;
  // A live process holds the creation lock of machine `name` (its create has not ended).
  bool creating(const std::string &name) const;
  Status remove(const std::string &name) const;

private:
  fs::path m_root;
};

// Natural, case-insensitive order ("node2" < "node10").
bool natural_less(const std::string &a, const std::string &b);

// STORE from -s / $SWARMCTL_STORAGE_PATH / $MACHINE_STORAGE_PATH / ~/.swarmctl.
fs::path default_store_path();

} // namespace sc
