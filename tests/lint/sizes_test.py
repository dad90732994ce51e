#!/usr/bin/env python3
"""Tests of sizes.py on hand-made sources (each case states what the heuristic must see)."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sizes  # noqa: E402

failures = []


def check(what, cond):
    if not cond:
        failures.append(what)


def body(n):
    return "".join(f"  x += {i};\n" for i in range(n))


# A function's length runs from its head's line to its closing brace's line.
src = "int f(int x) {\n" + body(78) + "  return x;\n}\n"
check("81-line function found", sizes.functions(src) == [("f", 1, 81, 81)])
# Braces in comments, strings, characters and raw strings are not code.
tricky = ('void g() {\n  // {\n  /* { */\n  const char *a = "{";\n  char b = \'{\';\n'
          '  auto r = R"x({ ")x";\n}\nvoid h() {\n}\n')
check("literals and comments ignored",
      [(n, a, b) for n, a, b, _ in sizes.functions(tricky)] == [("g", 1, 7), ("h", 8, 9)])
# Lambdas, control blocks, classes and namespaces: a lambda counts towards its function, a
# member function is a function, a namespace or class body is not.
nested = ("namespace sc {\nclass C {\n  int m() const {\n    return 1;\n  }\n};\n"
          "void k() {\n  if (true) {\n  }\n  auto l = [&](int a) {\n    return a;\n  };\n}\n}\n")
check("nesting", [(n, a, b) for n, a, b, _ in sizes.functions(nested)] == [("m", 3, 5),
                                                                         ("k", 7, 13)])
# Constructors with an initialiser list (braced members too); counted from the body's brace.
ctor = "S::S(int a)\n    : m(a), n{a} {\n  go();\n}\n"
check("constructor", [(n, a, b) for n, a, b, _ in sizes.functions(ctor)] == [("S::S", 2, 4)])

# The command: offenders listed (file over 400 lines, function over 80), exit 1; clean: exit 0.
with tempfile.TemporaryDirectory() as root:
    os.makedirs(os.path.join(root, "cmd"))
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "cmd", "ok.cpp"), "w") as f:
        f.write("int f(int x) {\n" + body(70) + "  return x;\n}\n")
    with open(os.path.join(root, "templates", "notes.md"), "w") as f:
        f.write("line\n" * 500)  # prose is not checked
    r = subprocess.run([sys.executable, os.path.join(HERE, "sizes.py"), root],
                       capture_output=True, text=True)
    check("clean tree passes", r.returncode == 0 and r.stdout == "")
    with open(os.path.join(root, "cmd", "long.cpp"), "w") as f:
        f.write("int f(int x) {\n" + body(79) + "  return x;\n}\n" + "// pad\n" * 320)
    with open(os.path.join(root, "templates", "big.sh"), "w") as f:
        f.write("echo\n" * 401)
    r = subprocess.run([sys.executable, os.path.join(HERE, "sizes.py"), root],
                       capture_output=True, text=True)
    want = ["cmd/long.cpp: 402 lines (limit 400): split it by concern",
            "cmd/long.cpp:1: function 'f' has 82 lines (limit 80)",
            "templates/big.sh: 401 lines (limit 400): split it by concern"]
    check(f"offenders listed (got {r.stdout!r})",
          r.returncode == 1 and r.stdout.splitlines() == want)

for f in failures:
    print("FAILED:", f)
sys.exit(1 if failures else 0)
