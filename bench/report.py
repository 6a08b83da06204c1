#!/usr/bin/env python3
"""Turns the paired rows of the bench_<system> executables into the results.

    report.py RAW.csv --name NAME --out DIR [--machine FILE] [--ceiling FILE]

RAW.csv holds the rows the executables print:
    benchmark,system,threads,n,items,serial_wall_s,serial_cpu_s,wall_s,cpu_s
(serial_* measured in the same process, alternating with the system).

Writes:
  DIR/NAME.csv         benchmark,system,threads,n,ns_per_item,wall_s,cpu_s:
                       one row per configuration, plus one `serial` row per
                       benchmark and size (threads 1: the median of every
                       serial measurement of that benchmark in the run)
  DIR/NAME-paired.csv  RAW.csv as it is (ratios in the summary come from it)
  DIR/NAME-ceiling.csv the --ceiling file as it is (bench_ceiling's rows:
                       benchmark,n,threads,alone_s,together_s,ceiling), if
                       given; it adds a "machine floor" row to each table
  DIR/NAME-<benchmark>-<n>.svg      wall ns/item against workers (gnuplot)
  DIR/NAME-<benchmark>-<n>-cpu.svg  CPU ns/item against workers
  DIR/NAME.md          the summary below, in markdown
and prints the summary: per benchmark, time and CPU time relative to serial
(measured in the same process), then how the issue's targets stand (when
tree_sum or fib ran).
Standard library only; plots need gnuplot (skipped with a warning if absent).
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

# Plot and table order; anything else follows alphabetically.
SYSTEM_ORDER = ["spice", "spice-handwritten", "tbb", "omp", "omp-static",
                "omp-dynamic"]
BENCH_ORDER = ["tree_sum", "fib", "quicksort", "nqueens",
               "sum", "saxpy", "mandelbrot", "spmv", "small"]
ITEM = {
    "tree_sum": "node",
    "fib": "call",
    "quicksort": "element",
    "nqueens": "search node",
    "sum": "element",
    "saxpy": "element",
    "mandelbrot": "pixel",
    "spmv": "nonzero",
    "small": "call",
}
TITLE = {
    "tree_sum": "Tree sum, {n} nodes",
    "fib": "fib({n})",
    "quicksort": "Quicksort of {n} integers",
    "nqueens": "{n}-queens",
    "sum": "Sum of {n} doubles",
    "saxpy": "saxpy on {n} floats",
    "mandelbrot": "Mandelbrot {n}x{half}, a loop iteration per row",
    "spmv": "CSR SpMV, {n} rows, skewed",
    "small": "Small loop, {n} iterations per call",
}


def title(bench, n):
    return TITLE.get(bench, bench + " {n}").format(n=fmt_n(n), half=n // 2)


def order(items, preferred):
    return sorted(items, key=lambda s: (preferred.index(s)
                                        if s in preferred else len(preferred),
                                        s))


def fmt_n(n):
    """2^24-1 and 10^7 rather than 16777215 and 10000000."""
    if n > 1023 and n & (n + 1) == 0:
        return "2^%d-1" % ((n + 1).bit_length() - 1)
    k = len(str(n)) - 1
    if k >= 5 and n == 10**k:
        return "10^%d" % k
    return str(n)


def load(path):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows.append({
                "benchmark": r["benchmark"],
                "system": r["system"],
                "threads": int(r["threads"]),
                "n": int(r["n"]),
                "items": float(r["items"]),
                "serial_wall_s": float(r["serial_wall_s"]),
                "serial_cpu_s": float(r["serial_cpu_s"]),
                "wall_s": float(r["wall_s"]),
                "cpu_s": float(r["cpu_s"]),
            })
    return rows


def write_csv(rows, path):
    groups = defaultdict(list)
    for r in rows:
        groups[(r["benchmark"], r["n"])].append(r)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["benchmark", "system", "threads", "n", "ns_per_item",
                    "wall_s", "cpu_s"])
        for (bench, n) in sorted(groups, key=lambda k: (
                BENCH_ORDER.index(k[0]) if k[0] in BENCH_ORDER else 99, k)):
            g = groups[(bench, n)]
            items = g[0]["items"]
            sw = statistics.median(r["serial_wall_s"] for r in g)
            sc = statistics.median(r["serial_cpu_s"] for r in g)
            w.writerow([bench, "serial", 1, n, "%.4f" % (sw * 1e9 / items),
                        "%.6g" % sw, "%.6g" % sc])
            for r in sorted(g, key=lambda r: (
                    order([x["system"] for x in g], SYSTEM_ORDER).index(
                        r["system"]), r["threads"])):
                w.writerow([bench, r["system"], r["threads"], n,
                            "%.4f" % (r["wall_s"] * 1e9 / items),
                            "%.6g" % r["wall_s"], "%.6g" % r["cpu_s"]])


def plot(rows, name, out, gnuplot):
    groups = defaultdict(list)
    for r in rows:
        groups[(r["benchmark"], r["n"])].append(r)
    made = []
    for (bench, n), g in groups.items():
        items = g[0]["items"]
        systems = order({r["system"] for r in g}, SYSTEM_ORDER)
        threads = sorted({r["threads"] for r in g})
        for kind, key, skey in (("", "wall_s", "serial_wall_s"),
                                ("-cpu", "cpu_s", "serial_cpu_s")):
            serial = statistics.median(r[skey] for r in g) * 1e9 / items
            svg = os.path.join(out, "%s-%s-%d%s.svg" % (name, bench, n, kind))
            what = "CPU time" if kind else "Time"
            lines = [
                "set terminal svg size 720,480 dynamic enhanced "
                "font 'sans,12' background rgb 'white'",
                "set output '%s'" % svg.replace("'", "''"),
                "set title \"%s: %s per %s (lower is better)\"" % (
                    title(bench, n), what.lower(), ITEM.get(bench, "item")),
                "set xlabel 'workers'",
                "set ylabel 'ns per %s'" % ITEM.get(bench, "item"),
                "set logscale x 2",
                "set logscale y 10",
                "set xtics (%s)" % ", ".join(str(t) for t in threads),
                "set xrange [%g:%g]" % (threads[0] / 1.25,
                                        threads[-1] * 1.25),
                "set grid ytics mytics xtics",
                "set key outside right top",
                "set style data linespoints",
            ]
            for i, s in enumerate(systems):
                pts = sorted((r["threads"], r[key] * 1e9 / items)
                             for r in g if r["system"] == s)
                lines.append("$d%d << EOD" % i)
                lines += ["%d %.6g" % p for p in pts]
                lines.append("EOD")
            plots = ["%.6g with lines dashtype 2 lw 2 lc rgb 'black' "
                     "title 'serial'" % serial]
            for i, s in enumerate(systems):
                plots.append("$d%d using 1:2 lw 2 pt 7 title '%s'" % (i, s))
            lines.append("plot " + ", \\\n     ".join(plots))
            subprocess.run([gnuplot], input="\n".join(lines) + "\n",
                           text=True, check=True)
            made.append(svg)
    return made


def ratio_cell(x):
    return "%.2f" % x


def load_ceiling(path):
    """(benchmark, n, threads) -> ceiling, from bench_ceiling's CSV."""
    ceil = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for r in csv.DictReader(f):
                ceil[(r["benchmark"], int(r["n"]), int(r["threads"]))] = \
                    float(r["ceiling"])
    return ceil


def summary(rows, raw_name, ceil):
    out = []
    groups = defaultdict(list)
    for r in rows:
        groups[(r["benchmark"], r["n"])].append(r)
    keys = sorted(groups, key=lambda k: (
        BENCH_ORDER.index(k[0]) if k[0] in BENCH_ORDER else 99, k[1]))
    all_threads = sorted({r["threads"] for r in rows})
    out.append("Ratios are time / serial time (below 1: faster than serial), "
               "each against the serial function measured in the same "
               "process; CPU is process CPU time / serial CPU time.")
    if ceil:
        out.append("The *machine floor* row is the best time ratio any system "
                   "could reach at k workers on this machine: 1 / the ceiling "
                   "measured by bench_ceiling, k independent copies of the "
                   "serial function on k threads (up to the CPU count).")
    out.append("")
    for bench, n in keys:
        g = groups[(bench, n)]
        items = g[0]["items"]
        sw = statistics.median(r["serial_wall_s"] for r in g)
        sc = statistics.median(r["serial_cpu_s"] for r in g)
        out.append("### %s — serial %.3f ns/%s (%.4g s per run, CPU %.4g s)"
                   % (title(bench, n), sw * 1e9 / items, ITEM.get(bench, "item"), sw, sc))
        out.append("")
        head = "| system | " + " | ".join("%d" % t for t in all_threads) + \
            " |"
        out.append(head + "")
        out.append("|---|" + "---:|" * len(all_threads))
        systems = order({r["system"] for r in g}, SYSTEM_ORDER)
        by = {(r["system"], r["threads"]): r for r in g}
        for label, fn in (
                ("time", lambda r: r["wall_s"] / r["serial_wall_s"]),
                ("CPU", lambda r: r["cpu_s"] / r["serial_cpu_s"])):
            for s in systems:
                cells = []
                for t in all_threads:
                    r = by.get((s, t))
                    cells.append(ratio_cell(fn(r)) if r else "–")
                out.append("| %s %s | %s |" % (s, label, " | ".join(cells)))
        if any((bench, n, t) in ceil for t in all_threads):
            cells = ["1.00" if t == 1 else
                     (ratio_cell(1 / ceil[(bench, n, t)])
                      if (bench, n, t) in ceil else "–")
                     for t in all_threads]
            out.append("| *machine floor* | %s |" % " | ".join(cells))
        out.append("")
    out += targets(rows, ceil)
    return "\n".join(out) + "\n"


def targets(rows, ceil):
    """How the issue's targets stand (reported, never asserted)."""
    if not any(r["benchmark"] in ("tree_sum", "fib") for r in rows):
        return []  # the targets are about those two (e.g. a --loops run)
    out = ["### Targets", ""]
    by = {(r["benchmark"], r["n"], r["system"], r["threads"]): r
          for r in rows}
    sizes = defaultdict(set)
    for r in rows:
        sizes[r["benchmark"]].add(r["n"])
    trees = sorted(sizes.get("tree_sum", ()))
    small_tree = 1023 if 1023 in trees else None
    large_tree = max((n for n in trees if n != 1023), default=None)
    fibs = sorted(sizes.get("fib", ()))
    fib_n = fibs[-1] if fibs else None
    systems = {r["system"] for r in rows}
    spices = [s for s in ("spice", "spice-handwritten") if s in systems]
    if not spices:
        return out + ["(no spice results)", ""]
    if "spice" not in systems:
        out.append("**The rewritten `spice` system was not built in this run "
                   "(no spice-rewrite); targets shown for "
                   "spice-handwritten.**")
        out.append("")
    threads = sorted({r["threads"] for r in rows})
    out.append("| target | system | measured | met |")
    out.append("|---|---|---|---|")

    def row(target, system, measured, ok):
        out.append("| %s | %s | %s | %s |" % (
            target, system, measured,
            "–" if ok is None else ("yes" if ok else "**no**")))

    def wr(b, n, s, t):
        r = by.get((b, n, s, t))
        return r["wall_s"] / r["serial_wall_s"] if r else None

    def cr(b, n, s, t):
        r = by.get((b, n, s, t))
        return r["cpu_s"] / r["serial_cpu_s"] if r else None

    for s in spices:
        if large_tree is not None:
            x = wr("tree_sum", large_tree, s, 1)
            row("1 worker ≤ 1.3× serial: tree_sum %s" % fmt_n(large_tree), s,
                "–" if x is None else "%.3f×" % x,
                None if x is None else x <= 1.3)
            x = wr("tree_sum", large_tree, s, 2)
            c = ceil.get(("tree_sum", large_tree, 2))
            row("2 workers ≥ 1.5× faster: tree_sum %s" % fmt_n(large_tree),
                s, "–" if x is None else "speedup %.3f×%s" % (
                    1 / x, "" if c is None else
                    " (machine ceiling %.2f×)" % c),
                None if x is None else 1 / x >= 1.5)
        if small_tree is not None:
            xs = [(t, wr("tree_sum", 1023, s, t)) for t in threads
                  if t <= 32]
            xs = [(t, x) for t, x in xs if x is not None]
            if xs:
                worst = max(xs, key=lambda p: p[1])
                row("tree_sum 1023 ≤ 1.7× serial at every count ≤ 32", s,
                    "worst %.2f× (%d workers)" % (worst[1], worst[0]),
                    worst[1] <= 1.7)
            cs = [(t, cr("tree_sum", 1023, s, t)) for t in threads
                  if t <= 32]
            cs = [(t, c) for t, c in cs if c is not None]
            if cs:
                worst = max(cs, key=lambda p: p[1])
                row("tree_sum 1023 CPU ≤ 1.5× serial CPU at every count ≤ 32",
                    s, "worst %.2f× (%d workers)" % (worst[1], worst[0]),
                    worst[1] <= 1.5)
        if fib_n is not None:
            x = wr("fib", fib_n, s, 1)
            row("1 worker ≤ 2× serial: fib %s" % fmt_n(fib_n), s,
                "–" if x is None else "%.3f×" % x,
                None if x is None else x <= 2.0)
        for other in ("tbb", "omp"):
            if other not in systems:
                continue
            for b, n in (("tree_sum", small_tree), ("tree_sum", large_tree),
                         ("fib", fib_n)):
                if n is None:
                    continue
                losses = []
                compared = 0
                for t in threads:
                    a = by.get((b, n, s, t))
                    o = by.get((b, n, other, t))
                    if a and o:
                        compared += 1
                        # Each against its own paired serial: robust to drift.
                        ra = a["wall_s"] / a["serial_wall_s"]
                        ro = o["wall_s"] / o["serial_wall_s"]
                        if ra > ro:
                            losses.append("%d (%.2f vs %.2f)" % (t, ra, ro))
                row("as fast as %s: %s %s, every count" % (other, b, fmt_n(n)),
                    s, ("slower at " + ", ".join(losses)) if losses else
                    "faster at all %d counts" % compared,
                    None if not compared else not losses)
    out.append("")
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("raw")
    p.add_argument("--name", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--machine", help="markdown file describing the machine")
    p.add_argument("--ceiling", help="bench_ceiling's CSV (optional)")
    a = p.parse_args()
    rows = load(a.raw)
    if not rows:
        sys.exit("report: no rows in " + a.raw)
    os.makedirs(a.out, exist_ok=True)
    csv_path = os.path.join(a.out, a.name + ".csv")
    write_csv(rows, csv_path)
    paired = os.path.join(a.out, a.name + "-paired.csv")
    if os.path.abspath(paired) != os.path.abspath(a.raw):
        shutil.copyfile(a.raw, paired)
    if a.ceiling and os.path.exists(a.ceiling):
        dest = os.path.join(a.out, a.name + "-ceiling.csv")
        if os.path.abspath(dest) != os.path.abspath(a.ceiling):
            shutil.copyfile(a.ceiling, dest)
    gnuplot = shutil.which("gnuplot")
    svgs = []
    if gnuplot:
        svgs = plot(rows, a.name, a.out, gnuplot)
    else:
        print("report: gnuplot not found, no plots", file=sys.stderr)
    text = ""
    if a.machine:
        with open(a.machine) as f:
            text += f.read().rstrip() + "\n\n"
    text += summary(rows, a.name, load_ceiling(a.ceiling))
    if svgs:
        text += "### Plots\n\n" + "".join(
            "![%s](%s)\n" % (os.path.basename(s)[:-4], os.path.basename(s))
            for s in sorted(svgs) if not s.endswith("-cpu.svg")) + "\n"
    with open(os.path.join(a.out, a.name + ".md"), "w") as f:
        f.write(text)
    print(text, end="")
    print("report: wrote %s, %s, %s and %d plots" % (
        csv_path, paired, os.path.join(a.out, a.name + ".md"), len(svgs)),
        file=sys.stderr)


if __name__ == "__main__":
    main()
