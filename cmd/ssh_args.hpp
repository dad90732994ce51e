#pragma once
// `ssh [NAME] [ssh options] [--] [command...]` read the way docker-machine hands it to ssh(1):
// after the machine name, ssh's own options (`-C`, `-t`, `-o Key=Value`...) until `--` or the
// first other word; the rest is the remote command. Pure: no I/O.
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

struct SshInvocation {
  std::string name; // "" = the default machine (no name given)
  bool compression = false;
  enum class Tty { Auto, Force, Never } tty = Tty::Auto;
  std::vector<std::string> command; // remote command words (empty = login shell)
};

// `words` are the arguments after `ssh`. Options ssh(1) knows but swarmctl's SSH client cannot
// honour (port forwarding, agent forwarding, another identity...) are refused with one line:
// the machine's own port, user and key are always used.
Result<SshInvocation> parse_ssh_args(const std::vector<std::string> &words);

} // namespace sc
