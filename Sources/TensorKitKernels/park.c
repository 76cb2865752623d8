// See tk_park.h. The sleeper count lets a signal skip the system call when every helper is
// still spinning; both sides use sequentially consistent atomics, so either the signaller sees
// the sleeper or the sleeper sees the new sequence number (and the futex re-checks it).
#include "tk_park.h"

#include <stdatomic.h>
#include <stdlib.h>

#if defined(__linux__)
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

struct tk_parking {
    _Atomic uint32_t seq;
    _Atomic int32_t sleepers;
};

tk_parking *tk_parking_new(void) { return calloc(1, sizeof(tk_parking)); }

uint32_t tk_parking_seq(tk_parking *p) { return atomic_load(&p->seq); }

void tk_parking_signal(tk_parking *p) {
    atomic_fetch_add(&p->seq, 1);
    if (atomic_load(&p->sleepers) > 0)
        syscall(SYS_futex, (uint32_t *)&p->seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

void tk_parking_wait(tk_parking *p, uint32_t seen) {
    atomic_fetch_add(&p->sleepers, 1);
    while (atomic_load(&p->seq) == seen)
        syscall(SYS_futex, (uint32_t *)&p->seq, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
    atomic_fetch_sub(&p->sleepers, 1);
}

#else
#include <pthread.h>

struct tk_parking {
    _Atomic uint32_t seq;
    _Atomic int32_t sleepers;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

tk_parking *tk_parking_new(void) {
    tk_parking *p = calloc(1, sizeof(tk_parking));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    return p;
}

uint32_t tk_parking_seq(tk_parking *p) { return atomic_load(&p->seq); }

void tk_parking_signal(tk_parking *p) {
    atomic_fetch_add(&p->seq, 1);
    if (atomic_load(&p->sleepers) > 0) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
}

void tk_parking_wait(tk_parking *p, uint32_t seen) {
    pthread_mutex_lock(&p->lock);
    atomic_fetch_add(&p->sleepers, 1);
    while (atomic_load(&p->seq) == seen) pthread_cond_wait(&p->cond, &p->lock);
    atomic_fetch_sub(&p->sleepers, 1);
    pthread_mutex_unlock(&p->lock);
}
#endif
