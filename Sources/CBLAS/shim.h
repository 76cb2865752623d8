#include <cblas.h>
// OpenBLAS's thread control (one thread is fastest on this machine kind; see PROBES).
void openblas_set_num_threads(int num_threads);
// Which of its kernels OpenBLAS chose for this CPU when it loaded (e.g. "Haswell", "Prescott").
char *openblas_get_corename(void);
