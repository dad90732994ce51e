// --virtualbox-image: the cloud image becomes disk.vdi (VBoxManage clonemedium, or qemu-img for
// qcow2 images VirtualBox's reader cannot be trusted with) plus a cloud-init NoCloud seed ISO.
#include <sys/utsname.h>

#include <drivers/virtualbox/b2d.hpp>
#include <drivers/virtualbox/cloudinit.hpp>
#include <drivers/virtualbox/parse.hpp>
#include <drivers/virtualbox/vbox.hpp>
#include <fmt/format.h>
#include <fstream>
#include <provision/ssh/keys.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>

namespace sc::vbox {
namespace {

// The qcow2 problem of the file at `p` ("" when it is no qcow2 image or VirtualBox reads it).
std::string qcow2_problem_of(const fs::path &p) {
  std::ifstream f(p, std::ios::binary);
  std::string head(104, '\0');
  f.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(f.gcount()));
  auto q = parse_qcow2_header(head);
  return q ? qcow2_problem(*q) : "";
}

} // namespace

std::string VBoxDriver::qemu_img_path() const {
  return m_deps.qemu_img ? *m_deps.qemu_img : find_in_path("qemu-img");
}

Status VBoxDriver::check_host_arch() {
  std::string arch;
  if (m_deps.host_arch) {
    arch = m_deps.host_arch();
  } else {
    utsname u{};
    if (::uname(&u) == 0) arch = u.machine;
  }
  if (arch == "arm64" || arch == "aarch64" || arch.rfind("arm", 0) == 0)
    return fail(Errc::precreate,
                fmt::format("this host is {} (Apple silicon or another ARM CPU): VirtualBox runs "
                            "only ARM guests there, and the boot2docker ISO and this driver's "
                            "x86 VM settings need an x86-64 host",
                            arch));
  return ok();
}

Status VBoxDriver::check_image() {
  fs::path src = m_image;
  if (m_image.find("://") != std::string::npos) {
    auto img = ensure_iso({m_image, "", m_store / "cache", m_ui, false});
    if (!img) return fail(Errc::precreate, img.error().message);
    src = *img;
  } else {
    std::error_code ec;
    if (!fs::is_regular_file(m_image, ec))
      return fail(Errc::precreate, fmt::format("--virtualbox-image: {} is not a file", m_image));
  }
  auto problem = qcow2_problem_of(src);
  if (problem.empty() || !qemu_img_path().empty()) return ok();
  return fail(Errc::precreate,
              fmt::format("--virtualbox-image: {} is {}, which VirtualBox cannot read reliably; "
                          "install qemu-img (Debian/Ubuntu: qemu-utils) and swarmctl converts it, "
                          "or convert it yourself: qemu-img convert -O vdi {} {}.vdi",
                          m_image, problem, src.string(), src.string()));
}

Status VBoxDriver::image_disk() {
  std::error_code ec;
  if (!fs::exists(key_path(), ec) || !fs::exists(key_path().string() + ".pub", ec))
    SC_TRY(generate_ssh_key(key_path(), KeyType::Rsa));
  auto pub = read_public_key(key_path());
  if (!pub) return fail(pub.error());
  fs::path src = m_image;
  if (m_image.find("://") != std::string::npos) {
    auto img = ensure_iso({m_image, "", m_store / "cache", m_ui, false});
    if (!img) return fail(img.error());
    src = *img;
  }
  fs::path disk = m_dir / "disk.vdi";
  if (auto problem = qcow2_problem_of(src); !problem.empty()) {
    if (m_ui)
      m_ui->info(
          fmt::format("{} is {}: converting it to VDI with qemu-img...", src.string(), problem));
    ProcessOptions o;
    o.timeout = std::chrono::minutes(30);
    SC_TRY_CTX(
        run_checked({qemu_img_path(), "convert", "-O", "vdi", src.string(), disk.string()}, o),
        "convert the image");
  } else {
    SC_TRY(vbm(v(), {"clonemedium", "disk", src.string(), disk.string(), "--format", "VDI"}));
    // clonemedium registered the source: forget it.
    (void)v().run({"closemedium", "disk", src.string()});
  }
  auto info = vbm_out(v(), {"showmediuminfo", "disk", disk.string()});
  if (!info) return fail(info.error());
  auto c = info->find("Capacity:");
  long long capacity =
      c == std::string::npos ? 0 : leading_number(info->substr(c + 9)).value_or(0); // MBytes
  if (capacity < m_disk_mb)
    SC_TRY(
        vbm(v(), {"modifymedium", "disk", disk.string(), "--resize", std::to_string(m_disk_mb)}));
  m_mac_nat = mac_for(m_dir.string() + "/nic1");
  m_mac_hostonly = mac_for(m_dir.string() + "/nic2");
  SeedConfig sc{m_name, "swarmctl-" + sha256_hex(m_dir.string()).substr(0, 16), *pub, m_mac_nat,
                m_mac_hostonly};
  auto iso = nocloud_seed_iso(sc);
  if (!iso) return fail(iso.error());
  return atomic_write(m_dir / "seed.iso", *iso, 0644);
}

} // namespace sc::vbox
