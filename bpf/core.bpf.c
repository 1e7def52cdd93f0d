// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * No programs: this object only creates the maps every sensor shares (the event ring buffer,
 * its counters, the config, the process identity table, and the escape guard's policy maps). The agent loads it first and
 * hands its map fds to each sensor object before that one loads, so sensors can be loaded and
 * unloaded on their own while the ring and the counters stay.
 */
#include "vigil_common.h"
#define VIGIL_GUARD_NO_PROGRAMS
#include "vigil_guard_maps.h"
#include "vigil_syscall.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
