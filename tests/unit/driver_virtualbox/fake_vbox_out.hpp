#pragma once
// VBoxManage's ways of answering, for FakeVBox: success, an API error, a missing VM, a syntax
// error. Formats: VBoxManage's RTMsgError prefix "VBoxManage: error: ", Main/glue/errorprint.cpp
// (the "Details:" and "Context:" lines) and VBoxManageHelp.cpp errorSyntax (logo, message, usage,
// exit code 2 = RTEXITCODE_SYNTAX).
#include <drivers/virtualbox/vboxmanage.hpp>
#include <string>

namespace sc::test {

inline vbox::VBoxOutput vbm_ok(std::string out = "") {
  return {0, std::move(out), ""};
}

inline vbox::VBoxOutput vbm_error(const std::string &msg) {
  return {1, "", "VBoxManage: error: " + msg + "\n"};
}

// `showvminfo NAME` of an unknown VM: tests/data/virtualbox/showvminfo_not_found.stderr's layout;
// `message` replaces VBoxSVC's English words (a translated VBoxSVC).
inline vbox::VBoxOutput vbm_not_found(const std::string &name, const std::string &message = "") {
  return {
      1, "",
      "VBoxManage: error: " +
          (message.empty() ? "Could not find a registered machine named '" + name + "'" : message) +
          "\nVBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component "
          "VirtualBoxWrap, interface IVirtualBox, callee nsISupports\nVBoxManage: error: "
          "Context: \"FindMachine(Bstr(VMNameOrUuid).raw(), machine.asOutParam())\" at line "
          "2719 of file VBoxManageInfo.cpp\n"};
}

// A subcommand this VBoxManage does not know; `message` as VBoxManage words it.
inline vbox::VBoxOutput vbm_syntax(const std::string &version, const std::string &message,
                                   const std::string &usage) {
  return {2, "",
          "Oracle VM VirtualBox Command Line Management Interface Version " + version +
              "\n(C) 2005-2021 Oracle Corporation\nAll rights reserved.\n\nVBoxManage: error: " +
              message + "\n\nUsage:\n\n" + usage + "\n"};
}

} // namespace sc::test
