// The floor of the heartbeat protocol: Spice's fork/join fast path written by
// hand in C++, with nothing of spice's around it (docs/runtime.md, "The fast
// path"). A fork fills a record on the stack (handler, links, argument) and
// appends it to a worker-local list; a join checks that nobody took it, pops
// it and makes the call itself. The heartbeat poll, the sharing and the
// waiting for a taken job are there, cold and out of line, but nothing ever
// shares: there is no pool, so these kernels only measure one worker.
//
// What spice adds on top of this, and this leaves out: exceptions (a join
// that rethrows, a handle that cleans up on unwinding), a shared-tail check
// that reads the worker instead of the job, loops, and entry from ordinary
// code. So the ratio of these kernels to the serial function is what the
// protocol itself costs on this machine and compiler; the rewritten kernels
// can approach it, not beat it.
#ifndef SPICE_BENCH_PROTOCOL_FLOOR_H
#define SPICE_BENCH_PROTOCOL_FLOOR_H

#include "tree.h"

#include <cstdint>

namespace protocol_floor {
std::int64_t tree_sum(const tree::Node *root);
std::int64_t fib(int n);
/// Heartbeats handled since the start (never any: nothing sets the flag).
std::uint64_t heartbeats();
} // namespace protocol_floor

#endif // SPICE_BENCH_PROTOCOL_FLOOR_H
