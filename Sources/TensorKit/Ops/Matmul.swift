/// Matrix product: a (n, k) x b (k, m) -> (n, m); a may have leading batch dimensions,
/// (..., n, k) x (k, m) -> (..., n, m), which are flattened into rows.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    guard a.rank >= 2, b.rank == 2, a.shape[a.rank - 1] == b.shape[0] else {
        shapeMismatch("matmul", a.shape, b.shape)
    }
    let k = b.shape[0], m = b.shape[1]
    let n = a.count / max(k, 1)
    // out: (n, m), computed when first read, so that a following `+` can accumulate into it
    // (LazyProduct). A one-hot row of a selects one row of b: a gather, not an n*k*m product.
    let out = Tensor(
        pending: .product(LazyProduct(products: [(a, b)], biases: [], rows: n, cols: m)),
        shape: Array(a.shape.dropLast()) + [m])
    if Tensor.recording(a, b) {
        out.record([a, b]) { g in
            // g: (n, m); da = g b^T (n, k); db = a^T g (k, m)
            if let (hot, first) = a.oneHotRows(width: k) {
                b.withZeroedGradBuffer { db in oneHotScatterAdd(hot, rowOffset: first, rows: n, g.data, m, db) }
                return
            }
            productBackward(rows: n, k: k, m: m, a: a, b: b, g: g)
        }
    }
    return out
}

/// out[r] = table[hot.indices[rowOffset + r]] for `rows` rows of width `width`.
func oneHotGather(
    _ hot: OneHotIndices, rowOffset: Int, rows: Int, _ table: UnsafePointer<Float>,
    _ width: Int, _ out: UnsafeMutablePointer<Float>
) {
    hot.indices.withUnsafeBufferPointer { idx in
        for r in 0..<rows {
            // rows are short: a plain loop beats a memmove call per row
            let src = table + Int(idx[rowOffset + r]) * width, dst = out + r * width
            for j in 0..<width { dst[j] = src[j] }
        }
    }
}

/// table[hot.indices[rowOffset + r]] += g[r]: the gradient of a gather. Two rows may hit the
/// same table row, so the worker pool splits the columns, not the rows.
func oneHotScatterAdd(
    _ hot: OneHotIndices, rowOffset: Int, rows: Int, _ g: UnsafePointer<Float>,
    _ width: Int, _ table: UnsafeMutablePointer<Float>
) {
    hot.indices.withUnsafeBufferPointer { idx in
        Parallel.forRanges(width, align: 16, work: rows * width) { cols in
            for r in 0..<rows {
                let dst = table + Int(idx[rowOffset + r]) * width + cols.lowerBound
                let src = g + r * width + cols.lowerBound
                for j in 0..<cols.count { dst[j] += src[j] }
            }
        }
    }
}

/// Both gradients of out = a b, a (n, k), b (k, m), from g (n, m), in one pass over blocks of
/// the n rows: each block writes its rows of da = g b^T and its own partial db = a^T g, and the
/// partials are added in block order afterwards. A block's rows of a and g are the rows its
/// thread computed in the forward pass, so they are still in that core's cache; and the blocks
/// depend only on n, so db is the same whatever the number of threads.
func productBackward(rows n: Int, k: Int, m: Int, a: Tensor, b: Tensor, g: Tensor) {
    var da: UnsafeMutablePointer<Float>?, daFresh = false
    var db: UnsafeMutablePointer<Float>?, dbFresh = false
    // the buffers stay alive as the tensors' gradients
    a.withGradBuffer { p, fresh in (da, daFresh) = (p, fresh) }
    b.withGradBuffer { p, fresh in (db, dbFresh) = (p, fresh) }
    if da == nil && db == nil { return }
    let bp = UnsafePointer(b.data), gp = UnsafePointer(g.data)
    // a is read only for db; a deferred stack is read part by part, where its rows are
    let aRows = db == nil ? nil : StoredRows(a, width: k)
    /// c (k, m) = beta c + a[rows]^T g[rows]; split at part boundaries the sum runs in the same order.
    func addATG(_ rows: Range<Int>, into c: UnsafeMutablePointer<Float>, beta: Float) {
        var beta = beta
        aRows!.forEachRun(rows) { run, ap in
            BLAS.gemm(
                transA: true, m: k, n: m, k: run.count, ap, lda: k, gp + run.lowerBound * m, ldb: m, beta: beta, c,
                ldc: m)
            beta = 1
        }
    }
    let blockRows = productBlockRows(n)
    let blocks = (n + blockRows - 1) / blockRows
    if blocks == 1 || db == nil {
        if let da {
            BLAS.gemm(transB: true, m: n, n: k, k: m, gp, lda: m, bp, ldb: m, beta: daFresh ? 0 : 1, da, ldc: k)
        }
        if let db { addATG(0..<n, into: db, beta: dbFresh ? 0 : 1) }
        return
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: blocks * k * m) { buffer in
        let partials = buffer.baseAddress!
        Parallel.forBlocks(n, size: blockRows) { block, rows in
            let r0 = rows.lowerBound
            if let da {
                BLAS.gemm(
                    transB: true, m: rows.count, n: k, k: m, gp + r0 * m, lda: m, bp, ldb: m,
                    beta: daFresh ? 0 : 1, da + r0 * k, ldc: k)
            }
            addATG(rows, into: partials + block * k * m, beta: 0)
        }
        let db = db!, size = k * m
        if dbFresh { db.update(from: partials, count: size) } else { addInPlace(db, partials, size) }
        for block in 1..<blocks { addInPlace(db, partials + block * size, size) }
    }
}

/// Rows per block of productBackward: whole multiples of the gemm kernel's 8 rows, at most 8
/// blocks, none under 128 rows (smaller ones cost more to hand out than they save).
func productBlockRows(_ n: Int) -> Int {
    let blocks = min(8, max(1, n / 256))
    return ((n + blocks - 1) / blocks + 7) / 8 * 8
}
