#pragma once
// Values that break naive shell quoting, shared by the quoting and template tests. `marker` is a
// file path that the command substitutions try to create: it must never exist afterwards.
#include <string>
#include <vector>

namespace sc::test {
inline std::vector<std::string> hostile_values(const std::string &marker) {
  return {
      "$(touch " + marker + ")",
      "`touch " + marker + "`",
      "a;touch " + marker,
      "a && touch " + marker + " || true",
      "x'; touch " + marker + "; echo '",
      "x\"; touch " + marker + "; echo \"",
      "it's",
      "'",
      "''",
      "\"double\"",
      "mixed 'single' and \"double\"",
      "a b  c",
      " leading and trailing ",
      "line1\nline2",
      "\n",
      "trailing newline\n",
      "tab\there",
      "back\\slash\\",
      "\\",
      "$HOME ${PATH} $1 $@ $$",
      "$'\\x41'",
      "!bang !! !$",
      "*glob? [a-z]",
      "~root",
      "#not a comment",
      "-n",
      "--flag=value",
      "semi;colon|pipe&amp>redir<in",
      "{a,b} (sub) [x]",
      "%s %d %%",
      "unicode é ✓ 日本",
      "",
      "plain-safe_value.1:2,3/4@5%6+7=8",
  };
}
} // namespace sc::test
