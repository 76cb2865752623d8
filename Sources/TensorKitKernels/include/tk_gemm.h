// TensorKit's packed matrix product (gemm.c): one loop nest in the manner of BLIS/GotoBLAS
// (blocks of B and A packed into contiguous slivers, a register-blocked micro-kernel), with an
// AVX-512 and an AVX2+FMA micro-kernel chosen by the caller. It does not depend on which CPU
// a BLAS library recognises, so no CPU gets a generic kernel unnoticed.
#ifndef TK_GEMM_H
#define TK_GEMM_H

/// The micro-kernels of tk_sgemm_packed.
typedef enum { TK_GEMM_AVX512 = 0, TK_GEMM_AVX2 = 1 } tk_gemm_isa;

/// 1 when the CPU and the OS support AVX2 and FMA (CPUID leaves 1 and 7, XCR0 ymm state).
int tk_cpu_has_avx2_fma(void);

/// C (m x n, row stride ldc) = beta * C + op(A) op(B), beta 0 or 1, plus bias (n floats) on
/// every row when beta is 0 and bias is not NULL. op(A)[i][q] = A[i * ais + q * aqs] and
/// op(B)[q][j] = B[q * bqs + j * bjs], which covers both transposes. The sum over q runs in
/// the same order whatever m and n are, so splitting C's rows or columns across threads does
/// not change a single bit. Packing buffers are per thread and reused.
void tk_sgemm_packed(tk_gemm_isa isa, long m, long n, long k,
                     const float *A, long ais, long aqs, const float *B, long bqs, long bjs,
                     float beta, const float *bias, float *C, long ldc);

/// For a B that many products share (a recurrent layer's weights over the steps of a sequence):
/// the floats tk_gemm_pack_b writes for op(B) (k x n), and the packing itself, into dst.
long tk_gemm_packed_b_floats(tk_gemm_isa isa, long k, long n);
void tk_gemm_pack_b(tk_gemm_isa isa, long k, long n, const float *B, long bqs, long bjs, float *dst);

/// tk_sgemm_packed with op(B) packed already by tk_gemm_pack_b (nTotal columns in all): C's
/// columns are the packed matrix's columns [j0, j0 + n), j0 a multiple of tk_gemm_nr, and C and
/// bias point at column j0. The same bits as tk_sgemm_packed on the unpacked B.
void tk_sgemm_prepacked(tk_gemm_isa isa, long m, long n, long k, const float *A, long ais, long aqs,
                        const float *packed, long j0, long nTotal,
                        float beta, const float *bias, float *C, long ldc);

/// dst (cols x rows) = src (rows x cols)^T, only dst's rows [c0, c1) (src's columns), in 8 x 8
/// blocks with AVX2 moves: a weight's transpose that every forward pass makes.
void tk_transpose_avx2(long rows, long cols, const float *src, float *dst, long c0, long c1);

/// The micro-kernel's tile (rows x columns of C) for isa.
long tk_gemm_mr(tk_gemm_isa isa);
long tk_gemm_nr(tk_gemm_isa isa);

#endif
