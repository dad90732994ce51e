#pragma once
// The one door to VirtualBox: every call is `VBoxManage <args...>` (optionally with stdin) and
// comes back as exit code, stdout and stderr. The driver never runs VBoxManage any other way, so
// tests inject a recording fake.
#include <chrono>
#include <memory>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc::vbox {

struct VBoxOutput {
  int exit_code = 0;
  std::string out;
  std::string err;
};

class VBoxManage {
public:
  virtual ~VBoxManage() = default;
  // Runs `VBoxManage args...`. Fails only when the program cannot be run at all (missing,
  // timeout); a non-zero exit is a VBoxOutput.
  virtual Result<VBoxOutput> run(const std::vector<std::string> &args) = 0;
};

// The real VBoxManage, found like docker-machine does: $VBOX_INSTALL_PATH, $VBOX_MSI_INSTALL_PATH,
// then PATH (VBoxManage, vboxmanage). Empty when not installed.
std::string find_vboxmanage();
std::shared_ptr<VBoxManage>
make_process_vboxmanage(std::string binary,
                        std::chrono::milliseconds timeout = std::chrono::minutes(10));

// The line after "error: " in VBoxManage's stderr (the first one), else its first line, else
// "exited N".
std::string first_error_line(const VBoxOutput &o);

// docker-machine's error rules on top of run(): retries up to 5 times (100 ms apart) while stderr
// says "error: The object is not ready"; a non-zero exit, or exit 0 with "error:" on stderr, is an
// error "VBoxManage <verb>: <first error line>". Returns stdout. The error's code is
// Errc::not_found for the result code VBOX_E_OBJECT_NOT_FOUND (the "Details:" line, which VBoxSVC
// does not translate; the English "Could not find a registered machine" as a fallback) and
// Errc::unsupported for a syntax error (exit 2: a subcommand or option this VBoxManage lacks).
Result<std::string> vbm_out(VBoxManage &v, const std::vector<std::string> &args);
Status vbm(VBoxManage &v, const std::vector<std::string> &args);

} // namespace sc::vbox
