#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <drivers/virtualbox/parse.hpp>
#include <drivers/virtualbox/vboxmanage.hpp>
#include <fmt/format.h>
#include <provision/util/process.hpp>
#include <sstream>
#include <thread>

namespace sc::vbox {
namespace {

bool executable(const std::string &p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
}

class ProcessVBoxManage : public VBoxManage {
public:
  ProcessVBoxManage(std::string bin, std::chrono::milliseconds timeout)
      : m_bin(std::move(bin)), m_timeout(timeout) {}
  Result<VBoxOutput> run(const std::vector<std::string> &args) override {
    std::vector<std::string> argv{m_bin};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions o;
    o.timeout = m_timeout;
    o.env["LC_ALL"] = "C"; // messages are parsed: no translations
    auto r = run_process(argv, o);
    if (!r)
      return fail(r.error().context(fmt::format("VBoxManage {}", args.empty() ? "" : args[0])));
    return VBoxOutput{r->exit_code, std::move(r->out), std::move(r->err)};
  }

private:
  std::string m_bin;
  std::chrono::milliseconds m_timeout;
};

} // namespace

std::string first_error_line(const VBoxOutput &o) {
  std::istringstream in(o.err);
  std::string line, first;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (first.empty()) first = line;
    auto p = line.find("error: ");
    if (p != std::string::npos) return line.substr(p + 7);
  }
  if (!first.empty()) return first;
  return fmt::format("exited {}", o.exit_code);
}

namespace {
Errc classify(const VBoxOutput &o) {
  auto code = vbox_result_code(o.err);
  if ((code && *code == "VBOX_E_OBJECT_NOT_FOUND") ||
      o.err.find("(0x80bb0001)") != std::string::npos)
    return Errc::not_found;
  if (!code && o.err.find("Could not find a registered machine") != std::string::npos)
    return Errc::not_found;
  if (o.exit_code == 2) return Errc::unsupported; // RTEXITCODE_SYNTAX
  return Errc::generic;
}
} // namespace

std::string find_vboxmanage() {
  for (const char *var : {"VBOX_INSTALL_PATH", "VBOX_MSI_INSTALL_PATH"}) {
    const char *v = std::getenv(var);
    if (!v || !*v) continue;
    // Like docker-machine, the variable may hold a list of directories.
    std::string s = v;
    size_t start = 0;
    while (start <= s.size()) {
      size_t end = s.find(':', start);
      if (end == std::string::npos) end = s.size();
      std::string dir = s.substr(start, end - start);
      if (!dir.empty()) {
        if (dir.back() != '/') dir += '/';
        if (executable(dir + "VBoxManage")) return dir + "VBoxManage";
      }
      start = end + 1;
    }
  }
  for (const char *name : {"VBoxManage", "vboxmanage"}) {
    auto p = find_in_path(name);
    if (!p.empty()) return p;
  }
  return "";
}

std::shared_ptr<VBoxManage> make_process_vboxmanage(std::string binary,
                                                    std::chrono::milliseconds timeout) {
  return std::make_shared<ProcessVBoxManage>(std::move(binary), timeout);
}

Result<std::string> vbm_out(VBoxManage &v, const std::vector<std::string> &args) {
  std::string verb = args.empty() ? "" : args[0];
  if (args.size() > 1 && (verb == "list" || verb == "controlvm" || verb == "hostonlyif" ||
                          verb == "dhcpserver" || verb == "guestproperty"))
    verb += " " + (verb == "controlvm" && args.size() > 2 ? args[2] : args[1]);
  for (int attempt = 0;; ++attempt) {
    auto r = v.run(args);
    if (!r) return fail(r.error());
    bool has_error = r->exit_code != 0 || r->err.find("error:") != std::string::npos;
    if (!has_error) return std::move(r->out);
    if (r->err.find("error: The object is not ready") != std::string::npos && attempt < 5) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    return fail(classify(*r), fmt::format("VBoxManage {}: {}", verb, first_error_line(*r)));
  }
}

Status vbm(VBoxManage &v, const std::vector<std::string> &args) {
  auto r = vbm_out(v, args);
  if (!r) return fail(r.error());
  return ok();
}

} // namespace sc::vbox
