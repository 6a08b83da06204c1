# lit configuration of the spice-rewrite tests. Paths come from
# lit.site.cfg.py, which CMake writes into the build tree.
import os

import lit.formats

config.name = "spice-rewrite"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs", "tools", "consumer", "fuzz"]
config.test_source_root = os.path.dirname(__file__)
# --param exec_root=<dir>: run in another directory, e.g. next to a normal
# run of the same suites.
config.test_exec_root = lit_config.params.get("exec_root",
                                              config.test_build_root)

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", "")])
# Keep runs reproducible whatever the caller's environment says.
for var in ["SPICE_NUM_THREADS", "SPICE_HEARTBEAT_US", "SPICE_STATS"]:
    config.environment.pop(var, None)

warn = "-std=c++17 -O2 -Wall -Wextra -Werror"
tools = os.path.join(config.test_source_root, "tools")
# --param spice_rewrite=<path> tests another tool in place of the built one:
# test/tools/expect_all_fail.py runs the suites with one that copies its
# input, and every test must then fail.
config.spice_rewrite = lit_config.params.get("spice_rewrite",
                                             config.spice_rewrite)
# %strip-checks <in> -o <out>: <in> with its RUN/CHECK lines blanked, so the
# tool cannot copy them into the output that FileCheck reads.
config.substitutions.append(
    ("%strip-checks",
     "%s %s" % (config.python, os.path.join(tools, "strip_checks.py"))))
config.substitutions.append(("%spice-rewrite", config.spice_rewrite))
config.substitutions.append(("%spice-include", config.spice_include))
config.substitutions.append(
    ("%spice-runtime-lib", config.spice_runtime_lib + " -pthread"))
config.substitutions.append(("%cxx-gcc", config.cxx_gcc + " " + warn))
config.substitutions.append(("%cxx-clang", config.cxx_clang + " " + warn))
# %run-spice <tmp> <sources...>: rewrite, build with both compilers, run the
# serial elision and the rewritten program on 1, 2 and 8 workers; prints the
# common output (fails if any run differs, or if a rewritten run did not use
# the pool or, on 2 and 8 workers, never ran a spawned call on another one).
config.substitutions.append(
    ("%run-spice",
     "%s %s --rewrite %s --include %s --runtime %s --gcc %s --clang %s"
     % (config.python, os.path.join(tools, "run_spice.py"),
        config.spice_rewrite, config.spice_include, config.spice_runtime_lib,
        config.cxx_gcc, config.cxx_clang)))
