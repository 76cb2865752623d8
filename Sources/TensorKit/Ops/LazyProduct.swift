// Deferred matrix products, so that `matmul(X, W_xh) + matmul(H, W_hh) + b_h` (the chapter's
// RNN step) runs as ONE output buffer: bias rows, then each product accumulated into it by
// the gemm (beta = 1), instead of three buffers and two extra elementwise passes.
//
// A matmul result starts out pending: its storage has a fill that computes it on first read.
// `+` of pending products (and of a pending result and a bias row) makes a new pending sum and
// leaves its operands unread. The graph is recorded exactly as without deferral, and no
// backward step reads a matmul's or a sum's own output, so gradients are unchanged.
// Pending results read their operands late, so every in-place write to tensor data (SGD.step,
// clipGradNorm) first computes whatever is still pending.

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
            if let hot = a.oneHot {
                return Term(a: bp, parts: [], partRows: 0, b: bp, k: k, hot: hot, row0: a.offset / k)
            }
            if let (parts, partRows) = a.stackedRows(width: k) {
                return Term(a: parts[0], parts: parts, partRows: partRows, b: bp, k: k, hot: nil, row0: 0)
            }
            return Term(a: UnsafePointer(a.data), parts: [], partRows: 0, b: bp, k: k, hot: nil, row0: 0)
        }
        let bias = biases.map { UnsafePointer($0.data) }
        let work = rows * cols * (terms.reduce(1) { $0 + ($1.hot == nil ? $1.k : 1) })
        Parallel.forFixedBlocks(rows, align: 8, work: work) { r in
            var lo = r.lowerBound
            while lo < r.upperBound {
                // rows lo..<hi lie within one part of every stacked operand
                var hi = r.upperBound
                for t in terms where t.partRows > 0 { hi = min(hi, (lo / t.partRows + 1) * t.partRows) }
                compute(terms.map { $0.from(row: lo) }, bias, rows: lo..<hi, into: out)
                lo = hi
            }
            then(r)
        }
    }

    /// One product's left operand: dense rows from `a`, the parts of a deferred stack, or
    /// one-hot indices (rows from row0 on); b is (k, cols).
    private struct Term {
        var a: UnsafePointer<Float>
        var parts: [UnsafePointer<Float>]
        var partRows: Int
        let b: UnsafePointer<Float>
        let k: Int
        let hot: OneHotIndices?
        var row0: Int

        /// The same operand with `a` pointing at row `r` (one-hot: row0 moved on by r).
        func from(row r: Int) -> Term {
            var t = self
            if hot != nil {
                t.row0 += r
            } else if partRows > 0 {
                let p = r / partRows
                t.a = parts[p] + (r - p * partRows) * k
            } else {
                t.a = a + r * k
            }
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
                BLAS.gemmBias(m: n, n: m, k: t.k, t.a, lda: t.k, t.b, ldb: m, bias: b0, out, ldc: m)
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
                BLAS.gemm(m: n, n: m, k: t.k, t.a, lda: t.k, t.b, ldb: m, beta: written ? 1 : 0, out, ldc: m)
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

/// The storages whose values are still pending, so in-place writers can compute them first.
/// An intrusive list: registering and unregistering cost two pointer writes.
enum PendingValues {
    nonisolated(unsafe) static unowned(unsafe) var head: Storage?

    static func register(_ s: Storage) {
        s.nextPending = head
        head?.prevPending = s
        head = s
        s.isRegistered = true
    }

    static func unregister(_ s: Storage) {
        guard s.isRegistered else { return }
        if let p = s.prevPending { p.nextPending = s.nextPending } else { head = s.nextPending }
        s.nextPending?.prevPending = s.prevPending
        s.prevPending = nil
        s.nextPending = nil
        s.isRegistered = false
    }

    /// Computes every pending value now (before tensor data is overwritten in place).
    static func computeAll() {
        while let s = head {
            withExtendedLifetime(s) {
                _ = s.pointer  // runs the fill, which unregisters it
                if head === s { unregister(s) }
            }
        }
    }

    /// How many values are pending (for tests).
    static var count: Int {
        var n = 0
        var s = head
        while let x = s {
            n += 1
            s = x.nextPending
        }
        return n
    }
}

extension Tensor {
    /// A pending (rows, cols)-shaped result of `recipe`, with the given shape.
    static func pending(_ recipe: LazyProduct, shape: [Int]) -> Tensor {
        let storage = Storage(capacity: recipe.rows * recipe.cols, deferred: true)
        storage.pendingFill = { p in recipe.materialize(into: p) }
        PendingValues.register(storage)
        let t = Tensor(view: storage, offset: 0, shape: shape)
        t.recipe = recipe
        return t
    }

    /// This tensor's recipe if its value is still pending (never for views).
    var pendingRecipe: LazyProduct? {
        guard let r = recipe, storage.pendingFill != nil, offset == 0, count == storage.capacity else { return nil }
        return r
    }

    /// a + b as a pending sum when both are pending products, or one is and the other is a bias
    /// row (m) or (1, m) for its (n, m); nil otherwise.
    static func fusedSum(_ a: Tensor, _ b: Tensor) -> Tensor? {
        if let ra = a.pendingRecipe {
            if let rb = b.pendingRecipe, a.shape == b.shape, let r = ra.adding(rb) { return pending(r, shape: a.shape) }
            if isBiasRow(b, for: ra) { return pending(ra.adding(bias: b), shape: a.shape) }
        } else if let rb = b.pendingRecipe, isBiasRow(a, for: rb) {
            return pending(rb.adding(bias: a), shape: b.shape)
        }
        return nil
    }

    private static func isBiasRow(_ t: Tensor, for r: LazyProduct) -> Bool {
        (t.shape == [r.cols] || t.shape == [1, r.cols]) && t.pendingRecipe == nil
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
