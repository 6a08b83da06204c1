#!/usr/bin/env python3
"""Checks report.py's summary on made-up rows: the ratios, the machine floor
row that a bench_ceiling file adds, and the targets table.

    test_report.py            (exit 0: every check passed)
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

RAW = """benchmark,system,threads,n,items,serial_wall_s,serial_cpu_s,wall_s,cpu_s
tree_sum,spice,1,1023,1023,1e-6,1e-6,1.6e-6,1.6e-6
tree_sum,spice,2,1023,1023,1e-6,1e-6,1.8e-6,1.9e-6
tree_sum,spice,1,16777215,16777215,0.03,0.03,0.036,0.036
tree_sum,spice,2,16777215,16777215,0.03,0.03,0.024,0.045
fib,spice,1,32,7049155,0.005,0.005,0.0105,0.0105
fib,spice,2,32,7049155,0.005,0.005,0.006,0.011
"""

CEILING = """benchmark,n,threads,alone_s,together_s,ceiling
tree_sum,16777215,2,0.03,0.048,1.25
fib,32,2,0.005,0.005,2.0
"""


def report(tmp, with_ceiling):
    raw = os.path.join(tmp, "raw.csv")
    with open(raw, "w") as f:
        f.write(RAW)
    args = [sys.executable, os.path.join(HERE, "report.py"), raw,
            "--name", "t", "--out", os.path.join(tmp, "out")]
    if with_ceiling:
        ceil = os.path.join(tmp, "ceiling.csv")
        with open(ceil, "w") as f:
            f.write(CEILING)
        args += ["--ceiling", ceil]
    env = dict(os.environ, PATH="")  # no gnuplot: no plots, faster
    return subprocess.run(args, check=True, capture_output=True, text=True,
                          env=env).stdout


def main():
    failures = []

    def expect(text, line):
        if line not in text.splitlines():
            failures.append("missing line: " + line)

    def expect_not(text, fragment):
        if fragment in text:
            failures.append("unexpected: " + fragment)

    with tempfile.TemporaryDirectory() as tmp:
        text = report(tmp, with_ceiling=True)
        expect(text, "| spice time | 1.60 | 1.80 |")
        expect(text, "| spice CPU | 1.60 | 1.90 |")
        # The floor is 1 / ceiling; none where no ceiling was measured.
        expect(text, "| *machine floor* | 1.00 | 0.80 |")
        expect(text, "| *machine floor* | 1.00 | 0.50 |")
        expect(text, "| 1 worker ≤ 1.3× serial: tree_sum 2^24-1 | spice | "
               "1.200× | yes |")
        expect(text, "| 2 workers ≥ 1.5× faster: tree_sum 2^24-1 | spice | "
               "speedup 1.250× (machine ceiling 1.25×) | **no** |")
        expect(text, "| tree_sum 1023 ≤ 1.7× serial at every count ≤ 32 | "
               "spice | worst 1.80× (2 workers) | **no** |")
        expect(text, "| tree_sum 1023 CPU ≤ 1.5× serial CPU at every count "
               "≤ 32 | spice | worst 1.90× (2 workers) | **no** |")
        expect(text, "| 1 worker ≤ 2× serial: fib 32 | spice | 2.100× | "
               "**no** |")
        if not os.path.exists(os.path.join(tmp, "out", "t-ceiling.csv")):
            failures.append("t-ceiling.csv not written")
    with tempfile.TemporaryDirectory() as tmp:
        text = report(tmp, with_ceiling=False)
        expect_not(text, "machine floor")
        expect_not(text, "machine ceiling")
        expect(text, "| 2 workers ≥ 1.5× faster: tree_sum 2^24-1 | spice | "
               "speedup 1.250× | **no** |")
    for f in failures:
        print("test_report: " + f, file=sys.stderr)
    if failures:
        sys.exit(1)
    print("test_report: all checks passed")


if __name__ == "__main__":
    main()
