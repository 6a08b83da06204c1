#!/usr/bin/env python3
"""Runs lit suites against a spice-rewrite that copies its input, and checks
that every test fails.

  expect_all_fail.py --lit <lit.py> --fake <tool> --exec-root <dir> <path>...

A test that passes when the tool does nothing does not test the tool: it is
reported by name and this script fails. The suites run in their own
execution root, so this can run next to the normal lit run.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lit", required=True)
    ap.add_argument("--fake", required=True)
    ap.add_argument("--exec-root", required=True)
    ap.add_argument("paths", nargs="+", help="lit test paths (build tree)")
    args = ap.parse_args()

    os.makedirs(args.exec_root, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "results.json")
        cmd = [sys.executable, args.lit, "-q", "-o", results,
               "--param", "spice_rewrite=" + args.fake,
               "--param", "exec_root=" + args.exec_root] + args.paths
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if not os.path.exists(results):
            sys.stderr.write("lit wrote no results (exit %d):\n%s"
                             % (proc.returncode, proc.stdout))
            return 1
        with open(results) as f:
            tests = json.load(f)["tests"]

    if not tests:
        sys.stderr.write("no tests found under %s\n" % " ".join(args.paths))
        return 1
    passed = [t["name"] for t in tests if t["code"] != "FAIL"]
    for t in tests:
        print("%s: %s" % (t["code"], t["name"]))
    if passed:
        sys.stderr.write(
            "error: %d of %d tests did not fail against a spice-rewrite that "
            "copies its input, so they do not check the tool:\n  %s\n"
            % (len(passed), len(tests), "\n  ".join(passed)))
        return 1
    print("all %d tests failed against the copying tool, as they must"
          % len(tests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
