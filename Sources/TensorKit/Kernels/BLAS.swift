import CBLAS
import Foundation

/// Matrix products: TensorKit's AVX-512 kernel for the small, tall-skinny shapes of RNN layers
/// where it beats OpenBLAS, OpenBLAS (one thread) for everything else.
enum BLAS {
    /// One thread unless OPENBLAS_NUM_THREADS says otherwise: this machine kind's two vCPUs
    /// share one core's FP units, and a second BLAS thread only adds synchronisation.
    static let configured: Void = {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            openblas_set_num_threads(1)
        }
    }()

    /// Whether the AVX-512 kernels run (the CPU has them, and TENSORKIT_KERNELS is not "blas").
    /// Tests switch it off to check the portable code paths too.
    nonisolated(unsafe) static var avx512: Bool = {
        _ = configured  // first use of any kernel: also settle OpenBLAS's threads now
        return tk_cpu_has_avx512() != 0 && ProcessInfo.processInfo.environment["TENSORKIT_KERNELS"] != "blas"
    }()

    /// C (m x n) = op(A) (m x k) * op(B) (k x n) + bias (n), broadcast over rows.
    static func gemmBias(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                         _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                         bias: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        if avx512Eligible(transA: transA, transB: transB, n: n, k: k) {
            smallGemm(transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb,
                      beta: 0, bias: bias, c, ldc: ldc)
            return
        }
        for r in 0..<m { copyFloats(bias, c + r * ldc, n) }
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: 1, c, ldc: ldc)
    }

    /// Shapes the AVX-512 kernel handles well: narrow outputs, short or transposed reductions.
    @inline(__always) static func avx512Eligible(transA: Bool, transB: Bool, n: Int, k: Int) -> Bool {
        avx512 && n <= 128 && (transA || k <= 128) && (!transB || n * k <= 16384) && k > 0
    }

    /// C (m x n) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C, all row-major.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
                     _ b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for r in 0..<m { (c + r * ldc).initialize(repeating: 0, count: n) } }
            return
        }
        if alpha == 1 && (beta == 0 || beta == 1) && avx512Eligible(transA: transA, transB: transB, n: n, k: k) {
            smallGemm(transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb,
                      beta: beta, c, ldc: ldc)
            return
        }
        _ = configured
        // rows of C split across the worker pool; op(A)'s row r starts at a + r (transposed) or a + r * lda
        Parallel.forRanges(m, align: 8, work: m * n * k) { rows in
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(rows.count), Int32(n), Int32(k), alpha, a + rows.lowerBound * (transA ? 1 : lda),
                        Int32(lda), b, Int32(ldb), beta, c + rows.lowerBound * ldc, Int32(ldc))
        }
    }

    /// The AVX-512 kernel; a transposed B (always a small weight here) is transposed on the stack first.
    static func smallGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
                          _ b: UnsafePointer<Float>, ldb: Int, beta: Float, bias: UnsafePointer<Float>? = nil,
                          _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let ars = transA ? 1 : lda, aks = transA ? lda : 1
        // rows of C split across the worker pool (in blocks of the kernel's 8 rows)
        func product(_ b: UnsafePointer<Float>, _ ldb: Int) {
            Parallel.forRanges(m, align: 8, work: m * n * k) { rows in
                tk_gemm_avx512(rows.count, n, k, a + rows.lowerBound * ars, ars, aks, b, ldb, beta, bias,
                               c + rows.lowerBound * ldc, ldc)
            }
        }
        if !transB {
            product(b, ldb)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: n * k) { bt in
            // b is (n, k) with row stride ldb; bt = b^T is (k, n)
            let t = bt.baseAddress!
            for i in 0..<n { for q in 0..<k { t[q * n + i] = b[i * ldb + q] } }
            product(t, n)
        }
    }
}
