#!/usr/bin/env python3
"""Copies a test source without its lit and FileCheck directives.

  strip_checks.py <input> -o <output>

Every line that is only a `//` comment starting with an upper-case directive
(`// RUN:`, `// CHECK:`, `// CHECK-NEXT:`, `// NOLINE-NOT:`, ...) becomes an
empty line, so the tool under test never sees the CHECK lines and cannot copy
them into the output that FileCheck reads; line numbers stay as they were, so
`#line` checks keep their meaning. A directive left anywhere else (after code
on the same line) is an error: it would reach the output.
"""
import argparse
import re
import sys

# `// PREFIX:` or `// PREFIX-NEXT:` etc. with an upper-case FileCheck or lit
# prefix, alone on its line.
DIRECTIVE_LINE = re.compile(r"^\s*//\s*[A-Z][A-Z0-9_]*(-[A-Z]+)?:")
# The same directive after code: not removable without changing the code.
DIRECTIVE_ANYWHERE = re.compile(r"//\s*[A-Z][A-Z0-9_]*(-[A-Z]+)?:")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("-o", dest="output", required=True)
    args = ap.parse_args()

    with open(args.input, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    out = []
    for number, line in enumerate(lines, 1):
        if DIRECTIVE_LINE.match(line):
            out.append("\r" if line.endswith("\r") else "")
            continue
        if DIRECTIVE_ANYWHERE.search(line):
            sys.stderr.write("%s:%d: error: directive after code; put it on a "
                             "line of its own\n" % (args.input, number))
            return 1
        out.append(line)
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
