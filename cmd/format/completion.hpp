#pragma once
// Shell completion scripts (bash, zsh, fish), generated from a description of the command line
// that cmd/ builds from the CLI11 tables the parser itself uses: there is no second, hand-kept
// list of commands or flags. Machine names are read by the scripts from the store directory
// (STORE/machines/*/config.json), never by running swarmctl or asking an engine.
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

// What a flag's value or a positional argument completes to.
enum class ValueKind { None, Machine, Driver, Shell, ClusterFile, File, Dir, Choice };

struct CompletionFlag {
  std::vector<std::string> names; // "-d", "--driver"
  bool takes_value = false;
  std::string help;
  ValueKind kind = ValueKind::None;
  std::vector<std::string> choices; // ValueKind::Choice
};

struct CompletionCommand {
  std::string path; // "create", "kv status"
  std::string help;
  std::vector<CompletionFlag> flags;
  ValueKind positional = ValueKind::None;
  std::vector<std::string> positional_choices;
  std::vector<std::string> subcommands; // names of the commands one level below ("status")
};

struct CompletionModel {
  std::vector<CompletionFlag> global_flags;
  std::vector<CompletionCommand> commands; // top level and nested ("kv status"), in order
  // Flags that belong to one driver of `create` (--virtualbox-*), offered for the chosen driver.
  std::vector<std::pair<std::string, std::vector<CompletionFlag>>> driver_flags;
  std::string default_driver = "virtualbox"; // when neither -d nor $MACHINE_DRIVER is given
  std::vector<std::string> shells;           // env --shell values
};

// The scripts: templates/completion/* with the model's tables filled in.
Result<std::string> completion_bash(const CompletionModel &m);
Result<std::string> completion_zsh(const CompletionModel &m);  // cmd/format/completion_zsh.cpp
Result<std::string> completion_fish(const CompletionModel &m); // cmd/format/completion_fish.cpp

// Shared by the three generators.
std::string join_words(const std::vector<std::string> &w); // space-separated
// Every name of every flag ("-d", "--driver", ...); only those that take a value if asked.
std::vector<std::string> flag_names(const std::vector<CompletionFlag> &flags, bool valued_only);
// "kv status" -> "kv_status": usable in a shell function name.
std::string shell_fn_suffix(const std::string &path);

// templates/completion/scan-words.sh filled in, shared by the bash and zsh scripts: the walk over
// the words before the cursor (command path, -d driver, an option waiting for its value).
Result<std::string> scan_words(const CompletionModel &m);

// How one shell completes each kind of value: a fixed list of words (drivers, env's shells, a
// flag's choices) or one of the shell's own statements for the other kinds.
struct ValueSyntax {
  std::string (*words)(const std::vector<std::string> &);
  std::string machine, cluster_file, file, dir, none;
};
// The statement that completes a value of kind `k` (`choices`: ValueKind::Choice's words).
std::string value_completion(const CompletionModel &m, ValueKind k,
                             const std::vector<std::string> &choices, const ValueSyntax &syntax);

} // namespace sc
