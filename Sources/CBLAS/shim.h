#include <cblas.h>
// OpenBLAS's thread control (one thread is fastest on this machine kind; see PROBES).
void openblas_set_num_threads(int num_threads);
// TensorKit's hand-written AVX-512 kernels, dispatched at run time.
#include "kernels.h"
#if defined(__GLIBC__) || defined(__linux__)
// mallopt, to keep transient buffers off fresh mmap pages (see BufferPool).
#include <malloc.h>
#endif
// A spin-wait hint for TensorKit's worker pool (x86 PAUSE; nothing elsewhere).
static inline void tk_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
