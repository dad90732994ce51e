#pragma once
// Archives written with libarchive into memory: the boot2docker userdata tar and the cloud-init
// NoCloud seed ISO (no hand-made archive formats in the driver).
#include <provision/util/result.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sc::vbox {

struct ArchiveEntry {
  std::string path; // "dir/file", no leading '/'
  unsigned mode = 0644;
  std::string data; // file content; ignored for directories
  bool directory = false;
};

// The archive in libarchive's `format` ("ustar", "iso9660") with that format's `options`
// ({"volume-id", "cidata"}), entries in the given order, owned by uid/gid 0.
Result<std::string> write_archive(const std::string &format,
                                  const std::vector<std::pair<std::string, std::string>> &options,
                                  const std::vector<ArchiveEntry> &entries);

} // namespace sc::vbox
