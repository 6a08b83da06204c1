// spice: fork-join parallelism with heartbeat scheduling.
//
// The one header users include. Unrewritten, it makes an annotated program a
// valid serial C++17 program (spawn calls, sync does nothing). It also
// declares the runtime that the output of spice-rewrite calls.
#ifndef SPICE_SPICE_H
#define SPICE_SPICE_H

#include <spice/detail/loop.h>
#include <spice/detail/spawn.h>
#include <spice/runtime.h>
#include <spice/serial.h>
#include <spice/spawn_group.h>

#endif // SPICE_SPICE_H
