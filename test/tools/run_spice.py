#!/usr/bin/env python3
"""Builds and runs one program of the run tests in every configuration.

For the given sources: rewrites each with spice-rewrite (headers that carry
[[spice::parallel]] go to <tmp>/headers, searched first), builds the rewritten
program with g++ and clang++ (-O2 -Wall -Wextra -Werror, linked with the
runtime), builds the unrewritten serial elision with both compilers, then
runs the serial builds and the rewritten builds with SPICE_NUM_THREADS=1, 2
and 8 and SPICE_HEARTBEAT_US=1. Every run must succeed and print the same
output, which is printed once for FileCheck.
"""
import argparse
import os
import shutil
import subprocess
import sys


def run(cmd, env=None):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, text=True)
    if proc.returncode != 0:
        sys.stderr.write("command failed (%d): %s\n%s%s" % (
            proc.returncode, " ".join(cmd), proc.stdout, proc.stderr))
        sys.exit(1)
    return proc.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rewrite", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--gcc", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--threads", default="1,2,8")
    ap.add_argument("tmp")
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()

    os.makedirs(args.tmp, exist_ok=True)
    headers = os.path.join(args.tmp, "headers")
    shutil.rmtree(headers, ignore_errors=True)  # no copies of an earlier run
    rewritten = []
    for src in args.sources:
        out = os.path.join(args.tmp, os.path.basename(src))
        run([args.rewrite, src, "-o", out, "--header-dir", headers])
        rewritten.append(out)
    flags = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror",
             "-I" + args.include]
    # Quoted includes of the sources keep working from the output directory.
    for src in args.sources:
        flags.append("-I" + os.path.dirname(os.path.abspath(src)))
    # The rewritten headers come first, for quoted and angled includes.
    par_flags = ["-iquote", headers, "-I" + headers] + flags
    binaries = []
    for name, cxx in (("gcc", args.gcc), ("clang", args.clang)):
        serial = os.path.join(args.tmp, "serial-" + name)
        run([cxx] + flags + args.sources + ["-o", serial])
        binaries.append((serial, None))
        par = os.path.join(args.tmp, "parallel-" + name)
        run([cxx] + par_flags + rewritten +
            [args.runtime, "-pthread", "-o", par])
        for threads in args.threads.split(","):
            binaries.append((par, threads))
    expected = None
    for binary, threads in binaries:
        env = dict(os.environ)
        if threads is not None:
            env["SPICE_NUM_THREADS"] = threads
            env["SPICE_HEARTBEAT_US"] = "1"
        out = run([binary], env=env)
        if expected is None:
            expected = out
        elif out != expected:
            sys.stderr.write("output of %s (threads=%s) differs:\n%s\n"
                             "expected (serial g++):\n%s\n"
                             % (binary, threads, out, expected))
            sys.exit(1)
    sys.stdout.write(expected)


if __name__ == "__main__":
    main()
