#!/usr/bin/env python3
"""A fake spice-rewrite that copies each source unchanged.

Accepts the command line the tests give spice-rewrite (-o, --output-dir,
--in-place, --depfile, --header-dir, --no-line-directives, -p, --extra-arg,
compiler arguments after `--`) and writes where the real tool would, but never
rewrites anything. expect_all_fail.py runs the lit suites with it: a test
that still passes does not check what the tool does.
"""
import argparse
import os
import shutil
import sys


def main():
    argv = sys.argv[1:]
    if "--" in argv:
        argv = argv[:argv.index("--")]
    if argv == ["--version"]:
        print("spice-rewrite version 0.0 (LLVM 19, copying fake)")
        return 0
    if argv == ["--help"]:
        print("USAGE: spice-rewrite [options] <source>...\n  --depfile\n"
              "  --in-place\n  --no-line-directives\n  --output-dir")
        return 0
    ap = argparse.ArgumentParser(prog="copy_rewrite")
    ap.add_argument("sources", nargs="+")
    ap.add_argument("-o", dest="output")
    ap.add_argument("--output-dir")
    ap.add_argument("--in-place", action="store_true")
    ap.add_argument("--depfile")
    ap.add_argument("--header-dir")
    ap.add_argument("--no-line-directives", action="store_true")
    ap.add_argument("-p", dest="build_dir")
    ap.add_argument("--extra-arg", action="append")
    ap.add_argument("--clang-resource-dir")
    args = ap.parse_args(argv)

    outputs = []
    for src in args.sources:
        with open(src, "rb") as f:
            text = f.read()
        if args.in_place:
            out = src
        elif args.output_dir:
            out = os.path.join(args.output_dir, os.path.basename(src))
        else:
            out = args.output
        if out is None:
            sys.stdout.buffer.write(text)
        elif out != src:
            shutil.copyfile(src, out)
        outputs.append(out or "-")
    if args.depfile:
        with open(args.depfile, "w") as f:
            f.write("%s: %s\n" % (outputs[0], " ".join(args.sources)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
