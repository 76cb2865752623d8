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
    let out = Tensor.pending(LazyProduct(products: [(a, b)], biases: [], rows: n, cols: m),
                             shape: Array(a.shape.dropLast()) + [m])
    if Tensor.recording(a, b) {
        out.record([a, b]) { g in
            // g: (n, m); da = g b^T (n, k); db = a^T g (k, m)
            a.withGradBuffer { da, fresh in
                BLAS.gemm(transB: true, m: n, n: k, k: m, g.data, lda: m, b.data, ldb: m,
                          beta: fresh ? 0 : 1, da, ldc: k)
            }
            if let hot = a.oneHot {
                b.withZeroedGradBuffer { db in
                    oneHotScatterAdd(hot, rowOffset: a.offset / k, rows: n, g.data, m, db)
                }
            } else {
                b.withGradBuffer { db, fresh in
                    BLAS.gemm(transA: true, m: k, n: m, k: n, a.data, lda: k, g.data, ldb: m,
                              beta: fresh ? 0 : 1, db, ldc: m)
                }
            }
        }
    }
    return out
}

/// out[r] = table[hot.indices[rowOffset + r]] for `rows` rows of width `width`.
func oneHotGather(_ hot: OneHotIndices, rowOffset: Int, rows: Int, _ table: UnsafePointer<Float>,
                  _ width: Int, _ out: UnsafeMutablePointer<Float>) {
    hot.indices.withUnsafeBufferPointer { idx in
        for r in 0..<rows {
            // rows are short: a plain loop beats a memmove call per row
            let src = table + Int(idx[rowOffset + r]) * width, dst = out + r * width
            for j in 0..<width { dst[j] = src[j] }
        }
    }
}

/// table[hot.indices[rowOffset + r]] += g[r]: the gradient of a gather.
func oneHotScatterAdd(_ hot: OneHotIndices, rowOffset: Int, rows: Int, _ g: UnsafePointer<Float>,
                      _ width: Int, _ table: UnsafeMutablePointer<Float>) {
    hot.indices.withUnsafeBufferPointer { idx in
        for r in 0..<rows {
            let dst = table + Int(idx[rowOffset + r]) * width
            let src = g + r * width
            for j in 0..<width { dst[j] += src[j] }
        }
    }
}
