// Parking for TensorKit's worker pool: a helper thread with nothing to do spins only briefly,
// then sleeps in the kernel (a futex on Linux, a condition variable elsewhere) until the next
// job, so it never burns a core that another thread (or another process) needs.
#ifndef TK_PARK_H
#define TK_PARK_H

#include <stdint.h>

/// A sequence number that a signal bumps and waiters sleep on.
typedef struct tk_parking tk_parking;

/// A new parking place (never freed: the pool lives as long as the process).
tk_parking *tk_parking_new(void);
/// The current sequence number.
uint32_t tk_parking_seq(tk_parking *p);
/// Bumps the sequence number and wakes every sleeper (no system call when none sleeps).
void tk_parking_signal(tk_parking *p);
/// Sleeps until the sequence number differs from `seen` (returns at once if it does already).
void tk_parking_wait(tk_parking *p, uint32_t seen);

#endif
