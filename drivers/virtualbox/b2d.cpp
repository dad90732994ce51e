#include <fcntl.h>
#include <openssl/evp.h>
#include <provision/http/curl_api.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <drivers/virtualbox/archive_writer.hpp>
#include <drivers/virtualbox/b2d.hpp>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <provision/util/c_handle.hpp>
#include <provision/util/fd.hpp>
#include <provision/util/fs.hpp>

namespace sc::vbox {
namespace {

using CurlEasy = std::unique_ptr<CURL, curl::EasyDeleter>;
using EvpCtx = CHandle<EVP_MD_CTX *, EVP_MD_CTX_free>;
// A named function: the address of a standard library function is not to be taken.
void close_file(std::FILE *f) noexcept {
  std::fclose(f);
}
using File = CHandle<std::FILE *, close_file>;

struct Download {
  std::FILE *f = nullptr;
  Ui *ui = nullptr;
  std::unique_ptr<Ui::Transfer> shown; // bytes and rate, on a TTY
};

size_t on_data(char *p, size_t sz, size_t n, void *ud) {
  auto *d = static_cast<Download *>(ud);
  return std::fwrite(p, sz, n, d->f) * sz;
}

int on_progress(void *ud, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto *d = static_cast<Download *>(ud);
  if (d->shown && now > 0)
    d->shown->update(static_cast<std::uint64_t>(now),
                     total > 0 ? static_cast<std::uint64_t>(total) : 0);
  return 0;
}

std::string hex(const unsigned char *p, unsigned n) {
  std::string s;
  for (unsigned i = 0; i < n; ++i)
    s += fmt::format("{:02x}", p[i]);
  return s;
}

} // namespace

Result<std::string> userdata_tar(const std::string &pubkey) {
  // The magic file first: b2d's automount script looks for its name at the start of the disk.
  return write_archive("ustar", {},
                       {{k_magic, 0644, k_magic},
                        {".ssh", 0700, "", true},
                        {".ssh/authorized_keys", 0644, pubkey},
                        {".ssh/authorized_keys2", 0644, pubkey}});
}

Status write_raw_disk(const fs::path &path, const std::string &pubkey, uint64_t size) {
  auto made = userdata_tar(pubkey);
  if (!made) return fail(made.error());
  const std::string &tar = *made;
  if (size < tar.size()) return fail(Errc::usage, "disk size is too small for the userdata");
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return fail(Errc::io, fmt::format("create {}: {}", path.string(), std::strerror(errno)));
  if (::write(fd.get(), tar.data(), tar.size()) != static_cast<ssize_t>(tar.size()) ||
      ::ftruncate(fd.get(), static_cast<off_t>(size)) != 0)
    return fail(Errc::io, fmt::format("write {}: {}", path.string(), std::strerror(errno)));
  return ok();
}

std::string iso_volume_id(const fs::path &iso) {
  std::ifstream f(iso, std::ios::binary);
  char buf[0x48] = {};
  f.seekg(0x8000);
  if (!f.read(buf, sizeof buf)) return "";
  if (std::memcmp(buf + 1, "CD001", 5) != 0) return "";
  std::string id(buf + 0x28, 32);
  while (!id.empty() && (id.back() == ' ' || id.back() == '\0'))
    id.pop_back();
  return id;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return hex(md, n);
}

Result<std::string> sha256_file(const fs::path &p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return fail(Errc::io, fmt::format("cannot read {}", p.string()));
  EvpCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    return fail(Errc::generic, "sha256: OpenSSL failure");
  std::vector<char> buf(1 << 16);
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (f.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(f.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &n);
  return hex(md, n);
}

fs::path iso_cache_path(const IsoSource &src) {
  if (!src.iso) {
    auto base = fs::path(src.url).filename().string();
    return src.cache_dir / fmt::format("image-{}-{}", sha256_hex(src.url).substr(0, 12),
                                       base.empty() ? "disk" : base);
  }
  if (src.url.empty() || src.url == k_default_b2d_url) return src.cache_dir / "boot2docker.iso";
  return src.cache_dir / fmt::format("boot2docker-{}.iso", sha256_hex(src.url).substr(0, 12));
}

Result<fs::path> ensure_iso(const IsoSource &src) {
  std::string url = src.url.empty() ? k_default_b2d_url : src.url;
  fs::path dest = iso_cache_path(src);
  std::error_code ec;
  auto verify = [&](const fs::path &p) -> Status {
    if (src.iso && iso_volume_id(p).empty())
      return fail(Errc::io, fmt::format("{} is not an ISO image (no ISO9660 signature)", url));
    if (!src.sha256.empty()) {
      auto sum = sha256_file(p);
      if (!sum) return fail(sum.error());
      if (*sum != src.sha256)
        return fail(Errc::io, fmt::format("{}: sha256 is {}, expected {}", url, *sum, src.sha256));
    }
    return ok();
  };
  if (fs::exists(dest, ec)) {
    if (auto st = verify(dest); st) return dest;
    fs::remove(dest, ec); // a bad cached copy is downloaded again
  }
  SC_TRY(ensure_dir(src.cache_dir, 0700));
  fs::path tmp = dest.string() + fmt::format(".part{}", ::getpid());
  File f(std::fopen(tmp.c_str(), "wb"));
  if (!f) return fail(Errc::io, fmt::format("create {}: {}", tmp.string(), std::strerror(errno)));
  auto loaded = curl::api();
  if (!loaded) {
    f.reset();
    fs::remove(tmp, ec);
    return fail(loaded.error());
  }
  const curl::Api *api = *loaded;
  Download d{f.get(), src.ui, {}};
  CurlEasy c(api->easy_init());
  if (!c) {
    f.reset();
    fs::remove(tmp, ec);
    return fail(Errc::generic, "libcurl initialisation failed");
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  api->easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  api->easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 1L);
  api->easy_setopt(c.get(), CURLOPT_FAILONERROR, 1L);
  api->easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);
  api->easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  api->easy_setopt(c.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L); // abort when stalled for a minute
  api->easy_setopt(c.get(), CURLOPT_LOW_SPEED_TIME, 60L);
  api->easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_data);
  api->easy_setopt(c.get(), CURLOPT_WRITEDATA, &d);
  bool progress = src.ui && src.ui->tty && !src.ui->quiet;
  if (progress) {
    src.ui->info(fmt::format("Downloading {} to {}...", url, dest.string()));
    d.shown = std::make_unique<Ui::Transfer>(*src.ui, "Downloading", "", 0);
    api->easy_setopt(c.get(), CURLOPT_NOPROGRESS, 0L);
    api->easy_setopt(c.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
    api->easy_setopt(c.get(), CURLOPT_XFERINFODATA, &d);
  }
  CURLcode rc = api->easy_perform(c.get());
  d.shown.reset();                             // ends the progress line
  bool closed = std::fclose(f.release()) == 0; // it reports the last buffered write's error
  auto give_up = [&](std::string msg) -> Result<fs::path> {
    fs::remove(tmp, ec);
    return fail(Errc::unreachable, std::move(msg));
  };
  if (rc != CURLE_OK)
    return give_up(fmt::format(
        "cannot download the {} from {}: {} (no cached copy in {}; use {} file:///path/to/{})",
        src.iso ? "boot2docker ISO" : "image", url, errbuf[0] ? errbuf : api->easy_strerror(rc),
        src.cache_dir.string(), src.iso ? "--virtualbox-boot2docker-url" : "--virtualbox-image",
        src.iso ? "boot2docker.iso" : "image"));
  if (!closed) return give_up(fmt::format("write {}: {}", tmp.string(), std::strerror(errno)));
  curl_off_t expected = -1;
  api->easy_getinfo(c.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
  auto got = fs::file_size(tmp, ec);
  if (expected >= 0 && !ec && got != static_cast<uintmax_t>(expected))
    return give_up(fmt::format("download of {} is truncated: {} of {} bytes", url, got, expected));
  if (auto st = verify(tmp); !st) return give_up(st.error().message);
  fs::permissions(tmp, fs::perms(0644), ec);
  fs::rename(tmp, dest, ec);
  if (ec) return give_up(fmt::format("rename {}: {}", dest.string(), ec.message()));
  return dest;
}

} // namespace sc::vbox
