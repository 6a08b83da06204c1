#!/usr/bin/env python3
"""Differential fuzzer of spice-rewrite and the runtime.

For each seed: generates a program (gen.py), builds its serial elision (the
reference output), rewrites it with spice-rewrite, builds the rewritten
program with g++ and clang++ and runs it at several worker counts with
SPICE_HEARTBEAT_US=1, and compares every output with the reference. Every
`--san-every`-th program is also built with ThreadSanitizer and with
AddressSanitizer+UBSan (the runtime's sources compiled into the program with
SPICE_ASSERTIONS=1). A failing program is kept in the output directory with
its logs and, with --shrink, minimized (the same failure must persist).

Failure categories: rejected (the tool refused a program the spec accepts),
compile (the rewritten output does not compile), wrong-output, crash,
sanitizer, timeout. `generator` means the serial elision itself did not
build or run: a bug of the fuzzer.

Exit status: 0 if every program agreed, 1 otherwise.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

CATEGORIES = ["rejected", "compile", "wrong-output", "crash", "sanitizer",
              "timeout", "generator"]
SAN_FLAGS = {
    "tsan": ["-fsanitize=thread", "-O1", "-g"],
    "asan": ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
             "-fno-omit-frame-pointer", "-O1", "-g"],
}
SAN_ENV = {
    "TSAN_OPTIONS": "halt_on_error=1 exitcode=66 second_deadlock_stack=1",
    "ASAN_OPTIONS": "exitcode=66 detect_leaks=1",
    "UBSAN_OPTIONS": "halt_on_error=1 exitcode=66 print_stacktrace=1",
}


class Failure(Exception):
    def __init__(self, category, config, detail):
        super().__init__(category)
        self.category = category
        self.config = config
        self.detail = detail


def run(cmd, timeout, env=None, cwd=None):
    """(returncode or 'timeout', stdout, stderr)."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=cwd, timeout=timeout, text=True,
                           errors="replace")
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) \
            else (e.stdout or "")
        return "timeout", out, ""


class Fuzzer:
    def __init__(self, args):
        self.a = args
        self.lock = threading.Lock()
        self.sanlib = {}

    # -- building -----------------------------------------------------------

    def compile(self, cxx, sources, out, extra=()):
        cmd = [cxx, "-std=c++17", "-w", "-I" + self.a.include] + list(extra) + \
            list(sources) + ["-o", out, "-pthread"]
        return run(cmd, self.a.compile_timeout)

    def san_runtime(self, san):
        """The runtime's sources built once per sanitizer (SPICE_ASSERTIONS
        on), as a static library in the output directory."""
        with self.lock:
            if san in self.sanlib:
                return self.sanlib[san]
            d = os.path.join(self.a.out, "cache", san)
            os.makedirs(d, exist_ok=True)
            objs = []
            for src in sorted(glob.glob(os.path.join(self.a.runtime_src, "*.cpp"))):
                obj = os.path.join(d, os.path.basename(src) + ".o")
                rc, out, err = run([self.a.clang, "-std=c++17", "-c",
                                    "-DSPICE_ASSERTIONS=1",
                                    "-I" + self.a.include, "-I" + self.a.runtime_src]
                                   + SAN_FLAGS[san] + [src, "-o", obj],
                                   self.a.compile_timeout)
                if rc != 0:
                    raise RuntimeError("cannot build the runtime with %s:\n%s" % (san, err))
                objs.append(obj)
            lib = os.path.join(d, "libspice_runtime_%s.a" % san)
            if os.path.exists(lib):
                os.unlink(lib)
            subprocess.check_call(["ar", "rcs", lib] + objs)
            self.sanlib[san] = lib
            return lib

    def build(self, src, work, configs):
        """Builds what `configs` need: ('serial'), ('rewrite'), binaries per
        (compiler, san). Raises Failure."""
        serial = os.path.join(work, "serial")
        rc, _, err = self.compile(self.a.gcc, [src], serial, ["-O2"])
        if rc != 0:
            raise Failure("generator", "serial g++", err)
        rw = os.path.join(work, "rewritten.cpp")
        rc, out, err = run([self.a.rewrite, src, "-o", rw, "--", "-std=c++17",
                            "-I" + self.a.include], self.a.compile_timeout)
        if rc != 0:
            raise Failure("rejected", "spice-rewrite", out + err)
        bins = {}
        for comp, san in sorted({(c["cxx"], c.get("san")) for c in configs},
                                key=str):
            cxx = self.a.gcc if comp == "gcc" else self.a.clang
            name = os.path.join(work, "par-%s%s" % (comp, "-" + san if san else ""))
            if san:
                rc, _, err = self.compile(cxx, [rw, self.san_runtime(san)], name,
                                          SAN_FLAGS[san] + ["-DSPICE_ASSERTIONS=1"])
            else:
                rc, _, err = self.compile(cxx, [rw, self.a.runtime], name, ["-O2"])
            if rc != 0:
                raise Failure("compile", "%s%s" % (comp, " " + san if san else ""), err)
            bins[(comp, san)] = name
        return serial, bins

    # -- checking -----------------------------------------------------------

    def check(self, text, work, configs, repeat=1):
        """Builds and runs one program text; raises Failure on the first
        disagreement."""
        os.makedirs(work, exist_ok=True)
        src = os.path.join(work, "prog.cpp")
        with open(src, "w") as f:
            f.write(text)
        serial, bins = self.build(src, work, configs)
        rc, expected, err = run([serial], self.a.run_timeout)
        if rc != 0:
            raise Failure("generator", "serial run", "exit %s\n%s" % (rc, err))
        for c in configs:
            binary = bins[(c["cxx"], c.get("san"))]
            env = dict(os.environ)
            env["SPICE_NUM_THREADS"] = str(c["threads"])
            env["SPICE_HEARTBEAT_US"] = str(c.get("hb", 1))
            env.update(SAN_ENV)
            label = describe(c)
            for _ in range(repeat):
                rc, out, err = run([binary], self.a.run_timeout *
                                   (10 if c.get("san") else 1), env=env)
                if rc == "timeout":
                    raise Failure("timeout", label, "no exit within the limit\n" + out)
                if rc == 66 or "Sanitizer" in err or "runtime error:" in err:
                    raise Failure("sanitizer", label, err[-20000:])
                if rc != 0:
                    raise Failure("crash", label, "exit %s\nstdout:\n%s\nstderr:\n%s"
                                  % (rc, out, err[-20000:]))
                if out != expected:
                    raise Failure("wrong-output", label, diff(expected, out))

    def configs_for(self, index):
        cs = [{"cxx": cxx, "threads": t, "hb": hb} for cxx in ("gcc", "clang")
              for t in self.a.threads
              for hb in (self.a.heartbeats if t > 1 else self.a.heartbeats[:1])]
        if self.a.san_every and index % self.a.san_every == 0:
            cs += [{"cxx": "clang", "threads": t, "san": san, "hb": hb}
                   for san in ("tsan", "asan") for t in (2, 4)
                   for hb in self.a.heartbeats]
        return cs

    # -- one seed -------------------------------------------------------------

    def one(self, index, seed):
        tree = gen.generate(seed, self.a.size, self.a.without)
        text = "\n".join(gen.render(tree)) + "\n"
        configs = self.configs_for(index)
        work = tempfile.mkdtemp(prefix="spice-fuzz-%d-" % seed, dir=self.a.tmp)
        try:
            self.check(text, work, configs)
            return seed, None
        except Failure as f:
            keep = os.path.join(self.a.out, "%s-seed%d" % (f.category, seed))
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(work, keep)
            with open(os.path.join(keep, "failure.txt"), "w") as out:
                out.write("seed %d size %s without %s\ncategory %s\nconfig %s\n\n%s\n" % (
                    seed, self.a.size, ",".join(self.a.without) or "-", f.category,
                    f.config, f.detail))
            if self.a.shrink and f.category != "generator":
                self.shrink(seed, tree, f, keep)
            return seed, f
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def shrink(self, seed, tree, failure, keep):
        """Greedy generator-level shrinking: deletes subtrees of the program
        (functions, regions, statements; never `keep` nodes) one at a time
        while the same failure category persists in the same configuration,
        until no deletion is possible."""
        config = parse_config(failure.config)
        configs = [config] if config else [{"cxx": "gcc", "threads": 1}]
        deterministic = failure.category in ("rejected", "compile") or (
            config is not None and config["threads"] == 1 and not config.get("san"))
        repeat = 1 if deterministic else self.a.shrink_repeat
        if not deterministic and config is not None:
            # A failure that shows in some runs only (a heartbeat must split
            # a loop at the wrong time): each candidate also runs in the
            # other multi-worker configurations of the same build, which
            # costs runs but no compile.
            configs += [c for c in self.configs_for(0)
                        if c["cxx"] == config["cxx"] and c.get("san") == config.get("san")
                        and c["threads"] > 1 and describe(c) != describe(config)]
        removed = set()
        work = tempfile.mkdtemp(prefix="spice-shrink-%d-" % seed, dir=self.a.tmp)
        tries = 0
        progress = True
        try:
            while progress and tries < self.a.shrink_limit:
                progress = False
                # main's statements last to first (its calls and loop
                # blocks), then top-level items last to first (the
                # functions nobody calls any more), then everything inside.
                outer = [k for n in reversed(tree) if n.keep
                         for _, kids in n.parts if kids for k in reversed(kids)]
                seen = set(map(id, tree + outer))
                order = outer + list(reversed(tree)) + [
                    n for n in gen.walk(tree) if id(n) not in seen]
                for node in order:
                    if node.keep or id(node) in removed or tries >= self.a.shrink_limit:
                        continue
                    if any(id(n) in removed for n in ancestors(tree, node)):
                        continue
                    cand = removed | {id(node)}
                    tries += 1
                    text = "\n".join(gen.render(tree, cand)) + "\n"
                    try:
                        self.check(text, work, configs, repeat)
                    except Failure as f:
                        if same_failure(f, failure):
                            removed = cand
                            progress = True
                            last = f
                            print("  shrink seed %d: %d lines (%d tries)" % (
                                seed, text.count("\n"), tries), flush=True)
                    shutil.rmtree(work, ignore_errors=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        text = "\n".join(gen.render(tree, removed)) + "\n"
        with open(os.path.join(keep, "minimized.cpp"), "w") as f:
            f.write(text)
        with open(os.path.join(keep, "minimized.txt"), "w") as f:
            f.write("%d candidates tried, %d lines left\n" % (tries, text.count("\n")))
            if removed:
                f.write("category %s\nconfig %s\n\n%s\n" % (
                    last.category, last.config, last.detail))


def same_failure(f, original):
    """Whether a shrinking candidate fails the way the original did: same
    category, and for a rejection the same diagnostic."""
    if f.category != original.category:
        return False
    if f.category == "rejected":
        return error_message(f.detail) == error_message(original.detail)
    return True


def error_message(log):
    """The text of the first `error:` line, without its location."""
    for line in log.splitlines():
        if "error:" in line:
            return line.split("error:", 1)[1].strip()
    return log.strip()[:200]


def ancestors(tree, target):
    """The nodes that contain `target`."""
    def go(nodes, path):
        for n in nodes:
            if n is target:
                return path
            for _, kids in n.parts:
                if kids:
                    r = go(kids, path + [n])
                    if r is not None:
                        return r
        return None
    return go(tree, []) or []


def describe(c):
    return "%s threads=%d hb=%d%s" % (c["cxx"], c["threads"], c.get("hb", 1),
                                      " " + c["san"] if c.get("san") else "")


def parse_config(label):
    """Inverse of describe() (None for build-time failures)."""
    parts = label.split()
    if len(parts) < 2 or not parts[1].startswith("threads="):
        if parts and parts[0] in ("gcc", "clang"):  # a compile failure
            c = {"cxx": parts[0], "threads": 1}
            if len(parts) > 1:
                c["san"] = parts[1]
            return c
        return None
    c = {"cxx": parts[0], "threads": int(parts[1][len("threads="):]),
         "hb": int(parts[2][len("hb="):])}
    if len(parts) > 3:
        c["san"] = parts[3]
    return c


def diff(expected, got):
    e, g = expected.splitlines(), got.splitlines()
    lines = []
    for i in range(max(len(e), len(g))):
        a = e[i] if i < len(e) else "<missing>"
        b = g[i] if i < len(g) else "<missing>"
        if a != b:
            lines.append("line %d: serial %r, rewritten %r" % (i + 1, a, b))
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rewrite", default=os.path.join(root, "build/tool/spice-rewrite"))
    ap.add_argument("--runtime", default=os.path.join(root, "build/runtime/libspice_runtime.a"))
    ap.add_argument("--include", default=os.path.join(root, "runtime/include"))
    ap.add_argument("--runtime-src", default=os.path.join(root, "runtime/src"))
    ap.add_argument("--gcc", default="g++")
    ap.add_argument("--clang", default="clang++-19")
    ap.add_argument("--out", default=os.path.join(root, "fuzz-out"))
    ap.add_argument("--tmp", default=None, help="scratch directory")
    ap.add_argument("--start", type=int, default=1, help="first seed")
    ap.add_argument("--count", type=int, default=0, help="programs (0: forever)")
    ap.add_argument("--seeds", help="comma-separated seeds (instead of --start/--count)")
    ap.add_argument("--size", choices=["small", "normal"], default="normal")
    ap.add_argument("--threads", default="1,2,4")
    ap.add_argument("--heartbeat-us", default="1,20",
                    help="SPICE_HEARTBEAT_US values of the runs with several workers")
    ap.add_argument("--without", default="",
                    help="constructs the generator leaves out: " + ", ".join(gen.FEATURES))
    ap.add_argument("--san-every", type=int, default=8,
                    help="every Nth program also under TSan and ASan+UBSan (0: never)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--shrink", action="store_true")
    ap.add_argument("--shrink-limit", type=int, default=400, help="candidates per failure")
    ap.add_argument("--shrink-repeat", type=int, default=4,
                    help="runs of a candidate (nondeterministic failures)")
    ap.add_argument("--compile-timeout", type=int, default=180)
    ap.add_argument("--run-timeout", type=int, default=20)
    ap.add_argument("--summary", help="write a JSON summary here")
    args = ap.parse_args()
    args.threads = [int(t) for t in args.threads.split(",")]
    args.heartbeats = [int(t) for t in args.heartbeat_us.split(",")]
    args.without = [w for w in args.without.split(",") if w]
    for w in args.without:
        if w not in gen.FEATURES:
            ap.error("unknown construct %r" % w)
    os.makedirs(args.out, exist_ok=True)
    if args.tmp:
        os.makedirs(args.tmp, exist_ok=True)
    for tool in (args.rewrite, args.runtime):
        if not os.path.exists(tool):
            sys.exit("fuzz.py: %s does not exist (build the project first)" % tool)

    fz = Fuzzer(args)
    if args.seeds:
        seeds = [int(s) for s in args.seeds.split(",")]
    elif args.count:
        seeds = list(range(args.start, args.start + args.count))
    else:
        seeds = None  # forever
    counts = {c: [] for c in CATEGORIES}
    done = 0
    t0 = time.time()

    def seed_iter():
        i = 0
        while seeds is None or i < len(seeds):
            yield i, (seeds[i] if seeds is not None else args.start + i)
            i += 1

    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            pending = set()
            it = seed_iter()
            for index, seed in it:
                pending.add(ex.submit(fz.one, index, seed))
                if len(pending) < args.jobs * 2:
                    continue
                finished, pending = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for fut in finished:
                    done += report(fut.result(), counts, done)
            for fut in concurrent.futures.as_completed(pending):
                done += report(fut.result(), counts, done)
    except KeyboardInterrupt:
        print("interrupted")
    bad = sum(len(v) for v in counts.values())
    print("fuzz: %d programs in %.0f s, %d failed%s" % (
        done, time.time() - t0, bad,
        "".join(" | %s: seeds %s" % (c, ",".join(map(str, sorted(v))))
                for c, v in counts.items() if v)))
    if bad:
        print("fuzz: failing programs and logs in %s" % args.out)
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump({"programs": done, "failures": counts}, f, indent=1)
    sys.exit(1 if bad else 0)


def report(result, counts, done):
    seed, failure = result
    if failure is None:
        print("[%d] seed %d: ok" % (done + 1, seed), flush=True)
    else:
        counts[failure.category].append(seed)
        first = failure.detail.strip().splitlines()[:3]
        print("[%d] seed %d: %s (%s)\n    %s" % (done + 1, seed, failure.category,
                                             failure.config, "\n    ".join(first)),
              flush=True)
    return 1


if __name__ == "__main__":
    main()
