#!/usr/bin/env python3
"""Builds and runs one program of the run tests in every configuration.

For the given sources: rewrites each with spice-rewrite (headers that carry
[[spice::parallel]] go to <tmp>/headers, searched first), builds the rewritten
program with g++ and clang++ (-O2 -Wall -Wextra -Werror, linked with the
runtime), builds the unrewritten serial elision with both compilers, then
runs the serial builds and the rewritten builds with SPICE_NUM_THREADS=1, 2
and 8 and SPICE_HEARTBEAT_US=1. Every run must succeed and print the same
output, which is printed once for FileCheck.

The rewritten builds run with SPICE_STATS=1: each must report the pool's
counters at exit with the number of workers asked for (the serial elision
never starts a pool), and on more than one worker the count of jobs run by
another worker must be above zero: spawned calls really ran in parallel.
Whether a heartbeat's shared job is taken before its owner joins it depends
on the OS scheduler (a loaded machine may not wake the taker in time), so a
multi-worker run without such a job is repeated: at least --attempts runs,
and on for up to --patience seconds; the output of every run must still match. Test programs run long
enough (tens of milliseconds) that one attempt almost always suffices.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time


# What runtime/src/pool.cpp prints at exit under SPICE_STATS=1.
STATS = re.compile(r"^spice: workers (\d+), .*, jobs run by another worker "
                   r"(\d+),", re.MULTILINE)


def run(cmd, env=None):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, text=True)
    if proc.returncode != 0:
        sys.stderr.write("command failed (%d): %s\n%s%s" % (
            proc.returncode, " ".join(cmd), proc.stdout, proc.stderr))
        sys.exit(1)
    return proc


def read_stats(binary, threads, stderr):
    """(workers, jobs run by another worker) of the run's stats line."""
    found = STATS.findall(stderr)
    if len(found) != 1:
        sys.stderr.write("%s (threads=%s) printed no spice stats line: the "
                         "rewritten program did not run on the pool\n%s"
                         % (binary, threads, stderr))
        sys.exit(1)
    workers, stolen = int(found[0][0]), int(found[0][1])
    if workers != int(threads):
        sys.stderr.write("%s (threads=%s) ran on %d workers\n"
                         % (binary, threads, workers))
        sys.exit(1)
    return workers, stolen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rewrite", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--gcc", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--threads", default="1,2,8")
    ap.add_argument("--attempts", type=int, default=8,
                    help="runs of a multi-worker configuration until one "
                    "shows a job run by another worker")
    ap.add_argument("--patience", type=float, default=60,
                    help="seconds to keep repeating such runs after "
                    "--attempts (a machine loaded ~5x over its cores starved "
                    "takers through 8 runs)")
    ap.add_argument("--show-stats", action="store_true",
                    help="print each rewritten run's stats line to stderr")
    ap.add_argument("--std", default="c++17", help="language standard")
    ap.add_argument("tmp")
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()

    os.makedirs(args.tmp, exist_ok=True)
    headers = os.path.join(args.tmp, "headers")
    shutil.rmtree(headers, ignore_errors=True)  # no copies of an earlier run
    rewritten = []
    for src in args.sources:
        out = os.path.join(args.tmp, os.path.basename(src))
        std_args = [] if args.std == "c++17" else ["--", "-std=" + args.std]
        run([args.rewrite, src, "-o", out, "--header-dir", headers] +
            std_args)
        rewritten.append(out)
    flags = ["-std=" + args.std, "-O2", "-Wall", "-Wextra", "-Werror",
             "-I" + args.include]
    # Quoted includes of the sources keep working from the output directory.
    for src in args.sources:
        flags.append("-I" + os.path.dirname(os.path.abspath(src)))
    # The rewritten headers come first, for quoted and angled includes.
    par_flags = ["-iquote", headers, "-I" + headers] + flags
    expected = None
    # Serial then rewritten, one compiler at a time: a rewritten build that
    # does not run on the pool fails before the second compiler starts.
    for name, cxx in (("gcc", args.gcc), ("clang", args.clang)):
        serial = os.path.join(args.tmp, "serial-" + name)
        run([cxx] + flags + args.sources + ["-o", serial])
        par = os.path.join(args.tmp, "parallel-" + name)
        run([cxx] + par_flags + rewritten +
            [args.runtime, "-pthread", "-o", par])
        runs = [(serial, None)] + [(par, t) for t in args.threads.split(",")]
        for binary, threads in runs:
            env = dict(os.environ)
            if threads is not None:
                env["SPICE_NUM_THREADS"] = threads
                env["SPICE_HEARTBEAT_US"] = "1"
                env["SPICE_STATS"] = "1"
            deadline = time.monotonic() + args.patience
            attempt = 0
            while True:
                attempt += 1
                proc = run([binary], env=env)
                if expected is None:
                    expected = proc.stdout
                elif proc.stdout != expected:
                    sys.stderr.write("output of %s (threads=%s) differs:\n%s\n"
                                     "expected (serial g++):\n%s\n"
                                     % (binary, threads, proc.stdout,
                                        expected))
                    sys.exit(1)
                if threads is None:
                    break
                workers, stolen = read_stats(binary, threads, proc.stderr)
                if args.show_stats:
                    sys.stderr.write("%s threads=%s attempt %d: %s\n" % (
                        binary, threads, attempt,
                        STATS.search(proc.stderr).group(0)))
                if workers == 1 or stolen > 0:
                    break
                if attempt >= args.attempts and time.monotonic() > deadline:
                    sys.stderr.write("%s (threads=%s): in %d runs, no spawned "
                                     "call ran on another worker\n%s"
                                     % (binary, threads, attempt,
                                        proc.stderr))
                    sys.exit(1)
    sys.stdout.write(expected)


if __name__ == "__main__":
    main()
