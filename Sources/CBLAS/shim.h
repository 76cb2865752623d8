#include <cblas.h>
// OpenBLAS's thread control (one thread is fastest on this machine kind; see PROBES).
void openblas_set_num_threads(int num_threads);
