import TensorKitKernels

// Reshapes and views (no copy), transposes, slicing, split / stack / concat.

extension Tensor {
    /// A view of `self` as `shape` (same storage, no graph).
    func viewAs(_ newShape: [Int]) -> Tensor { Tensor(view: storage, offset: offset, shape: newShape) }

    /// The same elements with a new shape; one dimension may be -1. Shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let s = resolveShape(newShape, count: count, from: shape, op: "reshaped")
        let out = viewAs(s)
        if Tensor.recording(self) {
            out.record([self]) { [self] g in accumulateGrad(g.viewAs(shape), owned: GradMode.incomingOwned) }
        }
        return out
    }

    /// The transpose of a 2-D tensor (a copy).
    public func transposed() -> Tensor {
        if rank != 2 { fatalError("transposed: expected a 2-D tensor, got shape \(shape)") }
        return swapAxes(0, 1)
    }

    /// Exchanges two axes (a copy, so the result stays contiguous).
    public func swapAxes(_ a: Int, _ b: Int) -> Tensor {
        let a = normalizeAxis(a, rank: rank, op: "swapAxes"), b = normalizeAxis(b, rank: rank, op: "swapAxes")
        if a == b { return reshaped(shape) }
        var perm = Array(0..<rank)
        perm.swapAt(a, b)
        let out: Tensor
        if perm == [1, 0, 2] && deferrable {
            // A recorded result (never written again), time-major logits turned batch-major: the
            // copy is deferred until someone reads it, and crossEntropy reads the rows in place.
            out = Tensor(pending: .swapped(self), shape: perm.map { shape[$0] })
        } else {
            out = permuted(self, perm)
        }
        if Tensor.recording(self) {
            out.record([self]) { [self] g in accumulateGrad(permuted(g, perm), owned: true) }
        }
        return out
    }

    /// Element `i` along axis 0, dropping the axis (a view).
    public subscript(i: Int) -> Tensor {
        if rank == 0 || i < 0 || i >= shape[0] {
            fatalError("subscript: index \(i) is out of range for shape \(shape)")
        }
        let row = count / shape[0]
        let newShape = Array(shape.dropFirst())
        return sliceRows(i * row, row, newShape)
    }

    /// Rows `r` along axis 0 (a view).
    public subscript(r: Range<Int>) -> Tensor {
        if rank == 0 || r.lowerBound < 0 || r.upperBound > shape[0] {
            fatalError("subscript: range \(r) is out of range for shape \(shape)")
        }
        let row = count / max(shape[0], 1)
        var newShape = shape
        newShape[0] = r.count
        return sliceRows(r.lowerBound * row, r.count * row, newShape)
    }

    /// The contiguous elements [start, start+n) as `newShape`, differentiable.
    private func sliceRows(_ start: Int, _ n: Int, _ newShape: [Int]) -> Tensor {
        if let part = stackPart(elements: offset + start, count: n) {
            // Exactly one part of a deferred stack: a view of that part, so the stack is never
            // copied, and its gradient goes straight to the part (the stack's own backward, which
            // comes later, hands the part only what other readers of the whole sent).
            let out = Tensor(view: part.storage, offset: part.offset, shape: newShape)
            if Tensor.recording(self) {
                out.record([self]) { g in part.accumulateGrad(g.viewAs(part.shape), owned: GradMode.incomingOwned) }
            }
            return out
        }
        let out = Tensor(view: storage, offset: offset + start, shape: newShape)
        if Tensor.recording(self) {
            out.record([self]) { [self] g in
                let gp = g.data
                withZeroedGradBuffer { d in addInPlace(d + start, gp, n) }
            }
        }
        return out
    }

    /// Splits into `parts` equal pieces along `axis`.
    public func split(_ parts: Int, axis: Int) -> [Tensor] {
        let ax = normalizeAxis(axis, rank: rank, op: "split")
        if parts <= 0 || shape[ax] % parts != 0 {
            fatalError("split: dimension \(ax) of shape \(shape) does not split into \(parts) equal parts")
        }
        let size = shape[ax] / parts
        return (0..<parts).map { slice(axis: ax, start: $0 * size, length: size) }
    }

    /// Elements start..<start+length along `axis` (a copy), differentiable.
    func slice(axis ax: Int, start: Int, length: Int) -> Tensor {
        let (outer, d, inner) = splitAt(ax)
        var outShape = shape
        outShape[ax] = length
        let out = Tensor(uninitialized: outShape)
        let x = data, y = out.data
        // x: (outer, d, inner) -> y: (outer, length, inner)
        for o in 0..<outer {
            copyFloats(x + (o * d + start) * inner, y + o * length * inner, length * inner)
        }
        if Tensor.recording(self) {
            out.record([self]) { [self] g in
                let gp = g.data
                withZeroedGradBuffer { dx in
                    for o in 0..<outer {
                        addInPlace(dx + (o * d + start) * inner, gp + o * length * inner, length * inner)
                    }
                }
            }
        }
        return out
    }

    /// Joins tensors of the same shape along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        guard let first = tensors.first else { fatalError("stack: needs at least one tensor") }
        let ax = normalizeAxis(axis, rank: first.rank + 1, op: "stack")
        for t in tensors where t.shape != first.shape { shapeMismatch("stack", first.shape, t.shape) }
        var s = first.shape
        s.insert(1, at: ax)
        return concat(tensors.map { $0.reshaped(s) }, axis: ax)
    }

    /// Joins tensors along an existing axis; the other dimensions must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        guard let first = tensors.first else { fatalError("concat: needs at least one tensor") }
        let ax = normalizeAxis(axis, rank: first.rank, op: "concat")
        var outShape = first.shape
        outShape[ax] = 0
        for t in tensors {
            var a = t.shape, b = first.shape
            if a.count == b.count {
                a[ax] = 0
                b[ax] = 0
            }
            if a != b { shapeMismatch("concat", first.shape, t.shape) }
            outShape[ax] += t.shape[ax]
        }
        let outer = first.shape[..<ax].reduce(1, *), inner = first.shape[(ax + 1)...].reduce(1, *)
        let total = outShape[ax]
        var start = 0
        var starts: [Int] = []
        for t in tensors {
            starts.append(start)
            start += t.shape[ax]
        }
        let out: Tensor
        if outer == 1 && tensors.count > 1
            && tensors.allSatisfy({ $0.count == first.count && $0.deferrable })
        {
            // Equal parts along axis 0 that are results of recorded ops (never written again): the
            // copy is deferred until someone reads the whole. An RNN's stacked step outputs are
            // read back one step at a time (sliceRows) or by one matrix product (LazyProduct),
            // which read the parts where they are.
            out = Tensor(pending: .stack(tensors), shape: outShape)
        } else {
            out = Tensor(uninitialized: outShape)
            copyParts(tensors, into: out.data, axis: ax, outer: outer, inner: inner, total: total, starts: starts)
        }
        if recording(tensors) {
            out.record(tensors) { g in
                let gp = g.data, owned = GradMode.incomingOwned  // slices are disjoint: each may own its own
                for (t, s) in zip(tensors, starts) where t.requiresGrad {
                    let d = t.shape[ax]
                    if outer == 1 {
                        // each part's gradient is a contiguous piece of g: lend a view, copy nothing
                        t.accumulateGrad(
                            Tensor(view: g.storage, offset: g.offset + s * inner, shape: t.shape),
                            owned: owned)
                        continue
                    }
                    t.withGradBuffer { dx, fresh in
                        for o in 0..<outer {
                            let dst = dx + o * d * inner, src = gp + (o * total + s) * inner
                            if fresh { copyFloats(src, dst, d * inner) } else { addInPlace(dst, src, d * inner) }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// concat's copy: part p goes to y from (o * total + starts[p]) * inner for each outer index o.
private func copyParts(
    _ tensors: [Tensor], into y: UnsafeMutablePointer<Float>, axis ax: Int, outer: Int, inner: Int,
    total: Int, starts: [Int]
) {
    // read every part on this thread first: reading may compute a pending value
    let sources = tensors.map { UnsafePointer($0.data) }
    Parallel.forRanges(tensors.count, work: outer * total * inner) { parts in
        for p in parts {
            let d = tensors[p].shape[ax], x = sources[p], s = starts[p]
            for o in 0..<outer { copyFloats(x + o * d * inner, y + (o * total + s) * inner, d * inner) }
        }
    }
}

/// A contiguous copy of `x` with its axes reordered: out axis i is x's axis perm[i] (no graph).
func permuted(_ x: Tensor, _ perm: [Int]) -> Tensor {
    let out = Tensor(uninitialized: perm.map { x.shape[$0] })
    permute(x, perm, into: out.data)
    return out
}

/// Writes `x` with its axes reordered (out axis i is x's axis perm[i]) into dst.
func permute(_ x: Tensor, _ perm: [Int], into dst: UnsafeMutablePointer<Float>) {
    if x.rank == 2 && perm == [1, 0] && BLAS.kernels != .portable {
        // a matrix's transpose (a weight's, each forward pass) in 8 x 8 blocks, not a gather
        // that jumps a row of x for every float
        let rows = x.shape[0], cols = x.shape[1], src = UnsafePointer(x.data)
        Parallel.forRanges(cols, align: 8, work: rows * cols) { r in
            tk_transpose_avx2(rows, cols, src, dst, r.lowerBound, r.upperBound)
        }
        return
    }
    let outShape = perm.map { x.shape[$0] }
    var inStrides = [Int](repeating: 1, count: x.rank)
    for d in stride(from: x.rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * x.shape[d + 1] }
    let strides = perm.map { inStrides[$0] }
    let src = x.data
    if x.rank == 3 && perm == [1, 0, 2] {
        // (a, b, c) -> (b, a, c): rows of c move as blocks (swapAxes(0, 1) of time-major data)
        // in tiles of 16 rows, so reads run along memory instead of jumping b*c floats each row
        let a = x.shape[0], b = x.shape[1], c = x.shape[2]
        if BLAS.avx512 && c <= 64 {
            Parallel.forRanges(b, align: 16, work: a * b * c) { r in
                tk_swap01_rows_avx512(src, dst, a, b, c, r.lowerBound, r.upperBound)
            }
            return
        }
        for i0 in stride(from: 0, to: b, by: 16) {
            for j in 0..<a {
                for i in i0..<min(i0 + 16, b) { copyFloats(src + (j * b + i) * c, dst + (i * a + j) * c, c) }
            }
        }
        return
    }
    forEachRun(outShape, strides, strides) { o, i, _, n, s, _ in
        if s == 1 { copyFloats(src + i, dst + o, n) } else { for j in 0..<n { dst[o + j] = src[i + j * s] } }
    }
}

/// Copies n floats; short runs use a loop, which beats a memmove call per row.
@inline(__always) func copyFloats(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
    if n >= 256 { dst.update(from: src, count: n) } else { for i in 0..<n { dst[i] = src[i] } }
}
