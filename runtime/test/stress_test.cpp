// Stress test: random fork/join trees built with the runtime API directly
// (Future fork/join, join_into and SpawnGroup), with results from an int to a
// few hundred bytes, some calls throwing and some frames catching, run on
// pools of 1, 2, 3, 8 and 32 workers with a 1 us heartbeat. Every result is
// checked against a serial evaluation of the same tree.
//
// Mode::kByValue frames pass their Task by value, as generated code does, and
// interleave forks with direct calls of parallel children: fork, call, fork
// again. That is the shape that once forked onto a job the heartbeat had
// shared during the call (a stale tail; docs/runtime.md, "The job list").
//
// SPICE_STRESS_SEED=<n> picks another base seed (a failure prints the seed
// and the tree's seed); SPICE_STRESS_SCALE=<x> multiplies the amount of work
// (default 1, or SPICE_STRESS_DEFAULT_SCALE from the build: sanitizer builds
// run less).
#include "test_util.h"

#include <spice/runtime.h>
#include <spice/spawn_group.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#ifndef SPICE_STRESS_DEFAULT_SCALE
#define SPICE_STRESS_DEFAULT_SCALE 1.0
#endif

namespace spice {
namespace {

// --- values ------------------------------------------------------------------

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a + 0x9e3779b97f4a7c15ULL + (b << 6) + (b >> 2) + b;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

template <std::size_t N> struct Payload { std::array<std::uint64_t, N> words; };
using P4 = Payload<4>;   // 32 bytes
using P16 = Payload<16>; // 128 bytes
using P48 = Payload<48>; // 384 bytes
using AnyResult = std::variant<int, P4, P16, P48>;

template <class R> R make(std::uint64_t d) {
  if constexpr (std::is_same_v<R, int>) {
    return static_cast<int>(static_cast<std::uint32_t>(d ^ (d >> 32)));
  } else {
    R r;
    for (std::size_t i = 0; i < r.words.size(); ++i)
      r.words[i] = mix(d, i);
    return r;
  }
}

std::uint64_t digest(int v) {
  return mix(static_cast<std::uint32_t>(v), 0x1234);
}
template <std::size_t N> std::uint64_t digest(const Payload<N> &p) {
  std::uint64_t d = N;
  for (std::uint64_t w : p.words)
    d = mix(d, w);
  return d;
}
std::uint64_t digest(const AnyResult &r) {
  return std::visit([](const auto &v) { return digest(v); }, r);
}

// What a child of size class `c` contributes to its parent: its value
// converted to its result type and back.
std::uint64_t contribution(int size_class, std::uint64_t value) {
  switch (size_class) {
  case 0:
    return digest(make<int>(value));
  case 1:
    return digest(make<P4>(value));
  case 2:
    return digest(make<P16>(value));
  default:
    return digest(make<P48>(value));
  }
}

// --- trees -------------------------------------------------------------------

enum class Mode { kJoin, kJoinInto, kGroup, kByValue };

struct Node {
  int id = 0;
  std::uint64_t seed = 0;
  int size_class = 0; // result type when forked: int, P4, P16, P48
  Mode mode = Mode::kJoin;
  bool throws = false;    // its own work throws, after the forks
  bool catches = false;   // turns an exception of its body into a value
  unsigned work = 0;      // rounds of its own work
  std::vector<bool> drop; // per child: result dropped (no destination)
  // kByValue, per child: called directly instead of forked. Only children
  // that do not throw, so the outcome is the same as when forked.
  std::vector<bool> called;
  bool expect_threw = false; // the serial outcome, set by serial()
  std::vector<std::unique_ptr<Node>> children;
  // Times the parallel evaluation ran this node: always exactly once, since
  // every fork happens before anything can throw and an abandoned future
  // still makes its call.
  mutable std::atomic<int> runs{0};
};

struct TreeError {
  int id;
};

struct Shape {
  int max_depth;
  int max_fanout;
  int budget; // nodes
};

std::unique_ptr<Node> generate(std::mt19937_64 &rng, const Shape &shape,
                               int depth, int &count) {
  auto node = std::make_unique<Node>();
  node->id = count++;
  node->seed = rng();
  node->size_class = static_cast<int>(rng() % 4);
  node->mode = static_cast<Mode>(rng() % 4);
  node->catches = rng() % 12 == 0;
  node->work = static_cast<unsigned>(rng() % 20000);
  if (depth < shape.max_depth) {
    int fanout =
        static_cast<int>(rng() % static_cast<unsigned>(shape.max_fanout + 1));
    // Now and then a wide node, as in spawns inside loops.
    if (node->mode == Mode::kGroup && rng() % 8 == 0)
      fanout *= 4;
    for (int i = 0; i < fanout && count < shape.budget; ++i) {
      node->drop.push_back(rng() % 6 == 0);
      node->children.push_back(generate(rng, shape, depth + 1, count));
    }
  }
  return node;
}

void collect(Node *node, std::vector<Node *> &all) {
  all.push_back(node);
  for (auto &child : node->children)
    collect(child.get(), all);
}

// Own work: deterministic, and it polls the heartbeat like real code.
template <class Tick> std::uint64_t own_work(const Node &n, Tick tick) {
  std::uint64_t x = n.seed;
  for (unsigned done = 0; done < n.work; done += 64) {
    tick();
    x = mix(x, test::busy_work(64));
  }
  return x;
}

// --- serial reference --------------------------------------------------------

struct Outcome {
  bool threw = false;
  std::uint64_t value = 0; // the value, or the id of the exception
};

Outcome serial(Node &n) {
  std::size_t k = n.children.size();
  std::vector<Outcome> kids(k);
  for (std::size_t i = 0; i < k; ++i)
    kids[i] = serial(*n.children[i]);
  std::uint64_t own = own_work(n, [] {});

  Outcome out;
  if (n.throws) {
    out = {true, static_cast<std::uint64_t>(n.id)};
  } else {
    // Futures join newest first and an exception unwinds the older ones
    // (which drop theirs): the last child that threw wins. A SpawnGroup's
    // sync keeps the earliest spawn's.
    std::optional<std::size_t> thrower;
    for (std::size_t i = 0; i < k; ++i)
      if (kids[i].threw && (n.mode != Mode::kGroup || !thrower))
        thrower = i;
    if (thrower) {
      out = kids[*thrower];
    } else {
      std::uint64_t v = mix(n.seed, own);
      for (std::size_t i = 0; i < k; ++i)
        if (!n.drop[i])
          v = mix(v, contribution(n.children[i]->size_class, kids[i].value));
      out = {false, v};
    }
  }
  if (out.threw && n.catches)
    out = {false, mix(n.seed ^ 0xca7c4ULL, out.value)};
  n.expect_threw = out.threw;
  return out;
}

// Picks which children of kByValue frames are called rather than forked,
// once serial() knows which throw.
void choose_calls(std::mt19937_64 &rng, Node &n) {
  n.called.assign(n.children.size(), false);
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    if (n.mode == Mode::kByValue)
      n.called[i] = !n.children[i]->expect_threw && rng() % 2 == 0;
    choose_calls(rng, *n.children[i]);
  }
}

// --- parallel evaluation -----------------------------------------------------

std::uint64_t eval(Task t, const Node &n);

std::uint64_t finish(const Node &n, std::uint64_t own,
                     const std::vector<std::uint64_t> &contrib) {
  std::uint64_t v = mix(n.seed, own);
  for (std::size_t i = 0; i < contrib.size(); ++i)
    if (!n.drop[i])
      v = mix(v, contrib[i]);
  return v;
}

std::uint64_t run_own_work(Task &t, const Node &n) {
  std::uint64_t own = own_work(n, [&] { t.tick(); });
  if (n.throws)
    throw TreeError{n.id};
  return own;
}

// Forks children i.. one per frame (each Future its own type), runs the own
// work, joins on the way back. contrib[i] receives child i's contribution.
std::uint64_t fork_from(Task &t, const Node &n, std::size_t i,
                        std::vector<std::uint64_t> &contrib);

template <class R, class Fn>
void join_child(Task &t, const Node &n, std::size_t i, Future<R> &future,
                Fn &fn, std::vector<std::uint64_t> &contrib);

template <class R>
std::uint64_t fork_one(Task &t, const Node &n, std::size_t i,
                       std::vector<std::uint64_t> &contrib) {
  const Node &child = *n.children[i];
  auto fn = [&child](Task t2) { return make<R>(eval(t2, child)); };
  Future<R> future;
  future.fork(t, fn);
  std::uint64_t own = fork_from(t, n, i + 1, contrib);
  join_child(t, n, i, future, fn, contrib);
  return own;
}

template <class R, class Fn>
void join_child(Task &t, const Node &n, std::size_t i, Future<R> &future,
                Fn &fn, std::vector<std::uint64_t> &contrib) {
  if (n.drop[i]) {
    if (!future.join_into(t))
      fn(t);
  } else if (n.mode == Mode::kJoinInto) {
    R dest{};
    if (!future.join_into(t, &dest))
      dest = fn(t);
    contrib[i] = digest(dest);
  } else {
    std::optional<R> r = future.join(t);
    contrib[i] = r ? digest(*r) : digest(fn(t));
  }
}

// kByValue: every frame has its own Task copy, as in generated code; a
// called child is a direct call that ticks first (what the rewrite emits).
std::uint64_t fork_from_by_value(Task t, const Node &n, std::size_t i,
                                 std::vector<std::uint64_t> &contrib);

template <class R>
std::uint64_t fork_one_by_value(Task t, const Node &n, std::size_t i,
                                std::vector<std::uint64_t> &contrib) {
  const Node &child = *n.children[i];
  auto fn = [&child](Task t2) { return make<R>(eval(t2, child)); };
  auto future = fork(t, fn);
  std::uint64_t own = fork_from_by_value(t, n, i + 1, contrib);
  join_child(t, n, i, future, fn, contrib);
  return own;
}

std::uint64_t fork_from_by_value(Task t, const Node &n, std::size_t i,
                                 std::vector<std::uint64_t> &contrib) {
  for (; i < n.children.size() && n.called[i]; ++i) {
    std::uint64_t v = t.call(eval, *n.children[i]);
    contrib[i] = contribution(n.children[i]->size_class, v);
  }
  if (i == n.children.size())
    return run_own_work(t, n);
  switch (n.children[i]->size_class) {
  case 0:
    return fork_one_by_value<int>(t, n, i, contrib);
  case 1:
    return fork_one_by_value<P4>(t, n, i, contrib);
  case 2:
    return fork_one_by_value<P16>(t, n, i, contrib);
  default:
    return fork_one_by_value<P48>(t, n, i, contrib);
  }
}

std::uint64_t fork_from(Task &t, const Node &n, std::size_t i,
                        std::vector<std::uint64_t> &contrib) {
  if (i == n.children.size())
    return run_own_work(t, n);
  switch (n.children[i]->size_class) {
  case 0:
    return fork_one<int>(t, n, i, contrib);
  case 1:
    return fork_one<P4>(t, n, i, contrib);
  case 2:
    return fork_one<P16>(t, n, i, contrib);
  default:
    return fork_one<P48>(t, n, i, contrib);
  }
}

template <class R>
void group_fork(Task &t, SpawnGroup &group, const Node &child,
                AnyResult *dest) {
  group.fork(
      t, [&child](Task t2) { return make<R>(eval(t2, child)); }, dest);
}

std::uint64_t eval_body(Task &t, const Node &n) {
  std::size_t k = n.children.size();
  std::vector<std::uint64_t> contrib(k, 0);
  if (n.mode == Mode::kByValue)
    return finish(n, fork_from_by_value(t, n, 0, contrib), contrib);
  if (n.mode != Mode::kGroup) {
    std::uint64_t own = fork_from(t, n, 0, contrib);
    return finish(n, own, contrib);
  }
  std::vector<AnyResult> dests(k);
  SpawnGroup group;
  for (std::size_t i = 0; i < k; ++i) {
    AnyResult *dest = n.drop[i] ? nullptr : &dests[i];
    switch (n.children[i]->size_class) {
    case 0:
      group_fork<int>(t, group, *n.children[i], dest);
      break;
    case 1:
      group_fork<P4>(t, group, *n.children[i], dest);
      break;
    case 2:
      group_fork<P16>(t, group, *n.children[i], dest);
      break;
    default:
      group_fork<P48>(t, group, *n.children[i], dest);
      break;
    }
  }
  std::uint64_t own = run_own_work(t, n);
  group.sync(t);
  for (std::size_t i = 0; i < k; ++i)
    if (!n.drop[i])
      contrib[i] = digest(dests[i]);
  return finish(n, own, contrib);
}

std::uint64_t eval(Task t, const Node &n) {
  n.runs.fetch_add(1, std::memory_order_relaxed);
  if (!n.catches)
    return eval_body(t, n);
  try {
    return eval_body(t, n);
  } catch (const TreeError &e) {
    // Futures of this frame were unwound: re-read the list tail.
    t.reset_tail();
    return mix(n.seed ^ 0xca7c4ULL, static_cast<std::uint64_t>(e.id));
  }
}

// --- the test
// ------------------------------------------------------------------

double scale() {
  if (const char *s = std::getenv("SPICE_STRESS_SCALE")) {
    char *end = nullptr;
    double v = std::strtod(s, &end);
    if (end != s && v > 0)
      return v;
  }
  return SPICE_STRESS_DEFAULT_SCALE;
}

std::uint64_t base_seed() {
  if (const char *s = std::getenv("SPICE_STRESS_SEED"))
    return std::strtoull(s, nullptr, 0);
  return 20240611;
}

struct Tree {
  std::unique_ptr<Node> root;
  int nodes = 0;
  Outcome expected;
};

// Trees of kind 0 do not throw, of kind 1 their root throws after forking
// everything, of kind 2 one to three random nodes throw.
Tree make_tree(std::uint64_t seed, int kind) {
  std::mt19937_64 rng(seed);
  Shape shape;
  shape.max_depth = 1 + static_cast<int>(rng() % 12);
  shape.max_fanout = 1 + static_cast<int>(rng() % 5);
  shape.budget = 50 + static_cast<int>(rng() % 3000);
  Tree tree;
  tree.root = generate(rng, shape, 0, tree.nodes);
  if (kind == 1) {
    tree.root->throws = true;
    tree.root->catches = false;
  } else if (kind == 2) {
    std::vector<Node *> all;
    collect(tree.root.get(), all);
    int throwers = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < throwers; ++i)
      all[rng() % all.size()]->throws = true;
  }
  tree.expected = serial(*tree.root);
  choose_calls(rng, *tree.root);
  return tree;
}

std::string describe(const Outcome &o) {
  return o.threw ? "throws TreeError " + std::to_string(o.value)
                 : "returns " + std::to_string(o.value);
}

Outcome run_tree(ThreadPool &pool, const Node &root) {
  try {
    return {false, pool.call([&](Task t) { return eval(t, root); })};
  } catch (const TreeError &e) {
    return {true, static_cast<std::uint64_t>(e.id)};
  }
}

// Empty when every node ran exactly once, else which one did not.
std::string run_count_problem(Node *root) {
  std::vector<Node *> all;
  collect(root, all);
  for (Node *n : all)
    if (int runs = n->runs.load(); runs != 1)
      return "node " + std::to_string(n->id) + " ran " + std::to_string(runs) +
             " times";
  return {};
}

// Runs `count` random trees on `pool`, counting those that threw.
void run_trees(ThreadPool &pool, std::uint64_t stream, int count, int &threw) {
  for (int i = 0; i < count; ++i) {
    std::uint64_t seed = mix(base_seed(), stream * 1000003 + i);
    Tree tree = make_tree(seed, i % 3);
    Outcome got = run_tree(pool, *tree.root);
    threw += tree.expected.threw;
    ASSERT_TRUE(got.threw == tree.expected.threw &&
                got.value == tree.expected.value)
        << "tree " << i << " (" << tree.nodes << " nodes) on "
        << pool.num_workers() << " workers: expected "
        << describe(tree.expected) << ", got " << describe(got)
        << "\n  reproduce: SPICE_STRESS_SEED=" << base_seed() << " (tree seed "
        << seed << ")";
    ASSERT_EQ(run_count_problem(tree.root.get()), "")
        << "tree " << i << " on " << pool.num_workers()
        << " workers; reproduce: SPICE_STRESS_SEED=" << base_seed()
        << " (tree seed " << seed << ")";
  }
}

class Stress : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Stress, RandomTrees) {
  std::size_t workers = GetParam();
  ThreadPool pool(test::fast_pool(workers));
  ASSERT_EQ(pool.num_workers(), workers);
  int count = std::max(6, static_cast<int>(300 * scale()));
  int threw = 0;
  run_trees(pool, workers, count, threw);
  if (HasFatalFailure())
    return;
  EXPECT_GE(threw, count / 3); // every root that throws, at least
  EXPECT_LT(threw, count);
  Stats stats = pool.stats();
  if (workers > 1) {
    EXPECT_GT(stats.jobs_stolen, 0u);
  } else {
    EXPECT_EQ(stats.jobs_shared, 0u);
    EXPECT_EQ(stats.jobs_stolen, 0u);
  }
  EXPECT_LE(stats.jobs_stolen, stats.jobs_shared);
  std::printf("[ stats    ] %zu workers, %d trees (%d threw): heartbeats %llu, "
              "shared %llu, stolen %llu, joins waited %llu\n",
              workers, count, threw,
              static_cast<unsigned long long>(stats.heartbeats),
              static_cast<unsigned long long>(stats.jobs_shared),
              static_cast<unsigned long long>(stats.jobs_stolen),
              static_cast<unsigned long long>(stats.joins_waited));
}

INSTANTIATE_TEST_SUITE_P(Workers, Stress,
                         ::testing::Values(std::size_t{1}, std::size_t{2},
                                           std::size_t{3}, std::size_t{8},
                                           std::size_t{32}),
                         [](const ::testing::TestParamInfo<std::size_t> &info) {
                           return std::to_string(info.param);
                         });

// Several ordinary threads call into one pool at once with random trees.
TEST(StressExternal, ConcurrentCallers) {
  ThreadPool pool(test::fast_pool(3));
  constexpr int kThreads = 4;
  int per_thread = std::max(3, static_cast<int>(30 * scale()));
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kThreads);
  for (int k = 0; k < kThreads; ++k)
    threads.emplace_back([&, k] {
      for (int i = 0; i < per_thread; ++i) {
        std::uint64_t seed = mix(base_seed(), 777000 + k * 1000 + i);
        Tree tree = make_tree(seed, i % 3);
        Outcome got = run_tree(pool, *tree.root);
        if (got.threw != tree.expected.threw ||
            got.value != tree.expected.value ||
            !run_count_problem(tree.root.get()).empty()) {
          failures[static_cast<std::size_t>(k)] =
              "thread " + std::to_string(k) + " tree " + std::to_string(i) +
              ": expected " + describe(tree.expected) + ", got " +
              describe(got) + " " + run_count_problem(tree.root.get()) +
              " (SPICE_STRESS_SEED=" + std::to_string(base_seed()) +
              ", tree seed " + std::to_string(seed) + ")";
          return;
        }
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (const std::string &f : failures)
    EXPECT_EQ(f, "");
  EXPECT_GT(pool.stats().jobs_stolen, 0u);
}

} // namespace
} // namespace spice
