#!/usr/bin/env python3
"""Size limits of the product code: no file over 400 lines, no C++ function over 80 lines.

Usage: sizes.py SOURCE_DIR [FILE...]
Checks cmd/, drivers/, provision/ and templates/ under SOURCE_DIR (or only the FILEs given).
Prints every offender as `path:line: ...` and exits 1 when there is one, 0 otherwise.

Functions are found by brace matching on the source with comments, string and character
literals (raw strings too) blanked out: a `{` whose statement head looks like `name(...)`,
optionally followed by qualifiers or a constructor's initialiser list, outside any function,
opens a function; its length runs from that line to the line of the matching `}`. Lambdas and
blocks inside a function count towards it; braced member initialisers (`m_b{b}`) are part of
the head. A heuristic: good for this tree's style
(clang-format), not a C++ parser.
"""
import os
import re
import sys

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80
PRODUCT_DIRS = ("cmd", "drivers", "provision", "templates")
CXX_EXTENSIONS = (".cpp", ".hpp")
SKIP_EXTENSIONS = (".md",)  # prose, not code

HEAD = re.compile(
    r"([~\w:<>]+)\s*\([^;{}]*\)\s*(const|noexcept|override|final|mutable|->[^{;]*|\s)*(:[^;]*)?$")
# The `{` of a braced member initialiser (`: m_a(a), m_b{b}`): the head goes on after its `}`.
MEMBER_INIT = re.compile(r"[:,]\s*[\w:]+$")
CONTROL = re.compile(r"^(if|for|while|switch|catch|return)\b")
CONTROL_CALL = re.compile(r"\b(if|for|while|switch|catch)\s*\(")


def blank(text):
    """Same-length copy of `text` with every non-newline character replaced by a space."""
    return re.sub(r"[^\n]", " ", text)


def strip(src):
    """`src` with comments and literals blanked out, line numbers kept."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(blank(src[i:j]))
        elif src.startswith('R"', i) and re.match(r'R"([^(\s]*)\(', src[i:]):
            delim = re.match(r'R"([^(\s]*)\(', src[i:]).group(1)
            end = src.find(")" + delim + '"', i)
            j = n if end < 0 else end + len(delim) + 2
            out.append(blank(src[i:j]))
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(blank(src[i:j]))
        else:
            out.append(c)
            j = i + 1
        i = j
    return "".join(out)


def functions(src):
    """(name, first line, last line, length) of every top-level function body in `src`."""
    s = strip(src)
    found, stack = [], []  # stack entries: (kind "fn" | "init" | "block", start line, name)
    line, stmt_start = 1, 0
    for i, c in enumerate(s):
        if c == "\n":
            line += 1
        elif c == "{":
            head = " ".join(s[stmt_start:i].split())
            in_function = any(kind == "fn" for kind, _, _ in stack)
            m = HEAD.search(head)
            kind = "block"
            if m and not in_function and m.group(3) and MEMBER_INIT.search(head):
                kind = "init"
            elif m and not in_function and not CONTROL.match(head) \
                    and not CONTROL_CALL.search(head.split("(")[0] + "("):
                kind = "fn"
            stack.append((kind, line, m.group(1) if m else ""))
            if kind != "init":
                stmt_start = i + 1
        elif c == "}":
            kind = "block"
            if stack:
                kind, first, name = stack.pop()
                if kind == "fn":
                    found.append((name, first, line, line - first + 1))
            if kind != "init":
                stmt_start = i + 1
        elif c == ";":
            stmt_start = i + 1
    return found


def product_files(root):
    for top in PRODUCT_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for f in sorted(filenames):
                if not f.endswith(SKIP_EXTENSIONS):
                    yield os.path.join(dirpath, f)


def offenders(path, shown):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            src = fh.read()
    except OSError as e:
        return [f"{shown}: cannot read: {e.strerror}"]
    out = []
    lines = src.count("\n") + (0 if src.endswith("\n") or not src else 1)
    if lines > MAX_FILE_LINES:
        out.append(f"{shown}: {lines} lines (limit {MAX_FILE_LINES}): split it by concern")
    if path.endswith(CXX_EXTENSIONS):
        for name, first, _, n in functions(src):
            if n > MAX_FUNCTION_LINES:
                out.append(f"{shown}:{first}: function '{name}' has {n} lines "
                           f"(limit {MAX_FUNCTION_LINES})")
    return out


def main(argv):
    if len(argv) < 2:
        print("usage: sizes.py SOURCE_DIR [FILE...]", file=sys.stderr)
        return 2
    root = argv[1]
    paths = argv[2:] or list(product_files(root))
    bad = []
    for p in paths:
        bad += offenders(p, os.path.relpath(p, root))
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} size limit(s) exceeded", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
