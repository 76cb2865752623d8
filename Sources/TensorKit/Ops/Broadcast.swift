// NumPy broadcasting: shapes are right-aligned, and a dimension of 1 stretches to match.

/// The broadcast shape of `a` and `b`, or a trap naming `op` and both shapes.
func broadcastShape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
    if a == b { return a }
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { shapeMismatch(op, a, b) }
    }
    return out
}

/// Strides of `shape` when read as `outShape` (0 along broadcast dimensions).
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let rank = outShape.count
    var strides = [Int](repeating: 0, count: rank)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        let o = i + rank - shape.count
        strides[o] = shape[i] == 1 ? 0 : s
        s *= shape[i]
    }
    return strides
}

/// Walks `outShape` in row-major order in runs along the last axis; `body(o, ia, ib, n, sa, sb)`
/// handles `n` outputs from flat index `o`, reading `a` from `ia` by `sa` and `b` from `ib` by `sb`.
@inline(__always)
func forEachRun(
    _ outShape: [Int], _ aStrides: [Int], _ bStrides: [Int],
    _ body: (Int, Int, Int, Int, Int, Int) -> Void
) {
    let rank = outShape.count
    if rank == 0 {
        body(0, 0, 0, 1, 0, 0)
        return
    }
    let n = outShape[rank - 1]
    let total = outShape.reduce(1, *)
    if n == 0 || total == 0 { return }
    let sa = aStrides[rank - 1], sb = bStrides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var ia = 0, ib = 0, o = 0
    while o < total {
        body(o, ia, ib, n, sa, sb)
        o += n
        // advance the multi-index over the leading dimensions
        var d = rank - 2
        while d >= 0 {
            index[d] += 1
            ia += aStrides[d]
            ib += bStrides[d]
            if index[d] < outShape[d] { break }
            ia -= aStrides[d] * outShape[d]
            ib -= bStrides[d] * outShape[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// out = f(a, b) elementwise with broadcasting; fast paths for equal shapes and scalars.
/// Inner loops index from fixed base pointers so they vectorise.
@inline(__always)
func broadcastMap(_ a: Tensor, _ b: Tensor, _ out: Tensor, _ f: (Float, Float) -> Float) {
    let pa = a.data, pb = b.data, po = out.data
    let n = out.count
    if a.count == n && b.count == n {
        for i in 0..<n { po[i] = f(pa[i], pb[i]) }
    } else if b.count == 1 {
        let s = pb[0]
        for i in 0..<n { po[i] = f(pa[i], s) }
    } else if a.count == 1 {
        let s = pa[0]
        for i in 0..<n { po[i] = f(s, pb[i]) }
    } else {
        let sa = broadcastStrides(a.shape, to: out.shape), sb = broadcastStrides(b.shape, to: out.shape)
        forEachRun(out.shape, sa, sb) { o, ia, ib, len, da, db in
            let x = pa + ia, y = pb + ib, z = po + o
            if da == 1 && db == 1 {
                for j in 0..<len { z[j] = f(x[j], y[j]) }
            } else if da == 1 && db == 0 {
                let s = y[0]
                for j in 0..<len { z[j] = f(x[j], s) }
            } else if da == 0 && db == 1 {
                let s = x[0]
                for j in 0..<len { z[j] = f(s, y[j]) }
            } else {
                for j in 0..<len { z[j] = f(x[j &* da], y[j &* db]) }
            }
        }
    }
}

/// Sums `g` (of a broadcast shape) down to `shape`, the backward of broadcasting.
func reduceToShape(_ g: Tensor, _ shape: [Int]) -> Tensor {
    if g.shape == shape { return g }
    let out = Tensor.zeros(shape)
    let po = out.data, pg = g.data
    let m = out.count
    if m == 1 {
        var s: Float = 0
        for i in 0..<g.count { s += pg[i] }
        po[0] = s
        return out
    }
    if g.shape.count > shape.count && Array(g.shape.suffix(shape.count)) == shape {
        // the bias case: sum over the leading dimensions
        addColumnSums(pg, rows: g.count / max(m, 1), cols: m, into: po)
        return out
    }
    let strides = broadcastStrides(shape, to: g.shape)
    forEachRun(g.shape, strides, strides) { o, io, _, len, so, _ in
        let src = pg + o, dst = po + io
        if so == 1 {
            for j in 0..<len { dst[j] += src[j] }
        } else {
            var s: Float = 0
            for j in 0..<len { s += src[j] }
            dst[0] += s
        }
    }
    return out
}
