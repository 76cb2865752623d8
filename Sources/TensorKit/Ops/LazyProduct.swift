// Deferred matrix products, so that `matmul(X, W_xh) + matmul(H, W_hh) + b_h` (the chapter's
// RNN step) runs as ONE output buffer: bias rows, then each product accumulated into it by
// the gemm (beta = 1), instead of three buffers and two extra elementwise passes.
//
// A matmul result starts out pending (Values.product): computed on first read. `+` of pending
// products (and of a pending result and a bias row) makes a new pending sum and leaves its
// operands unread. The graph is recorded exactly as without deferral, and no backward step
// reads a matmul's or a sum's own output, so gradients are unchanged. Pending results read
// their operands late, so in-place writes (`Tensor.mutableData`) compute them first.

/// out (rows, cols) = sum of bias rows + sum of products a_i (rows, k_i) b_i (k_i, cols).
final class LazyProduct {
    private(set) var products: [(a: Tensor, b: Tensor)]
    private(set) var biases: [Tensor]
    let rows: Int, cols: Int

    init(products: [(a: Tensor, b: Tensor)], biases: [Tensor], rows: Int, cols: Int) {
        self.products = products
        self.biases = biases
        self.rows = rows
        self.cols = cols
    }

    /// Writes the value into `out`, then lets go of the operands.
    func materialize(into out: UnsafeMutablePointer<Float>) {
        compute(into: out)
        release()
    }

    /// Writes the value into `out` (another tensor's buffer: a consumer such as tanh computes
    /// the product straight into its own output), keeping the operands.
    func compute(into out: UnsafeMutablePointer<Float>) {
        computeInParallel(into: out) { _ in }
    }

    /// Computes the value into `out` in row blocks across the worker pool, and calls `then`
    /// on each block's rows (offsets into out / cols) as soon as they are done, while they
    /// are still in cache (tanh of the RNN step).
    func computeInParallel(into out: UnsafeMutablePointer<Float>, then: (Range<Int>) -> Void) {
        // operands read here, on the calling thread: reading may compute a pending value
        // (a one-hot operand is never read densely: its rows are indices; a deferred stack is
        // read part by part)
        let terms: [Term] = products.map { a, b in
            let k = b.shape[0], bp = UnsafePointer(b.data)
            if let (hot, first) = a.oneHotRows(width: k) {
                return Term(rows: nil, b: bp, k: k, hot: hot, row0: first)
            }
            return Term(rows: StoredRows(a, width: k), b: bp, k: k, hot: nil, row0: 0)
        }
        let bias = biases.map { UnsafePointer($0.data) }
        let work = rows * cols * (terms.reduce(1) { $0 + ($1.hot == nil ? $1.k : 1) })
        Parallel.forFixedBlocks(rows, align: 8, work: work) { r in
            var lo = r.lowerBound
            while lo < r.upperBound {
                // rows lo..<hi lie within one part of every stacked operand
                var hi = r.upperBound
                for t in terms { hi = t.rows?.runEnd(from: lo, limit: hi) ?? hi }
                compute(terms.map { $0.from(row: lo) }, bias, rows: lo..<hi, into: out)
                lo = hi
            }
            then(r)
        }
    }

    /// One product's left operand: rows in memory (a buffer or a stack's parts) or one-hot
    /// indices (rows from row0 on); b is (k, cols).
    private struct Term {
        let rows: StoredRows?
        let b: UnsafePointer<Float>
        let k: Int
        let hot: OneHotIndices?
        var row0: Int
        /// The first row, once `from(row:)` has placed the operand.
        var a: UnsafePointer<Float>? = nil

        /// The same operand from row `r` on (one-hot: row0 moved on by r).
        func from(row r: Int) -> Term {
            var t = self
            t.row0 += r
            t.a = rows?.row(r)
            return t
        }
    }

    /// Rows `r` of the value, into the same rows of out; each term's `a` (or row0) already
    /// points at row r.lowerBound.
    private func compute(
        _ terms: [Term], _ biases: [UnsafePointer<Float>], rows r: Range<Int>,
        into out: UnsafeMutablePointer<Float>
    ) {
        let m = cols, n = r.count, out = out + r.lowerBound * m
        var written = false
        if let b0 = biases.first {
            if biases.count == 1, let t = terms.first, t.hot == nil {
                // the common case: one bias folded into the first gemm's initial values
                BLAS.gemmBias(m: n, n: m, k: t.k, t.a!, lda: t.k, t.b, ldb: m, bias: b0, out, ldc: m)
                accumulate(terms.dropFirst(), rows: n, into: out, written: true)
                return
            }
            for i in 0..<n { copyFloats(b0, out + i * m, m) }
            for bp in biases.dropFirst() {
                for i in 0..<n {
                    let row = out + i * m
                    for j in 0..<m { row[j] += bp[j] }
                }
            }
            written = true
        }
        accumulate(terms[...], rows: n, into: out, written: written)
    }

    private func accumulate(
        _ terms: ArraySlice<Term>, rows n: Int, into out: UnsafeMutablePointer<Float>,
        written: Bool
    ) {
        var written = written
        let m = cols
        for t in terms {
            if let hot = t.hot {
                if written {
                    oneHotGatherAdd(hot, rowOffset: t.row0, rows: n, t.b, m, out)
                } else {
                    oneHotGather(hot, rowOffset: t.row0, rows: n, t.b, m, out)
                }
            } else {
                BLAS.gemm(m: n, n: m, k: t.k, t.a!, lda: t.k, t.b, ldb: m, beta: written ? 1 : 0, out, ldc: m)
            }
            written = true
        }
        if !written { out.initialize(repeating: 0, count: n * m) }
    }

    private func release() {
        products = []
        biases = []
    }

    /// The recipe for `self + other`, or nil when they do not combine.
    func adding(_ other: LazyProduct) -> LazyProduct? {
        guard rows == other.rows, cols == other.cols else { return nil }
        return LazyProduct(products: products + other.products, biases: biases + other.biases, rows: rows, cols: cols)
    }

    func adding(bias: Tensor) -> LazyProduct {
        LazyProduct(products: products, biases: biases + [bias], rows: rows, cols: cols)
    }
}

extension Tensor {
    /// a + b as a pending sum when both are pending products, or one is and the other is a bias
    /// row (m) or (1, m) for its (n, m); nil otherwise.
    static func fusedSum(_ a: Tensor, _ b: Tensor) -> Tensor? {
        if let ra = a.pendingProduct {
            if let rb = b.pendingProduct, a.shape == b.shape, let r = ra.adding(rb) {
                return Tensor(pending: .product(r), shape: a.shape)
            }
            if isBiasRow(b, for: ra) { return Tensor(pending: .product(ra.adding(bias: b)), shape: a.shape) }
        } else if let rb = b.pendingProduct, isBiasRow(a, for: rb) {
            return Tensor(pending: .product(rb.adding(bias: a)), shape: b.shape)
        }
        return nil
    }

    private static func isBiasRow(_ t: Tensor, for r: LazyProduct) -> Bool {
        (t.shape == [r.cols] || t.shape == [1, r.cols]) && t.pendingProduct == nil
    }
}

/// out[r] += table[hot.indices[rowOffset + r]].
func oneHotGatherAdd(
    _ hot: OneHotIndices, rowOffset: Int, rows: Int, _ table: UnsafePointer<Float>,
    _ width: Int, _ out: UnsafeMutablePointer<Float>
) {
    hot.indices.withUnsafeBufferPointer { idx in
        for r in 0..<rows {
            let src = table + Int(idx[rowOffset + r]) * width, dst = out + r * width
            for j in 0..<width { dst[j] += src[j] }
        }
    }
}
