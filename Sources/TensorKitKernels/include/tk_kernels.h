// Hand-written AVX-512 kernels, compiled from this header into TensorKit and chosen at run time
// (tk_cpu_has_avx512), so the package still builds and runs for the baseline x86-64 target and
// on other architectures. Swift's own SIMD types only get SSE2 without -march flags.
// The header belongs to the TensorKitKernels C target, so SwiftPM rebuilds TensorKit when it changes.
#ifndef TK_KERNELS_H
#define TK_KERNELS_H

#include "tk_gemm.h"
#include "tk_park.h"

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

#if defined(__x86_64__)
#include <immintrin.h>
#include <cpuid.h>
#include <math.h>

/// 1 when the CPU and the OS support AVX-512F (CPUID leaf 7 EBX bit 16, XCR0 zmm state).
static inline int tk_cpu_has_avx512(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;   // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;                                     // xmm, ymm, zmm state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 16) & 1;
}

#define TK512 __attribute__((target("avx512f"))) static inline

// ---------------------------------------------------------------------------------------------
// Vector math: Cephes expf polynomial (about 1 ulp), the same algorithm as the Swift fallback.

TK512 __m512 tk_exp16(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(y, n);
}

/// 1/d: the 14-bit estimate and one Newton step (about 1 ulp), cheaper than a divide.
/// d is in [1, inf) here; the estimate of 1/inf is 0, which the step keeps.
TK512 __m512 tk_rcp16(__m512 d) {
    __m512 r = _mm512_rcp14_ps(d);
    return _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.0f)));
}

/// tanh: Cephes' odd polynomial for |x| < 0.625 (keeps relative accuracy), 1 - 2/(e^2|x| + 1) beyond.
TK512 __m512 tk_tanh16(__m512 x) {
    __m512 ax = _mm512_abs_ps(x);
    __m512 z = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-5.70498872745e-3f);
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954e-2f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531e-2f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036e-1f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422e-1f));
    __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
    __m512 e = tk_exp16(_mm512_add_ps(ax, ax));
    __m512 big = _mm512_fnmadd_ps(_mm512_set1_ps(2.0f), tk_rcp16(_mm512_add_ps(e, _mm512_set1_ps(1.0f))),
                                  _mm512_set1_ps(1.0f));
    // copy x's sign onto the large-|x| branch
    big = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(big),
              _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u))));
    __mmask16 large = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.625f), _CMP_GE_OQ);
    return _mm512_mask_blend_ps(large, small, big);
}

TK512 __m512 tk_sigmoid16(__m512 x) {
    __m512 one = _mm512_set1_ps(1.0f);
    return tk_rcp16(_mm512_add_ps(one, tk_exp16(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

#define TK_MAP512(name, f) \
TK512 void name(const float *x, float *y, long n) { \
    long i = 0; \
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, f(_mm512_loadu_ps(x + i))); \
    if (i < n) { \
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1); \
        _mm512_mask_storeu_ps(y + i, m, f(_mm512_maskz_loadu_ps(m, x + i))); \
    } \
}
TK_MAP512(tk_exp_avx512, tk_exp16)
TK_MAP512(tk_tanh_avx512, tk_tanh16)
TK_MAP512(tk_sigmoid_avx512, tk_sigmoid16)

/// Row-wise softmax of x (rows, cols) into y; lse[r] receives each row's log-sum-exp.
TK512 void tk_softmax_rows_avx512(const float *x, float *y, float *lse, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        float *yr = y + r * cols;
        __m512 mx = _mm512_set1_ps(-INFINITY);
        for (long j = 0; j < cols; j += 16) {
            __mmask16 m = cols - j >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - j)) - 1);
            mx = _mm512_mask_max_ps(mx, m, mx, _mm512_maskz_loadu_ps(m, xr + j));
        }
        float maxv = _mm512_reduce_max_ps(mx);
        __m512 vmax = _mm512_set1_ps(maxv), sum = _mm512_setzero_ps();
        for (long j = 0; j < cols; j += 16) {
            __mmask16 m = cols - j >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - j)) - 1);
            __m512 e = tk_exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, xr + j), vmax));
            sum = _mm512_mask_add_ps(sum, m, sum, e);
            _mm512_mask_storeu_ps(yr + j, m, e);
        }
        float s = _mm512_reduce_add_ps(sum);
        __m512 inv = _mm512_set1_ps(1.0f / s);
        for (long j = 0; j < cols; j += 16) {
            __mmask16 m = cols - j >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - j)) - 1);
            _mm512_mask_storeu_ps(yr + j, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, yr + j), inv));
        }
        lse[r] = maxv + logf(s);
    }
}

/// out[j] += sum over rows of m[r][j] for a (rows, cols) matrix with row stride ld: column sums
/// kept in registers rather than read and written back for every row.
TK512 void tk_colsum_add_avx512(const float *m, long rows, long cols, long ld, float *out) {
    // one 16-column strip at a time, four rows per iteration into four accumulators: the adds
    // of one strip would otherwise wait on each other's latency
    for (long j = 0; j < cols; j += 16) {
        __mmask16 k = cols - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (cols - j)) - 1);
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
        const float *p = m + j;
        long r = 0;
        for (; r + 4 <= rows; r += 4, p += 4 * ld) {
            s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(k, p));
            s1 = _mm512_add_ps(s1, _mm512_maskz_loadu_ps(k, p + ld));
            s2 = _mm512_add_ps(s2, _mm512_maskz_loadu_ps(k, p + 2 * ld));
            s3 = _mm512_add_ps(s3, _mm512_maskz_loadu_ps(k, p + 3 * ld));
        }
        for (; r < rows; r++, p += ld) s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(k, p));
        __m512 sum = _mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3));
        _mm512_mask_storeu_ps(out + j, k, _mm512_add_ps(sum, _mm512_maskz_loadu_ps(k, out + j)));
    }
}

/// y[i] *= s.
TK512 void tk_scale_avx512(float *y, float s, long n) {
    __m512 v = _mm512_set1_ps(s);
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), v));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, y + i), v));
    }
}

/// y[i] += x[i].
TK512 void tk_add_avx512(float *y, const float *x, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(y + i), _mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), _mm512_maskz_loadu_ps(m, x + i)));
    }
}

/// d = g * (1 - y^2) (tanh's derivative through its output y), or d += that when accumulate.
TK512 void tk_tanh_backward_avx512(const float *g, const float *y, float *d, long n, int accumulate) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 yv = _mm512_maskz_loadu_ps(m, y + i);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, g + i), _mm512_fnmadd_ps(yv, yv, one));
        if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, d + i));
        _mm512_mask_storeu_ps(d + i, m, v);
    }
}

/// d = g * y * (1 - y) (sigmoid's derivative through its output y), or d += that.
TK512 void tk_sigmoid_backward_avx512(const float *g, const float *y, float *d, long n, int accumulate) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 yv = _mm512_maskz_loadu_ps(m, y + i);
        __m512 v = _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, g + i), yv), _mm512_sub_ps(one, yv));
        if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, d + i));
        _mm512_mask_storeu_ps(d + i, m, v);
    }
}

/// dst (b, a, c) = src (a, b, c) with axes 0 and 1 exchanged, for rows of c <= 64 floats
/// (masked 16-lane copies), in tiles of 16 so the reads run along memory.
/// Rows i0 <= i < i1 of dst (b, a, c) = src (a, b, c) with axes 0 and 1 swapped.
TK512 void tk_swap01_rows_avx512(const float *src, float *dst, long a, long b, long c, long i0, long i1) {
    __mmask16 k[4];
    for (int q = 0; q < 4; q++) {
        long lanes = c - 16 * q;
        k[q] = lanes >= 16 ? (__mmask16)0xFFFF : lanes <= 0 ? (__mmask16)0 : (__mmask16)((1u << lanes) - 1);
    }
    for (long t0 = i0; t0 < i1; t0 += 16) {
        long t1 = t0 + 16 < i1 ? t0 + 16 : i1;
        for (long j = 0; j < a; j++) {
            for (long i = t0; i < t1; i++) {
                const float *s = src + (j * b + i) * c;
                float *d = dst + (i * a + j) * c;
                for (int q = 0; q < 4 && k[q]; q++)
                    _mm512_mask_storeu_ps(d + 16 * q, k[q], _mm512_maskz_loadu_ps(k[q], s + 16 * q));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fused GRU gate arithmetic for one step (PyTorch's formulation), rows of width h.

#define TK_MASK(j, h) ((h) - (j) >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << ((h) - (j))) - 1))

/// gt (B, 3H) holds W_h h_{t-1} on entry and r, z, hn = W_hn h + b_hn on exit; gi (B, 3H) is
/// W_i x + b_i; n (B, H) receives n; hnext (B, H) receives h_t = n + z (h_{t-1} - n).
TK512 void tk_gru_forward_avx512(long batch, long h, float *gt, const float *gi, const float *bhh,
                                 const float *hprev, float *n, float *hnext) {
    for (long b = 0; b < batch; b++) {
        float *g = gt + b * 3 * h;
        const float *x = gi + b * 3 * h, *hp = hprev + b * h;
        float *nb = n + b * h, *hb = hnext + b * h;
        for (long j = 0; j < h; j += 16) {
            __mmask16 m = TK_MASK(j, h);
#define LD(p) _mm512_maskz_loadu_ps(m, (p))
            __m512 r = tk_sigmoid16(_mm512_add_ps(LD(g + j), _mm512_add_ps(LD(x + j), LD(bhh + j))));
            __m512 z = tk_sigmoid16(_mm512_add_ps(LD(g + h + j), _mm512_add_ps(LD(x + h + j), LD(bhh + h + j))));
            __m512 hn = _mm512_add_ps(LD(g + 2 * h + j), LD(bhh + 2 * h + j));
            __m512 nn = tk_tanh16(_mm512_fmadd_ps(r, hn, LD(x + 2 * h + j)));
            __m512 hv = _mm512_fmadd_ps(z, _mm512_sub_ps(LD(hp + j), nn), nn);
#undef LD
            _mm512_mask_storeu_ps(g + j, m, r);
            _mm512_mask_storeu_ps(g + h + j, m, z);
            _mm512_mask_storeu_ps(g + 2 * h + j, m, hn);
            _mm512_mask_storeu_ps(nb + j, m, nn);
            _mm512_mask_storeu_ps(hb + j, m, hv);
        }
    }
}

/// Backward of one step. gt: saved r, z, hn; n: saved n; gout: dL/dh_t from above; dh: dL/dh_t
/// from step t+1 on entry, the direct part z * dh_t of dL/dh_{t-1} on exit. Writes the
/// gradients of the pre-activations: dgi for W_i x + b_i, dgh for W_h h + b_h (B, 3H), and adds
/// their column sums (the bias gradients) into dbi and dbh (3H), which stay in L1.
TK512 void tk_gru_backward_avx512(long batch, long h, const float *gt, const float *n, const float *hprev,
                                  const float *gout, float *dh, float *dgi, float *dgh, float *dbi, float *dbh) {
    __m512 one = _mm512_set1_ps(1.0f);
    for (long b = 0; b < batch; b++) {
        const float *g = gt + b * 3 * h, *nb = n + b * h, *hp = hprev + b * h, *go = gout + b * h;
        float *dhb = dh + b * h, *di = dgi + b * 3 * h, *dg = dgh + b * 3 * h;
        for (long j = 0; j < h; j += 16) {
            __mmask16 m = TK_MASK(j, h);
#define LD(p) _mm512_maskz_loadu_ps(m, (p))
            __m512 r = LD(g + j), z = LD(g + h + j), hn = LD(g + 2 * h + j), nn = LD(nb + j);
            __m512 dht = _mm512_add_ps(LD(go + j), LD(dhb + j));
            __m512 hpv = LD(hp + j);
            __m512 dnPre = _mm512_mul_ps(_mm512_mul_ps(dht, _mm512_sub_ps(one, z)),
                                         _mm512_fnmadd_ps(nn, nn, one));
            __m512 drPre = _mm512_mul_ps(_mm512_mul_ps(dnPre, hn), _mm512_mul_ps(r, _mm512_sub_ps(one, r)));
            __m512 dzPre = _mm512_mul_ps(_mm512_mul_ps(dht, _mm512_sub_ps(hpv, nn)),
                                         _mm512_mul_ps(z, _mm512_sub_ps(one, z)));
            __m512 dnr = _mm512_mul_ps(dnPre, r);
            _mm512_mask_storeu_ps(di + j, m, drPre);
            _mm512_mask_storeu_ps(di + h + j, m, dzPre);
            _mm512_mask_storeu_ps(di + 2 * h + j, m, dnPre);
            _mm512_mask_storeu_ps(dg + j, m, drPre);
            _mm512_mask_storeu_ps(dg + h + j, m, dzPre);
            _mm512_mask_storeu_ps(dg + 2 * h + j, m, dnr);
            _mm512_mask_storeu_ps(dhb + j, m, _mm512_mul_ps(dht, z));
#define ACC(p, v) _mm512_mask_storeu_ps((p), m, _mm512_add_ps(LD(p), (v)))
            ACC(dbi + j, drPre); ACC(dbi + h + j, dzPre); ACC(dbi + 2 * h + j, dnPre);
            ACC(dbh + j, drPre); ACC(dbh + h + j, dzPre); ACC(dbh + 2 * h + j, dnr);
#undef ACC
#undef LD
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fused LSTM gate arithmetic for one step (PyTorch's formulation, gates i, f, g, o).

/// at (B, 4H) holds W_h h_{t-1} on entry and the activations i, f, g, o on exit; gi (B, 4H) is
/// W_i x + b_i. Writes c_t = f c_{t-1} + i g, tanh(c_t) and h_t = o tanh(c_t), each (B, H).
TK512 void tk_lstm_forward_avx512(long batch, long h, float *at, const float *gi, const float *bhh,
                                  const float *cprev, float *cnext, float *tc, float *hnext) {
    for (long b = 0; b < batch; b++) {
        float *a = at + b * 4 * h;
        const float *x = gi + b * 4 * h, *cp = cprev + b * h;
        float *cn = cnext + b * h, *tb = tc + b * h, *hb = hnext + b * h;
        for (long j = 0; j < h; j += 16) {
            __mmask16 m = TK_MASK(j, h);
#define PRE(q) _mm512_add_ps(_mm512_maskz_loadu_ps(m, a + (q) * h + j), \
                _mm512_add_ps(_mm512_maskz_loadu_ps(m, x + (q) * h + j), _mm512_maskz_loadu_ps(m, bhh + (q) * h + j)))
            __m512 i = tk_sigmoid16(PRE(0)), f = tk_sigmoid16(PRE(1)), g = tk_tanh16(PRE(2)), o = tk_sigmoid16(PRE(3));
#undef PRE
            __m512 c = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, cp + j), _mm512_mul_ps(i, g));
            __m512 t = tk_tanh16(c);
            _mm512_mask_storeu_ps(a + j, m, i);
            _mm512_mask_storeu_ps(a + h + j, m, f);
            _mm512_mask_storeu_ps(a + 2 * h + j, m, g);
            _mm512_mask_storeu_ps(a + 3 * h + j, m, o);
            _mm512_mask_storeu_ps(cn + j, m, c);
            _mm512_mask_storeu_ps(tb + j, m, t);
            _mm512_mask_storeu_ps(hb + j, m, _mm512_mul_ps(o, t));
        }
    }
}

/// Backward of one step. at: saved i, f, g, o; tc: saved tanh(c_t); gout: dL/dh_t from above;
/// dh: dL/dh_t from step t+1; dc: dL/dc_t on entry, dL/dc_{t-1} on exit. Writes dG (B, 4H),
/// the gradient of the gate pre-activations, and adds its column sums into db (4H).
TK512 void tk_lstm_backward_avx512(long batch, long h, const float *at, const float *tc, const float *cprev,
                                   const float *gout, const float *dh, float *dc, float *dG, float *db) {
    __m512 one = _mm512_set1_ps(1.0f);
    for (long b = 0; b < batch; b++) {
        const float *a = at + b * 4 * h;
        float *d = dG + b * 4 * h;
        for (long j = 0; j < h; j += 16) {
            __mmask16 m = TK_MASK(j, h);
            long k = b * h + j;
#define LD(p) _mm512_maskz_loadu_ps(m, (p))
            __m512 i = LD(a + j), f = LD(a + h + j), g = LD(a + 2 * h + j), o = LD(a + 3 * h + j);
            __m512 t = LD(tc + k), dht = _mm512_add_ps(LD(gout + k), LD(dh + k));
            __m512 dct = _mm512_fmadd_ps(_mm512_mul_ps(dht, o), _mm512_fnmadd_ps(t, t, one), LD(dc + k));
            __m512 di = _mm512_mul_ps(_mm512_mul_ps(dct, g), _mm512_mul_ps(i, _mm512_sub_ps(one, i)));
            __m512 df = _mm512_mul_ps(_mm512_mul_ps(dct, LD(cprev + k)), _mm512_mul_ps(f, _mm512_sub_ps(one, f)));
            __m512 dg = _mm512_mul_ps(_mm512_mul_ps(dct, i), _mm512_fnmadd_ps(g, g, one));
            __m512 dO = _mm512_mul_ps(_mm512_mul_ps(dht, t), _mm512_mul_ps(o, _mm512_sub_ps(one, o)));
            _mm512_mask_storeu_ps(d + j, m, di);
            _mm512_mask_storeu_ps(d + h + j, m, df);
            _mm512_mask_storeu_ps(d + 2 * h + j, m, dg);
            _mm512_mask_storeu_ps(d + 3 * h + j, m, dO);
            _mm512_mask_storeu_ps(dc + k, m, _mm512_mul_ps(dct, f));
#define ACC(p, v) _mm512_mask_storeu_ps((p), m, _mm512_add_ps(LD(p), (v)))
            ACC(db + j, di); ACC(db + h + j, df); ACC(db + 2 * h + j, dg); ACC(db + 3 * h + j, dO);
#undef ACC
#undef LD
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Small-matrix products. C (m x n, ldc) = beta * C + op(A) (m x k) * B (k x n, ldb), beta 0 or 1,
// where op(A)[r][q] = A[r * ars + q * aks] covers both A and A^T. The RNN layers multiply
// tall-skinny matrices (n, k <= 128) where OpenBLAS spends much of its time packing.

/// Up to 8 rows x up to 32 columns of C, accumulating in 16 zmm registers.
TK512 void tk_gemm_block8(long rows, long k, const float *A, long ars, long aks,
                          const float *B, long ldb, __mmask16 m0, __mmask16 m1,
                          float beta, const float *bias, float *C, long ldc) {
    __m512 c0[8], c1[8];
    for (int r = 0; r < 8; r++) {
        if (r < rows && beta != 0.0f) {
            c0[r] = _mm512_maskz_loadu_ps(m0, C + r * ldc);
            c1[r] = _mm512_maskz_loadu_ps(m1, C + r * ldc + 16);
        } else if (bias) {
            c0[r] = _mm512_maskz_loadu_ps(m0, bias);
            c1[r] = _mm512_maskz_loadu_ps(m1, bias + 16);
        } else {
            c0[r] = _mm512_setzero_ps();
            c1[r] = _mm512_setzero_ps();
        }
    }
    if (rows == 8) {
        for (long q = 0; q < k; q++) {
            __m512 b0 = _mm512_maskz_loadu_ps(m0, B + q * ldb);
            __m512 b1 = _mm512_maskz_loadu_ps(m1, B + q * ldb + 16);
            const float *a = A + q * aks;
#define TK_ROW(r) { __m512 av = _mm512_set1_ps(a[(r) * ars]); \
                    c0[r] = _mm512_fmadd_ps(av, b0, c0[r]); c1[r] = _mm512_fmadd_ps(av, b1, c1[r]); }
            TK_ROW(0) TK_ROW(1) TK_ROW(2) TK_ROW(3) TK_ROW(4) TK_ROW(5) TK_ROW(6) TK_ROW(7)
#undef TK_ROW
        }
    } else {
        for (long q = 0; q < k; q++) {
            __m512 b0 = _mm512_maskz_loadu_ps(m0, B + q * ldb);
            __m512 b1 = _mm512_maskz_loadu_ps(m1, B + q * ldb + 16);
            const float *a = A + q * aks;
            for (int r = 0; r < rows; r++) {
                __m512 av = _mm512_set1_ps(a[r * ars]);
                c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
                c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm512_mask_storeu_ps(C + r * ldc, m0, c0[r]);
        _mm512_mask_storeu_ps(C + r * ldc + 16, m1, c1[r]);
    }
}

/// C (m x n) = beta * C + op(A) * B (+ bias broadcast over rows when beta is 0 and bias is not
/// NULL), with op(A)[r][q] = A[r * ars + q * aks]. The k loop is cut into chunks so a long
/// reduction (weight gradients over all steps) streams B once from L2.
TK512 void tk_gemm_avx512(long m, long n, long k, const float *A, long ars, long aks,
                          const float *B, long ldb, float beta, const float *bias, float *C, long ldc) {
    const long kChunk = 512;
    for (long q0 = 0; q0 < k || q0 == 0; q0 += kChunk) {
        long kc = k - q0 < kChunk ? k - q0 : kChunk;
        float b = q0 == 0 ? beta : 1.0f;
        // rows outer, columns inner: the 8 rows of A stay in L1 across the column blocks
        for (long i = 0; i < m; i += 8) {
            long rows = m - i < 8 ? m - i : 8;
            for (long j = 0; j < n; j += 32) {
                long w = n - j < 32 ? n - j : 32;
                __mmask16 m0 = (__mmask16)(w >= 16 ? 0xFFFF : (1u << w) - 1);
                __mmask16 m1 = (__mmask16)(w <= 16 ? 0 : (w >= 32 ? 0xFFFF : (1u << (w - 16)) - 1));
                tk_gemm_block8(rows, kc, A + i * ars + q0 * aks, ars, aks, B + q0 * ldb + j, ldb,
                               m0, m1, b, (bias && q0 == 0) ? bias + j : NULL, C + i * ldc + j, ldc);
            }
        }
        if (k == 0) break;
    }
}

#undef TK512
#else
static inline int tk_cpu_has_avx512(void) { return 0; }
static inline void tk_exp_avx512(const float *x, float *y, long n) {}
static inline void tk_tanh_avx512(const float *x, float *y, long n) {}
static inline void tk_sigmoid_avx512(const float *x, float *y, long n) {}
static inline void tk_softmax_rows_avx512(const float *x, float *y, float *lse, long rows, long cols) {}
static inline void tk_colsum_add_avx512(const float *m, long rows, long cols, long ld, float *out) {}
static inline void tk_add_avx512(float *y, const float *x, long n) {}
static inline void tk_tanh_backward_avx512(const float *g, const float *y, float *d, long n, int accumulate) {}
static inline void tk_sigmoid_backward_avx512(const float *g, const float *y, float *d, long n, int accumulate) {}
static inline void tk_scale_avx512(float *y, float s, long n) {}
static inline void tk_swap01_rows_avx512(const float *src, float *dst, long a, long b, long c, long i0, long i1) {}
static inline void tk_lstm_forward_avx512(long batch, long h, float *at, const float *gi, const float *bhh,
                                          const float *cprev, float *cnext, float *tc, float *hnext) {}
static inline void tk_lstm_backward_avx512(long batch, long h, const float *at, const float *tc, const float *cprev,
                                           const float *gout, const float *dh, float *dc, float *dG, float *db) {}
static inline void tk_gru_forward_avx512(long batch, long h, float *gt, const float *gi, const float *bhh,
                                         const float *hprev, float *n, float *hnext) {}
static inline void tk_gru_backward_avx512(long batch, long h, const float *gt, const float *n, const float *hprev,
                                          const float *gout, float *dh, float *dgi, float *dgh, float *dbi, float *dbh) {}
static inline void tk_gemm_avx512(long m, long n, long k, const float *A, long ars, long aks,
                                  const float *B, long ldb, float beta, const float *bias, float *C, long ldc) {}
#endif
#endif
