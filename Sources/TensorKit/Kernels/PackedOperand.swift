import TensorKitKernels

/// The right-hand operand of many products, packed once for TensorKit's packed kernel: a
/// recurrent layer's W_hh^T (forward) or W_hh (backward), which every step of a sequence
/// multiplies. Without it each step's product packs the same weights again (up to 12 MB a step
/// for a 1024-unit GRU). Shapes that another kernel runs (the small-shape AVX-512 kernel, the
/// portable path) keep B as it is; either way `product` gives the bits BLAS.gemm gives.
final class PackedOperand {
    /// op(B) is k x n.
    let k: Int, n: Int
    /// B itself, held so that its buffer lives as long as this operand, and its values, read
    /// here on the calling thread (reading a tensor may compute a pending value), so that worker
    /// threads may multiply by it.
    private let b: Tensor, bP: UnsafePointer<Float>
    private let ldb: Int, transB: Bool
    private let packed: UnsafeMutablePointer<Float>?
    private let isa: tk_gemm_isa

    /// op(B) = B (k x n, row stride ldb, from b.data), or B^T when transB; B must not change
    /// while this operand is used.
    init(transB: Bool = false, k: Int, n: Int, _ b: Tensor, ldb: Int) {
        self.k = k
        self.n = n
        self.b = b
        bP = UnsafePointer(b.data)
        self.ldb = ldb
        self.transB = transB
        isa = BLAS.packedISA
        if k == 0 || n == 0 || BLAS.productKernel(transA: false, transB: transB, n: n, k: k) != .packed {
            packed = nil
            return
        }
        let floats = tk_gemm_packed_b_floats(isa, k, n)
        packed = UnsafeMutablePointer<Float>.allocate(capacity: floats)
        tk_gemm_pack_b(isa, k, n, bP, transB ? 1 : ldb, transB ? ldb : 1, packed)
    }

    /// The matrix w (k x n) as the right-hand operand.
    convenience init(_ w: Tensor) { self.init(k: w.shape[0], n: w.shape[1], w, ldb: w.shape[1]) }

    /// The transpose of the matrix w (n x k) as the right-hand operand, copied into a
    /// contiguous (k x n) buffer first (the kernels' shapes then do not depend on w's layout).
    static func transpose(of w: Tensor) -> PackedOperand { PackedOperand(permuted(w, [1, 0])) }

    deinit { packed?.deallocate() }

    /// C (m x n, row stride ldc) = A (m x k, row stride lda) op(B) + beta * C, beta 0 or 1.
    func product(
        m: Int, _ a: UnsafePointer<Float>, lda: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(beta == 0 || beta == 1, "PackedOperand.product: beta must be 0 or 1, got \(beta)")
        guard let packed else {
            BLAS.gemm(transB: transB, m: m, n: n, k: k, a, lda: lda, bP, ldb: ldb, beta: beta, c, ldc: ldc)
            return
        }
        if m == 0 { return }
        let (isa, n, k) = (isa, n, k)
        BLAS.splitPacked(isa, m: m, n: n, k: k) { rows, cols in
            tk_sgemm_prepacked(
                isa, rows.count, cols.count, k, a + rows.lowerBound * lda, lda, 1, packed, cols.lowerBound, n,
                beta, nil, c + rows.lowerBound * ldc + cols.lowerBound, ldc)
        }
    }
}
