#pragma once
// boot2docker: the ISO (downloaded once into STORE/cache) and the "userdata" disk that hands the
// SSH key to a fresh VM (docker-machine's MakeDiskImage format).
#include <cstdint>
#include <filesystem>
#include <provision/util/result.hpp>
#include <provision/util/ui.hpp>
#include <string>

namespace sc::vbox {
namespace fs = std::filesystem;

// The last boot2docker release (the project is archived, so "latest" no longer moves).
inline constexpr const char *k_default_b2d_url =
    "https://github.com/boot2docker/boot2docker/releases/download/v19.03.12/boot2docker.iso";
inline constexpr const char *k_magic = "boot2docker, please format-me";

// A tar stream (ustar, written by libarchive): the file "boot2docker, please format-me" holding
// that string, the directory .ssh (0700), .ssh/authorized_keys and .ssh/authorized_keys2 (0644)
// holding pubkey. On first boot the b2d automount script finds the magic string, formats the disk
// and copies .ssh into /home/docker.
Result<std::string> userdata_tar(const std::string &pubkey);
// Writes userdata_tar() at the start of a sparse raw image of `size` bytes (to be converted by
// `VBoxManage convertfromraw`).
Status write_raw_disk(const fs::path &path, const std::string &pubkey, uint64_t size);

// The ISO9660 volume id (32 bytes at 0x8028, trimmed), e.g. "boot2docker-v19.03.12"; empty when
// the file is not an ISO.
std::string iso_volume_id(const fs::path &iso);

struct IsoSource {
  std::string url;    // "" = k_default_b2d_url
  std::string sha256; // expected checksum (hex), "" = not checked
  fs::path cache_dir; // STORE/cache
  Ui *ui = nullptr;   // progress on a TTY
  bool iso = true;    // false: any file (a cloud image), cached as image-<hash>-<name>
};
// Path of the cached file for the source (default URL: cache/boot2docker.iso, as docker-machine;
// another URL: cache/boot2docker-<hash of the URL>.iso); downloads it when missing. The file is
// checked (ISO9660 signature, Content-Length, sha256) before it is renamed into place.
Result<fs::path> ensure_iso(const IsoSource &src);
fs::path iso_cache_path(const IsoSource &src);

// Hex SHA-256 of a file or a string.
Result<std::string> sha256_file(const fs::path &p);
std::string sha256_hex(std::string_view data);

} // namespace sc::vbox
