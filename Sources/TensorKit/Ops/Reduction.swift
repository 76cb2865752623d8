// Sums, means and argmax, over everything or along one axis.

extension Tensor {
    /// The sum of all elements, a scalar.
    public func sum() -> Tensor {
        let out = Tensor(uninitialized: [])
        let p = data
        var s: Double = 0  // Double: sums of many Floats lose digits otherwise
        for i in 0..<count { s += Double(p[i]) }
        out.data[0] = Float(s)
        if Tensor.recording(self) {
            out.record([self]) { [self] g in
                let v = g.data[0]
                withGradBuffer { d, fresh in storeOrAdd(d, fresh, count) { _ in v } }
            }
        }
        return out
    }

    /// The mean of all elements, a scalar.
    public func mean() -> Tensor { sum() / Float(count) }

    /// Sums along `axis` (negative counts from the end), keeping it as size 1 if `keepDims`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = normalizeAxis(axis, rank: rank, op: "sum")
        let (outer, d, inner) = splitAt(ax)
        var outShape = shape
        if keepDims { outShape[ax] = 1 } else { outShape.remove(at: ax) }
        let out = Tensor.zeros(outShape)
        let x = data, y = out.data
        // out[o, i] = sum_j x[o, j, i]
        for o in 0..<outer {
            for j in 0..<d {
                let src = x + (o * d + j) * inner, dst = y + o * inner
                for i in 0..<inner { dst[i] += src[i] }
            }
        }
        if Tensor.recording(self) {
            out.record([self]) { [self] g in
                let gp = g.data
                // dx[o, j, i] = g[o, i]
                withGradBuffer { dx, fresh in
                    for o in 0..<outer {
                        for j in 0..<d {
                            let dst = dx + (o * d + j) * inner, src = gp + o * inner
                            if fresh {
                                for i in 0..<inner { dst[i] = src[i] }
                            } else {
                                for i in 0..<inner { dst[i] += src[i] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = normalizeAxis(axis, rank: rank, op: "mean")
        return sum(axis: ax, keepDims: keepDims) / Float(shape[ax])
    }

    /// The index of the largest element along `axis` (the first one on ties); not differentiable.
    public func argmax(axis: Int) -> IntTensor {
        let ax = normalizeAxis(axis, rank: rank, op: "argmax")
        let (outer, d, inner) = splitAt(ax)
        var outShape = shape
        outShape.remove(at: ax)
        var result = [Int](repeating: 0, count: outer * inner)
        let x = data
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = x[o * d * inner + i]
                for j in 1..<max(d, 1) where x[(o * d + j) * inner + i] > bestValue {
                    best = j
                    bestValue = x[(o * d + j) * inner + i]
                }
                result[o * inner + i] = best
            }
        }
        return IntTensor(result, shape: outShape)
    }

    /// The shape seen as (outer, shape[axis], inner) around `axis`.
    func splitAt(_ axis: Int) -> (outer: Int, dim: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }
}
