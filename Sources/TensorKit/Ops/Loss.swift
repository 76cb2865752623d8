import Foundation
import TensorKitKernels

/// Softmax along `axis`: exp(x - max) / sum(exp(x - max)).
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let ax = normalizeAxis(axis, rank: x.rank, op: "softmax")
    if ax != x.rank - 1 {
        // move the axis last, where rows are contiguous, and back
        return softmax(x.swapAxes(ax, x.rank - 1), axis: -1).swapAxes(ax, x.rank - 1)
    }
    let c = x.shape[ax], rows = x.count / max(c, 1)
    let out = Tensor(uninitialized: x.shape)
    let lse = Tensor(uninitialized: [rows])
    softmaxRows(x.data, out.data, lse: lse.data, rows: rows, cols: c)
    if Tensor.recording(x) {
        let y = out.detached()
        out.record([x]) { g in
            // dx = y * (g - sum_j g_j y_j), per row
            let gp = g.data, yp = y.data
            x.withGradBuffer { dx, fresh in
                for r in 0..<rows {
                    let gr = gp + r * c, yr = yp + r * c, d = dx + r * c
                    var dot: Float = 0
                    for j in 0..<c { dot += gr[j] * yr[j] }
                    storeOrAdd(d, fresh, c) { yr[$0] * (gr[$0] - dot) }
                }
            }
        }
    }
    return out
}

/// Row-wise softmax of a (rows, cols) buffer into y; writes each row's log-sum-exp into lse.
func softmaxRows(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
    rows: Int, cols c: Int
) {
    // rows are independent: split them across the worker pool
    Parallel.forRanges(rows, work: 8 * rows * c) { r in
        let o = r.lowerBound
        softmaxRowBlock(x + o * c, y + o * c, lse: lse + o, rows: r.count, cols: c)
    }
}

private func softmaxRowBlock(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
    lse: UnsafeMutablePointer<Float>, rows: Int, cols c: Int
) {
    if BLAS.avx512 {
        tk_softmax_rows_avx512(x, y, lse, rows, c)
        return
    }
    // y = x - rowmax, then one vectorised exp over the whole buffer
    for r in 0..<rows {
        let xr = x + r * c, yr = y + r * c
        var m = -Float.infinity
        for j in 0..<c { m = max(m, xr[j]) }
        for j in 0..<c { yr[j] = xr[j] - m }
        lse[r] = m
    }
    vExp(y, y, rows * c)
    for r in 0..<rows {
        let yr = y + r * c
        var s: Float = 0
        for j in 0..<c { s += yr[j] }
        let inv = 1 / s
        for j in 0..<c { yr[j] *= inv }
        lse[r] += Foundation.log(s)
    }
}

/// Mean cross-entropy of logits (N, C) against N class indices: fused log-softmax and
/// negative log-likelihood, stable for any logit size.
public func crossEntropy(_ logits: Tensor, _ targets: IntTensor) -> Tensor {
    guard logits.rank == 2, targets.count == logits.shape[0] else {
        shapeMismatch("crossEntropy", logits.shape, targets.shape)
    }
    let n = logits.shape[0], c = logits.shape[1]
    for t in targets.values where t < 0 || t >= c {
        fatalError("crossEntropy: target \(t) is out of range for \(c) classes")
    }
    // Logits that are a deferred swapAxes(0, 1) of time-major (a, b, c) logits, flattened (a
    // language model's): read the rows where they are, in that order, so the swap is never
    // copied either way. Source row q is logits row (q % b) * a + q / b.
    let x: UnsafePointer<Float>, source: Tensor?
    switch logits.rows(width: c) {
    case .swapped(let s): (x, source) = (UnsafePointer(s.data), s)
    default: (x, source) = (UnsafePointer(logits.data), nil)
    }
    let a = source?.shape[0] ?? 1, b = source?.shape[1] ?? n
    let probs = Tensor(uninitialized: [n, c])  // in the rows' own order; kept for backward
    let lseTensor = Tensor(uninitialized: [n])
    let lse = lseTensor.data
    let recording = Tensor.recording(logits)
    let p = probs.data, invN = 1 / Float(max(n, 1))
    // One pass over row blocks: the block's softmax, its share of the loss (added up in block
    // order, so the total does not depend on the thread count) and, when training, dloss/dlogits
    // = (softmax - onehot(target)) / N while the rows are in cache; backward then hands the
    // buffer over as it is when the upstream gradient is 1 (a loss).
    let blockRows = 4096
    var partials = [Double](repeating: 0, count: (n + blockRows - 1) / blockRows)
    partials.withUnsafeMutableBufferPointer { partial in
        targets.values.withUnsafeBufferPointer { t in
            let swapped = source != nil
            @inline(__always) func target(_ q: Int) -> Int { swapped ? t[(q % b) * a + q / b] : t[q] }
            Parallel.forBlocks(n, size: blockRows) { block, rows in
                let r0 = rows.lowerBound
                softmaxRows(x + r0 * c, p + r0 * c, lse: lse + r0, rows: rows.count, cols: c)
                var sum: Double = 0
                for r in rows { sum += Double(lse[r] - x[r * c + target(r)]) }
                partial[block] = sum
                guard recording else { return }
                let rowsP = p + r0 * c, count = rows.count * c
                if BLAS.avx512 { tk_scale_avx512(rowsP, invN, count) } else { for i in 0..<count { rowsP[i] *= invN } }
                for r in rows { p[r * c + target(r)] -= invN }
            }
        }
    }
    let total = partials.reduce(0, +)
    let out = Tensor(Float(total / Double(max(n, 1))))
    if recording {
        // with a deferred swap the gradient is in the source's order: it goes to the source
        // directly, and the swap (which gets none) is skipped in backward
        let receiver = source ?? logits
        out.record([logits]) { g in
            let scale = g.data[0]
            if scale == 1 {
                receiver.accumulateGrad(probs.viewAs(receiver.shape), owned: true)
                return
            }
            let p = probs.data
            receiver.withGradBuffer { d, fresh in storeOrAdd(d, fresh, n * c) { p[$0] * scale } }
        }
    }
    return out
}

/// One-hot encoding: shape indices.shape + [numClasses], 1 at each index. Matmul with the
/// result gathers rows rather than multiplying by zeros.
public func oneHot(_ indices: IntTensor, _ numClasses: Int) -> Tensor {
    var idx = [Int32](repeating: 0, count: indices.count)
    for (i, v) in indices.values.enumerated() {
        if v < 0 || v >= numClasses { fatalError("oneHot: index \(v) is out of range for \(numClasses) classes") }
        idx[i] = Int32(v)
    }
    // the dense elements are written only if someone reads them
    return Tensor(
        pending: .oneHot(OneHotIndices(indices: idx, numClasses: numClasses)), shape: indices.shape + [numClasses])
}

/// Rows of `weight` (V, D) picked by `indices`: shape indices.shape + [D]; differentiable in weight.
public func embedding(_ weight: Tensor, _ indices: IntTensor) -> Tensor {
    guard weight.rank == 2 else { shapeMismatch("embedding", weight.shape, indices.shape) }
    let v = weight.shape[0], d = weight.shape[1]
    var idx = [Int32](repeating: 0, count: indices.count)
    for (i, t) in indices.values.enumerated() {
        if t < 0 || t >= v { fatalError("embedding: index \(t) is out of range for \(v) rows") }
        idx[i] = Int32(t)
    }
    let hot = OneHotIndices(indices: idx, numClasses: v)
    let out = Tensor(uninitialized: indices.shape + [d])
    oneHotGather(hot, rowOffset: 0, rows: idx.count, weight.data, d, out.data)
    if Tensor.recording(weight) {
        out.record([weight]) { g in
            weight.withZeroedGradBuffer { dw in oneHotScatterAdd(hot, rowOffset: 0, rows: idx.count, g.data, d, dw) }
        }
    }
    return out
}

/// Zeroes each element with probability p and scales the rest by 1/(1-p), in training only.
public func dropout(_ x: Tensor, p: Float, training: Bool) -> Tensor {
    if !training || p == 0 { return x }
    if p < 0 || p > 1 { fatalError("dropout: probability \(p) is not in [0, 1]") }
    let mask = Tensor(uninitialized: x.shape)
    let m = mask.data
    let keep = 1 - p, scale: Float = p == 1 ? 0 : 1 / (1 - p)
    for i in 0..<x.count { m[i] = GlobalRandom.generator.nextFloat() < keep ? scale : 0 }
    let out = Tensor(uninitialized: x.shape)
    let xp = x.data, y = out.data
    for i in 0..<x.count { y[i] = xp[i] * m[i] }
    if Tensor.recording(x) {
        out.record([x]) { g in
            let gp = g.data, m = mask.data  // through the tensor, which the closure keeps alive
            x.withGradBuffer { dx, fresh in storeOrAdd(dx, fresh, x.count) { gp[$0] * m[$0] } }
        }
    }
    return out
}
