// TensorKit's packed matrix product: see tk_gemm.h. Loop nest (row-major C = op(A) op(B)):
//   for each KC slice of the sum:
//     pack op(A)'s rows into MR-row slivers (MR x KC each: the broadcast operand, kept in L1)
//     for each block of NB columns:
//       pack op(B) into NR-column slivers (KC x NB: the vector operand, kept in L2), or read B
//       in place when it is row-major and C has few rows (packing would cost more than it saves),
//       or read the slivers of a B packed once for many products (tk_gemm_pack_b)
//       for each MR-row sliver, for each NR-column sliver: the micro-kernel on an MR x NR tile
// The sum over the KC slices runs in order and each tile is independent, so the result does not
// depend on how the caller splits C between threads.
#include "tk_gemm.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#include <cpuid.h>

int tk_cpu_has_avx2_fma(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27)) || !(c & (1u << 12))) return 0;   // OSXSAVE, FMA
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0x6) != 0x6) return 0;                          // xmm, ymm state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1;                                      // AVX2
}

enum { KC = 256, NB = 384 };

// -------------------------------------------------------------------------------------------
// AVX-512 micro-kernel: 8 rows x 48 columns of C in 24 zmm accumulators.
enum { MR512 = 8, NR512 = 48 };

/// c (mr x nr tile, row stride ldc) += a (packed, MR512 per q) * b (kc rows, row stride ldb).
__attribute__((target("avx512f")))
static void ukernel_avx512(long kc, const float *a, const float *b, long ldb, float *c, long ldc,
                           long mr, long nr) {
    __m512 acc[MR512][3];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR512; r++) {
        acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); acc[r][2] = _mm512_setzero_ps();
    }
    __mmask16 m0 = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);
    __mmask16 m1 = nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);
    __mmask16 m2 = nr >= 48 ? 0xFFFF : nr <= 32 ? 0 : (__mmask16)((1u << (nr - 32)) - 1);
    for (long q = 0; q < kc; q++, a += MR512, b += ldb) {
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b);
        __m512 b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        __m512 b2 = _mm512_maskz_loadu_ps(m2, b + 32);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR512; r++) {
            __m512 av = _mm512_set1_ps(a[r]);
            acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
            acc[r][2] = _mm512_fmadd_ps(av, b2, acc[r][2]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR512; r++) {
        if (r < mr) {
            float *cr = c + r * ldc;
            _mm512_mask_storeu_ps(cr, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, cr), acc[r][0]));
            _mm512_mask_storeu_ps(cr + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, cr + 16), acc[r][1]));
            _mm512_mask_storeu_ps(cr + 32, m2, _mm512_add_ps(_mm512_maskz_loadu_ps(m2, cr + 32), acc[r][2]));
        }
    }
}

// -------------------------------------------------------------------------------------------
// AVX2 micro-kernel: 6 rows x 16 columns of C in 12 ymm accumulators.
enum { MR256 = 6, NR256 = 16 };

__attribute__((target("avx2,fma")))
static inline __m256i tk_lanes_below(long n) {
    // lanes j < n set (n clamped to 0..8), for maskload / maskstore
    long k = n < 0 ? 0 : n > 8 ? 8 : n;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2,fma")))
static void ukernel_avx2(long kc, const float *a, const float *b, long ldb, float *c, long ldc,
                         long mr, long nr) {
    __m256 acc[MR256][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR256; r++) { acc[r][0] = _mm256_setzero_ps(); acc[r][1] = _mm256_setzero_ps(); }
    __m256i k0 = tk_lanes_below(nr), k1 = tk_lanes_below(nr - 8);
    if (nr >= NR256) {
        for (long q = 0; q < kc; q++, a += MR256, b += ldb) {
            __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma clang loop unroll(full)
            for (int r = 0; r < MR256; r++) {
                __m256 av = _mm256_broadcast_ss(a + r);
                acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
            }
        }
    } else {
        for (long q = 0; q < kc; q++, a += MR256, b += ldb) {
            __m256 b0 = _mm256_maskload_ps(b, k0), b1 = _mm256_maskload_ps(b + 8, k1);
#pragma clang loop unroll(full)
            for (int r = 0; r < MR256; r++) {
                __m256 av = _mm256_broadcast_ss(a + r);
                acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR256; r++) {
        if (r < mr) {
            float *cr = c + r * ldc;
            _mm256_maskstore_ps(cr, k0, _mm256_add_ps(_mm256_maskload_ps(cr, k0), acc[r][0]));
            _mm256_maskstore_ps(cr + 8, k1, _mm256_add_ps(_mm256_maskload_ps(cr + 8, k1), acc[r][1]));
        }
    }
}

// -------------------------------------------------------------------------------------------
// Packing and the loop nest.

/// Per-thread packing buffers, grown as needed and kept (the worker threads live as long as
/// the process).
static __thread float *tk_pack_a, *tk_pack_b;
static __thread long tk_pack_a_cap, tk_pack_b_cap;

static float *tk_buffer(float **buf, long *cap, long floats) {
    if (*cap < floats) {
        free(*buf);
        long bytes = (floats * (long)sizeof(float) + 63) / 64 * 64;
        *buf = aligned_alloc(64, (size_t)bytes);
        if (!*buf) abort();
        *cap = floats;
    }
    return *buf;
}

/// An 8 x 8 block at src (row stride ld) transposed into dst (row stride 8).
__attribute__((target("avx2,fma")))
static inline void transpose8(const float *src, long ld, float *dst) {
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + ld);
    __m256 r2 = _mm256_loadu_ps(src + 2 * ld), r3 = _mm256_loadu_ps(src + 3 * ld);
    __m256 r4 = _mm256_loadu_ps(src + 4 * ld), r5 = _mm256_loadu_ps(src + 5 * ld);
    __m256 r6 = _mm256_loadu_ps(src + 6 * ld), r7 = _mm256_loadu_ps(src + 7 * ld);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 16, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 24, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 32, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 40, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 48, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 56, _mm256_permute2f128_ps(u3, u7, 0x31));
}

__attribute__((target("avx2,fma")))
void tk_transpose_avx2(long rows, long cols, const float *src, float *dst, long c0, long c1) {
    // dst (cols x rows) rows [c0, c1) = src (rows x cols) columns [c0, c1), 8 x 8 blocks at a time
    long c = c0;
    for (; c + 8 <= c1; c += 8) {
        long r = 0;
        for (; r + 8 <= rows; r += 8) {
            float block[64];
            transpose8(src + r * cols + c, cols, block);
            for (long i = 0; i < 8; i++) memcpy(dst + (c + i) * rows + r, block + i * 8, 8 * sizeof(float));
        }
        for (; r < rows; r++)
            for (long i = 0; i < 8; i++) dst[(c + i) * rows + r] = src[r * cols + c + i];
    }
    for (; c < c1; c++)
        for (long r = 0; r < rows; r++) dst[c * rows + r] = src[r * cols + c];
}

/// pack_a for 8-row slivers with AVX2 moves (both micro-kernels' CPUs have AVX2): a transposed
/// A's rows are 8 contiguous floats per q, a plain A's are transposed 8 x 8 at a time.
__attribute__((target("avx2,fma")))
static void pack_a8(long m, long kc, long q0, const float *A, long ais, long aqs, float *dst) {
    for (long i0 = 0; i0 < m; i0 += 8, dst += 8 * kc) {
        long rows = m - i0 < 8 ? m - i0 : 8;
        __m256i lanes = tk_lanes_below(rows);
        if (ais == 1) {
            const float *src = A + i0 + q0 * aqs;
            for (long q = 0; q < kc; q++) _mm256_storeu_ps(dst + q * 8, _mm256_maskload_ps(src + q * aqs, lanes));
            continue;
        }
        const float *src = A + i0 * ais + q0;  // aqs == 1
        long q = 0;
        if (rows == 8)
            for (; q + 8 <= kc; q += 8) transpose8(src + q, ais, dst + q * 8);
        for (; q < kc; q++)
            for (long r = 0; r < 8; r++) dst[q * 8 + r] = r < rows ? src[r * ais + q] : 0;
    }
}

/// Rows [0, m) of op(A), sum indices [q0, q0 + kc), into MR-row slivers (zero rows beyond m).
static void pack_a(long m, long kc, long q0, const float *A, long ais, long aqs, long mr, float *dst) {
    if (mr == 8 && (ais == 1 || aqs == 1)) {
        pack_a8(m, kc, q0, A, ais, aqs, dst);
        return;
    }
    for (long i0 = 0; i0 < m; i0 += mr, dst += mr * kc) {
        long rows = m - i0 < mr ? m - i0 : mr;
        if (ais == 1) {
            // transposed A: the sliver's rows are contiguous for each q
            const float *src = A + i0 + q0 * aqs;
            for (long q = 0; q < kc; q++) {
                long r = 0;
                for (; r < rows; r++) dst[q * mr + r] = src[q * aqs + r];
                for (; r < mr; r++) dst[q * mr + r] = 0;
            }
            continue;
        }
        for (long r = 0; r < mr; r++) {
            if (r >= rows) {
                for (long q = 0; q < kc; q++) dst[q * mr + r] = 0;
                continue;
            }
            const float *src = A + (i0 + r) * ais + q0 * aqs;
            for (long q = 0; q < kc; q++) dst[q * mr + r] = src[q * aqs];
        }
    }
}

/// kc rows of `cols` contiguous floats (row stride bqs) into rows of nr (zero beyond cols), with
/// AVX2 moves (nr is a multiple of 8 for both micro-kernels).
__attribute__((target("avx2,fma")))
static void pack_b_rows(long kc, long cols, long nr, const float *src, long bqs, float *dst) {
    for (long q = 0; q < kc; q++) {
        float *d = dst + q * nr;
        const float *p = src + q * bqs;
        for (long j = 0; j < nr; j += 8) _mm256_storeu_ps(d + j, _mm256_maskload_ps(p + j, tk_lanes_below(cols - j)));
    }
}

/// Columns [j0, j0 + nb) of op(B), sum indices [q0, q0 + kc), into NR-column slivers (zero
/// columns beyond nb).
static void pack_b(long nb, long kc, long q0, long j0, const float *B, long bqs, long bjs, long nr, float *dst) {
    for (long s = 0; s < nb; s += nr, dst += nr * kc) {
        long cols = nb - s < nr ? nb - s : nr;
        const float *src = B + q0 * bqs + (j0 + s) * bjs;
        if (bjs == 1) {
            pack_b_rows(kc, cols, nr, src, bqs, dst);
        } else {
            // transposed B: column j of op(B) is contiguous in memory
            for (long j = 0; j < nr; j++) {
                if (j >= cols) {
                    for (long q = 0; q < kc; q++) dst[q * nr + j] = 0;
                    continue;
                }
                const float *p = src + j * bjs;
                for (long q = 0; q < kc; q++) dst[q * nr + j] = p[q * bqs];
            }
        }
    }
}

long tk_gemm_mr(tk_gemm_isa isa) { return isa == TK_GEMM_AVX512 ? MR512 : MR256; }
long tk_gemm_nr(tk_gemm_isa isa) { return isa == TK_GEMM_AVX512 ? NR512 : NR256; }

/// Where the loop nest finds B's slivers: read in place, packed block by block into a
/// per-thread buffer, or packed already for the whole matrix (tk_gemm_pack_b).
typedef struct {
    const float *B;      // op(B)'s element (0, 0) for in place and per-block packing
    long bqs, bjs;
    const float *whole;  // tk_gemm_pack_b's buffer, or NULL
    long j0, nPad;       // with `whole`: C's first column within it, and its padded width
} b_source;

static void gemm_loop(tk_gemm_isa isa, long m, long n, long k, const float *A, long ais, long aqs,
                      b_source src, float beta, const float *bias, float *C, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (beta == 0) {
        // C starts at the bias (or zero) and every slice of the sum adds into it
        for (long i = 0; i < m; i++) {
            if (bias) memcpy(C + i * ldc, bias, (size_t)n * sizeof(float));
            else memset(C + i * ldc, 0, (size_t)n * sizeof(float));
        }
    }
    if (k <= 0) return;
    const long mr = tk_gemm_mr(isa), nr = tk_gemm_nr(isa);
    void (*kernel)(long, const float *, const float *, long, float *, long, long, long) =
        isa == TK_GEMM_AVX512 ? ukernel_avx512 : ukernel_avx2;
    const long mPadded = (m + mr - 1) / mr * mr;
    // B in place when it is row-major and each packed column would serve few rows of C: up to
    // 4 slivers of A, or 8 (64 rows with AVX-512) when B is at most 1 MB and so stays in cache
    // (packing cost ~10% on a recurrent step's (64, 256) x (256, 768) product; with a 6 MB B,
    // read from L3 every step, packing wins by ~5%)
    const int inPlace = !src.whole && src.bjs == 1 && (m <= 4 * mr || (m <= 8 * mr && k * n <= 262144));
    const int packBlocks = !src.whole && !inPlace;
    float *pa = tk_buffer(&tk_pack_a, &tk_pack_a_cap, mPadded * KC);
    float *pb = packBlocks ? tk_buffer(&tk_pack_b, &tk_pack_b_cap, KC * ((NB + nr - 1) / nr * nr)) : NULL;
    for (long q0 = 0; q0 < k; q0 += KC) {
        long kc = k - q0 < KC ? k - q0 : KC;
        pack_a(m, kc, q0, A, ais, aqs, mr, pa);
        for (long j0 = 0; j0 < n; j0 += NB) {
            long nb = n - j0 < NB ? n - j0 : NB;
            if (packBlocks) pack_b(nb, kc, q0, j0, src.B, src.bqs, src.bjs, nr, pb);
            // the block's first sliver, and the distance from one sliver to the next
            const float *b = src.whole ? src.whole + q0 * src.nPad + (src.j0 + j0) * kc
                : inPlace ? src.B + q0 * src.bqs + j0 : pb;
            long ldb = inPlace ? src.bqs : nr, step = inPlace ? 1 : kc;
            for (long i0 = 0; i0 < m; i0 += mr) {
                long rows = m - i0 < mr ? m - i0 : mr;
                const float *a = pa + i0 * kc;
                for (long s = 0; s < nb; s += nr) {
                    long cols = nb - s < nr ? nb - s : nr;
                    kernel(kc, a, b + s * step, ldb, C + i0 * ldc + j0 + s, ldc, rows, cols);
                }
            }
        }
    }
}

void tk_sgemm_packed(tk_gemm_isa isa, long m, long n, long k,
                     const float *A, long ais, long aqs, const float *B, long bqs, long bjs,
                     float beta, const float *bias, float *C, long ldc) {
    b_source src = {B, bqs, bjs, NULL, 0, 0};
    gemm_loop(isa, m, n, k, A, ais, aqs, src, beta, bias, C, ldc);
}

long tk_gemm_packed_b_floats(tk_gemm_isa isa, long k, long n) {
    long nr = tk_gemm_nr(isa);
    return k * ((n + nr - 1) / nr * nr);
}

void tk_gemm_pack_b(tk_gemm_isa isa, long k, long n, const float *B, long bqs, long bjs, float *dst) {
    long nr = tk_gemm_nr(isa), nPad = (n + nr - 1) / nr * nr;
    for (long q0 = 0; q0 < k; q0 += KC) {
        long kc = k - q0 < KC ? k - q0 : KC;
        pack_b(n, kc, q0, 0, B, bqs, bjs, nr, dst + q0 * nPad);
    }
}

void tk_sgemm_prepacked(tk_gemm_isa isa, long m, long n, long k, const float *A, long ais, long aqs,
                        const float *packed, long j0, long nTotal,
                        float beta, const float *bias, float *C, long ldc) {
    long nr = tk_gemm_nr(isa);
    if (j0 % nr != 0 || j0 + n > nTotal) abort();  // the packed slivers start at multiples of nr
    b_source src = {NULL, 0, 0, packed, j0, (nTotal + nr - 1) / nr * nr};
    gemm_loop(isa, m, n, k, A, ais, aqs, src, beta, bias, C, ldc);
}

#else
// Not x86-64: TensorKit uses its portable path (the system BLAS); these are never called.
int tk_cpu_has_avx2_fma(void) { return 0; }
long tk_gemm_mr(tk_gemm_isa isa) { (void)isa; return 1; }
long tk_gemm_nr(tk_gemm_isa isa) { (void)isa; return 1; }
long tk_gemm_packed_b_floats(tk_gemm_isa isa, long k, long n) { (void)isa; (void)k; (void)n; abort(); }
void tk_transpose_avx2(long rows, long cols, const float *src, float *dst, long c0, long c1) {
    (void)rows; (void)cols; (void)src; (void)dst; (void)c0; (void)c1;
    abort();
}
void tk_gemm_pack_b(tk_gemm_isa isa, long k, long n, const float *B, long bqs, long bjs, float *dst) {
    (void)isa; (void)k; (void)n; (void)B; (void)bqs; (void)bjs; (void)dst;
    abort();
}
void tk_sgemm_prepacked(tk_gemm_isa isa, long m, long n, long k, const float *A, long ais, long aqs,
                        const float *packed, long j0, long nTotal,
                        float beta, const float *bias, float *C, long ldc) {
    (void)isa; (void)m; (void)n; (void)k; (void)A; (void)ais; (void)aqs; (void)packed; (void)j0;
    (void)nTotal; (void)beta; (void)bias; (void)C; (void)ldc;
    abort();
}
void tk_sgemm_packed(tk_gemm_isa isa, long m, long n, long k,
                     const float *A, long ais, long aqs, const float *B, long bqs, long bjs,
                     float beta, const float *bias, float *C, long ldc) {
    (void)isa; (void)m; (void)n; (void)k; (void)A; (void)ais; (void)aqs; (void)B; (void)bqs; (void)bjs;
    (void)beta; (void)bias; (void)C; (void)ldc;
    abort();
}
#endif
