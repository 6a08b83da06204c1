#!/usr/bin/env python3
"""The fast-path variants scripts/fastpath-ab.sh can time side by side.

    variants.py --root ROOT --kernel KERNEL.cpp --out DIR NAME...
    variants.py --list
    variants.py --root ROOT --kernel KERNEL.cpp --out DIR --all

For each NAME, writes DIR/NAME/include (ROOT/runtime/include, edited),
DIR/NAME/src (ROOT/runtime/src, edited) and DIR/NAME/kernel.cpp (KERNEL.cpp,
the rewritten bench/systems/spice.cpp, edited). Each variant is a list of
exact text replacements; one that no longer matches the sources is an error
(exit 1), so a variant never silently measures the unchanged code.

Variants marked "1 worker only" break the protocol (no shared-job check, an
unterminated list): they measure what a piece costs, never a candidate.
"""
import argparse
import os
import re
import shutil
import sys

SPAWN = "include/spice/detail/spawn.h"
JOB = "include/spice/detail/job.h"
RUNTIME = "include/spice/runtime.h"
GROUP = "include/spice/spawn_group.h"
POOL = "src/pool.cpp"
KERNEL = "kernel.cpp"

SHARED_CHECK = "    if (SPICE_UNLIKELY(task.worker_->last_shared == job)) {"
# The split join (shared / join_shared / pop), which the tree sum and fib
# kernels use: a sync that a return follows.
SPLIT_CHECK = "    return SPICE_UNLIKELY(task.worker_->last_shared == &rec_->job_);"
SPLIT_SLOW = "    return join_shared_result(task.worker_, prev_, rec_);"
SPLIT_POP = "    task.tail_ = prev_;\n    prev_->next = nullptr;\n  }"

# name -> (description, [(file, old, new), ...]); an edit with a fourth
# element "all" replaces every occurrence (at least one).
VARIANTS = {
    "base": ("the code as it is", []),
    "no-shared-check": (
        "1 worker only: the join never looks for a shared job",
        [(SPAWN, SHARED_CHECK, "    if (false) {"),
         (SPAWN, SPLIT_CHECK, "    return false;")]),
    "check-trap": (
        "1 worker only: the shared check kept, its slow path a trap",
        [(SPAWN, SHARED_CHECK,
          "    if (SPICE_UNLIKELY(task.worker_->last_shared == job))\n"
          "      __builtin_trap();\n    if (false) {"),
         (SPAWN, SPLIT_CHECK,
          "    if (SPICE_UNLIKELY(task.worker_->last_shared == &rec_->job_))\n"
          "      __builtin_trap();\n    return false;")]),
    "check-noreturn": (
        "1 worker only: the shared check and the call of the slow path kept, "
        "which never returns to the frame",
        [(SPAWN, SHARED_CHECK,
          "    if (SPICE_UNLIKELY(task.worker_->last_shared == job)) {\n"
          "      join_shared(task.worker_, prev, rec_);\n"
          "      __builtin_unreachable();\n    }\n    if (false) {"),
         (SPAWN, SPLIT_SLOW,
          "    join_shared_result(task.worker_, prev_, rec_);\n"
          "    __builtin_unreachable();")]),
    "handler-bit": (
        "a shared job carries a bit in its handler word: the join tests its "
        "own record instead of loading worker->last_shared",
        [(JOB, "kMarked = 1, kLoop = 2;", "kMarked = 1, kLoop = 2, kShared = 4;"),
         (JOB, "return reinterpret_cast<Handler>(bits() & ~(kMarked | kLoop));",
          "return reinterpret_cast<Handler>(bits() & ~(kMarked | kLoop | "
          "kShared));"),
         (JOB, "__attribute__((aligned(4)))", "__attribute__((aligned(8)))"),
         (SPAWN, SHARED_CHECK,
          "    if (SPICE_UNLIKELY(job->bits() & Job::kShared)) {"),
         (POOL, "  unmark(job);\n",
          "  unmark(job);\n  job->handler = reinterpret_cast<Job::Handler>("
          "job->bits() | Job::kShared);\n"),
         (POOL, "    job->handler(task, job);",
          "    job->callable()(task, job);"),
         (SPAWN, SPLIT_CHECK,
          "    return SPICE_UNLIKELY(rec_->job_.bits() & Job::kShared);")]),
    "worker-from-tls": (
        "the slow path of the join finds the worker itself (one argument "
        "fewer live across the call)",
        [(SPAWN, "      if (!join_shared(task.worker_, prev, rec_))",
          "      if (!join_shared(current_worker(), prev, rec_))"),
         (SPAWN, SPLIT_SLOW,
          "    return join_shared_result(current_worker(), prev_, rec_);")]),
    "no-next-stores": (
        "1 worker only: no next = null at the fork, no pop store",
        [(JOB, "  job->next = nullptr;\n  tail->next = job;",
          "  tail->next = job;"),
         (SPAWN, "    prev->next = nullptr; //", "    //"),
         (SPAWN, SPLIT_POP, "    task.tail_ = prev_;\n  }")]),
    "no-prev-store": (
        "1 worker only: the fork does not store prev",
        [(JOB, "  job->prev = tail;\n", "")]),
    "no-tick": (
        "1 worker only: tick() polls nothing",
        [(RUNTIME,
          "    if (SPICE_UNLIKELY(worker_->heartbeat.load(std::memory_order_relaxed)))\n"
          "      detail::on_heartbeat(worker_);\n", "")]),
    "no-list": (
        "1 worker only: no push, no pop, no check (the record stays)",
        [(SPAWN, "    push(&rec.job_, task.tail_, &run);\n", ""),
         (SPAWN, SHARED_CHECK, "    if (false) {"),
         (SPAWN, "    prev->next = nullptr; //", "    //"),
         (SPAWN, SPLIT_CHECK, "    return false;"),
         (SPAWN, SPLIT_POP, "    task.tail_ = prev_;\n  }")]),
    "merged-join": (
        "the join before a return as it was emitted before: join_into(), "
        "the fallback call, then one return for both paths (tree sum, fib)",
        [(KERNEL, "    if (spice_fut_right.shared(spice_task)) {\n"
          "      right = spice_fut_right.join_shared(spice_task);\n"
          "      return res + right;\n    }\n"
          "    spice_fut_right.pop(spice_task);\n",
          "    if (!spice_fut_right.join_into(spice_task, &right))\n  "),
         (KERNEL, "  if (spice_fut_a.shared(spice_task)) {\n"
          "    a = spice_fut_a.join_shared(spice_task);\n"
          "    return a + b;\n  }\n"
          "  spice_fut_a.pop(spice_task);\n",
          "  if (!spice_fut_a.join_into(spice_task, &a))\n  ")]),
    "push-pop-not-forced": (
        "push() and pop() plain inline functions, as before the seventh "
        "session (tick() still forced)",
        [(JOB, "__attribute__((always_inline)) inline void push(Job *job, Job *&tail,\n"
          "                                                Job::Handler handler) {",
          "inline void push(Job *job, Job *&tail, Job::Handler handler) {"),
         (JOB, "__attribute__((always_inline)) inline void pop(Job *job, Job *&tail) {",
          "inline void pop(Job *job, Job *&tail) {")]),
    "nothing-forced": (
        "push(), pop() and Task::tick() plain inline functions, as before the "
        "seventh session",
        [(JOB, "__attribute__((always_inline)) inline void push(Job *job, Job *&tail,\n"
          "                                                Job::Handler handler) {",
          "inline void push(Job *job, Job *&tail, Job::Handler handler) {"),
         (JOB, "__attribute__((always_inline)) inline void pop(Job *job, Job *&tail) {",
          "inline void pop(Job *job, Job *&tail) {"),
         (RUNTIME, "  SPICE_INLINE void tick() noexcept {", "  void tick() noexcept {")]),
    "tick-before-if": (
        "the tree sum's ticks as they were emitted before: one before the "
        "first statement that does something parallel, none in its branches",
        [(KERNEL, "  if (node->left && node->right) { spice_task.tick();\n",
          "  spice_task.tick(); if (node->left && node->right) {\n"),
         (KERNEL, "    { spice_task.tick(); res += spice_body_tree_sum(spice_task.worker(), spice_task.tail(), node->left); }",
          "    res += spice_body_tree_sum(spice_task.worker(), spice_task.tail(), node->left);"),
         (KERNEL, "    { spice_task.tick(); res += spice_body_tree_sum(spice_task.worker(), spice_task.tail(), node->right); }",
          "    res += spice_body_tree_sum(spice_task.worker(), spice_task.tail(), node->right);")]),
    "group-after-base-case": (
        "nqueens declares its SpawnGroup after the base case's return "
        "instead of at the top of the body",
        [(KERNEL, "std::uint32_t right) { spice::Task spice_task(spice_worker, "
          "spice_tail); spice::SpawnGroup spice_group;\n  if (row == n)\n"
          "    return 1;\n",
          "std::uint32_t right) { spice::Task spice_task(spice_worker, "
          "spice_tail);\n  if (row == n)\n    return 1;\n"
          "  spice::SpawnGroup spice_group;\n")]),
    "queens-tick-each-iteration": (
        "nqueens's ticks as they were emitted before: in front of its loop "
        "and at the start of every iteration, not only before the spawn",
        [(KERNEL, "  for (int c = 0; c < n; ++c) {\n",
          "  spice_task.tick(); for (int c = 0; c < n; ++c) { "
          "spice_task.tick();\n"),
         (KERNEL, "    if (free & bit)\n      { spice_task.tick(); {\n",
          "    if (free & bit)\n      { {\n")]),
    "group-eager-arena": (
        "the SpawnGroup as it was before 2026-12-02: the constructor sets up "
        "the arena, sync() resets it, fork() does not look",
        [(GROUP, "  Block *current_;       // block being filled (null: the "
          "inline one)\n  unsigned char *base_;  // its first byte\n"
          "  std::size_t capacity_; // its size\n"
          "  std::size_t used_;     // bytes of it taken",
          "  Block *current_ = nullptr;\n  unsigned char *base_ = inline_;\n"
          "  std::size_t capacity_ = sizeof(inline_);\n"
          "  std::size_t used_ = 0;"),
         (GROUP, "#if SPICE_ASSERTIONS\n    base_ = nullptr; // allocate() "
          "checks that fork() set the arena up\n#endif\n", ""),
         (GROUP, "    if (!top_)\n      reset_arena(); // empty: nothing lives "
          "in the arena\n", ""),
         (GROUP, "#if SPICE_ASSERTIONS\n    base_ = nullptr; // the next fork "
          "must reset the arena\n#endif\n", "    reset_arena();\n")]),
    "group-join-destroys": (
        "a SpawnGroup node's join also destroys it (one indirect call per "
        "spawn fewer at the sync)",
        [(GROUP, "      Node *self = static_cast<Node *>(base);\n"
          "      if (self->future.join_into(task, self->dest))",
          "      Node *self = static_cast<Node *>(base);\n"
          "      struct Destroy {\n        Node *node;\n"
          "        ~Destroy() { node->~Node(); }\n      } destroy{self};\n"
          "      if (self->future.join_into(task, self->dest))"),
         (GROUP, "      errors.run([&] { node->join(node, task); });\n"
          "      node->destroy(node);\n",
          "      errors.run([&] { node->join(node, task); });\n")]),
    "tls-worker": (
        "1 worker only: parallel calls pass a null worker, tick() and the "
        "join's shared check read thread-local words instead (never set "
        "here): what passing only the tail could gain",
        [(RUNTIME, "class Task;\nclass ThreadPool;\n",
          "class Task;\nclass ThreadPool;\nnamespace detail {\n"
          "struct Job;\ninline thread_local std::atomic<bool> tls_heartbeat{false};\n"
          "inline thread_local Job *tls_last_shared = nullptr;\n}\n"),
         (RUNTIME, "    if (SPICE_UNLIKELY(worker_->heartbeat.load(std::memory_order_relaxed)))",
          "    if (SPICE_UNLIKELY(detail::tls_heartbeat.load(std::memory_order_relaxed)))"),
         (RUNTIME, "      detail::on_heartbeat(worker_);\n  }",
          "      detail::on_heartbeat(detail::current_worker());\n  }"),
         (SPAWN, SHARED_CHECK,
          "    if (SPICE_UNLIKELY(detail::tls_last_shared == job)) {"),
         (SPAWN, "      if (!join_shared(task.worker_, prev, rec_))",
          "      if (!join_shared(current_worker(), prev, rec_))"),
         (KERNEL, "spice_task.worker()", "nullptr", "all"),
         (SPAWN, SPLIT_CHECK,
          "    return SPICE_UNLIKELY(detail::tls_last_shared == &rec_->job_);"),
         (SPAWN, SPLIT_SLOW,
          "    return join_shared_result(current_worker(), prev_, rec_);")]),
    "group-task-by-value": (
        "a SpawnGroup node's join gets the worker and the tail by value (a "
        "reference to a local tail), so the function's Task never escapes",
        [(GROUP, "    void (*join)(NodeBase *, Task &) = nullptr;",
          "    void (*join)(NodeBase *, detail::WorkerHot *, detail::Job *&) = nullptr;"),
         (GROUP, "    static void join_node(NodeBase *base, Task &task) {\n"
          "      Node *self = static_cast<Node *>(base);\n",
          "    static void join_node(NodeBase *base, detail::WorkerHot *worker,\n"
          "                          detail::Job *&tail) {\n"
          "      Node *self = static_cast<Node *>(base);\n"
          "      Task task(worker, tail);\n"
          "      struct Back {\n        Task &task;\n        detail::Job *&tail;\n"
          "        ~Back() { tail = task.tail(); }\n      } back{task, tail};\n"),
         (GROUP, "    SyncErrors errors;\n    while (NodeBase *node = top_) {\n"
          "      top_ = node->below;\n"
          "      errors.run([&] { node->join(node, task); });\n",
          "    SyncErrors errors;\n    detail::Job *tail = task.tail();\n"
          "    while (NodeBase *node = top_) {\n      top_ = node->below;\n"
          "      errors.run([&] { node->join(node, task.worker(), tail); });\n"),
         (GROUP, "#if SPICE_ASSERTIONS\n    base_ = nullptr; // the next fork must reset the arena\n#endif\n",
          "    task = Task(task.worker(), tail);\n#if SPICE_ASSERTIONS\n"
          "    base_ = nullptr; // the next fork must reset the arena\n#endif\n")]),
}


def make(root, kernel, out, name):
    _, edits = VARIANTS[name]
    dest = os.path.join(out, name)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(os.path.join(root, "runtime", "include"),
                    os.path.join(dest, "include"))
    shutil.copytree(os.path.join(root, "runtime", "src"),
                    os.path.join(dest, "src"))
    with open(kernel) as f:  # #line directives would split the edits
        text = re.sub(r"(?m)^#line .*\n", "", f.read())
    with open(os.path.join(dest, KERNEL), "w") as f:
        f.write(text)
    for edit in edits:
        rel, old, new = edit[:3]
        every = len(edit) > 3 and edit[3] == "all"
        path = os.path.join(dest, rel)
        with open(path) as f:
            text = f.read()
        if every and text.count(old) >= 1:
            pass
        elif text.count(old) != 1:
            sys.exit("variants.py: %s: the text to replace in %s occurs %d "
                     "times (expected once): %r" % (name, rel, text.count(old),
                                                    old[:80]))
        with open(path, "w") as f:
            f.write(text.replace(old, new))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root")
    p.add_argument("--kernel")
    p.add_argument("--out")
    p.add_argument("--list", action="store_true")
    p.add_argument("--all", action="store_true", help="every variant")
    p.add_argument("names", nargs="*")
    a = p.parse_args()
    if a.list:
        for name, (desc, _) in VARIANTS.items():
            print("%-16s %s" % (name, desc))
        return
    if a.all:
        a.names = list(VARIANTS)
    if not (a.root and a.kernel and a.out and a.names):
        p.error("--root, --kernel, --out and at least one NAME are required")
    for name in a.names:
        if name not in VARIANTS:
            sys.exit("variants.py: unknown variant %r (see --list)" % name)
    for name in a.names:
        make(a.root, a.kernel, a.out, name)


if __name__ == "__main__":
    main()
