import CBLAS
import Foundation

/// Row-major sgemm wrappers around OpenBLAS, configured for one thread on first use.
enum BLAS {
    /// One thread unless OPENBLAS_NUM_THREADS says otherwise: this machine kind's two vCPUs
    /// share one core's FP units, and a second BLAS thread only adds synchronisation.
    private static let configured: Void = {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            openblas_set_num_threads(1)
        }
    }()

    /// C (m x n) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C, all row-major.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
                     _ b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = configured
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.initialize(repeating: 0, count: m * ldc) }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
