/// An n-dimensional array of integers (token ids, class labels); never differentiable.
public struct IntTensor: Equatable, CustomStringConvertible {
    /// The size of each dimension.
    public var shape: [Int]
    /// The elements in row-major order.
    public var values: [Int]

    /// Makes an integer tensor from row-major values.
    public init(_ values: [Int], shape: [Int]) {
        let n = checkedCount(shape, op: "IntTensor")
        if values.count != n {
            fatalError("IntTensor: \(values.count) values do not fill shape \(shape) (\(n) elements)")
        }
        self.values = values
        self.shape = shape
    }

    /// Makes a 1-D integer tensor.
    public init(_ values: [Int]) { self.init(values, shape: [values.count]) }

    /// The number of elements.
    public var count: Int { values.count }
    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The transpose of a 2-D tensor.
    public func transposed() -> IntTensor {
        if rank != 2 { fatalError("transposed: expected a 2-D IntTensor, got shape \(shape)") }
        let r = shape[0], c = shape[1]
        let out = [Int](unsafeUninitializedCapacity: values.count) { dst, written in
            values.withUnsafeBufferPointer { src in
                // in tiles of 16 rows, so the writes go to a few lines at a time
                for i0 in stride(from: 0, to: r, by: 16) {
                    for j in 0..<c {
                        for i in i0..<min(i0 + 16, r) { dst[j * r + i] = src[i * c + j] }
                    }
                }
            }
            written = values.count
        }
        return IntTensor(out, shape: [c, r])
    }

    /// The same values with a new shape; one dimension may be -1.
    public func reshaped(_ newShape: [Int]) -> IntTensor {
        IntTensor(values, shape: resolveShape(newShape, count: count, from: shape, op: "reshaped"))
    }

    /// Element `i` along axis 0 (the axis is dropped).
    public subscript(i: Int) -> IntTensor {
        if rank == 0 || i < 0 || i >= shape[0] {
            fatalError("IntTensor subscript: index \(i) out of range for shape \(shape)")
        }
        let row = count / shape[0]
        return IntTensor(Array(values[(i * row)..<((i + 1) * row)]), shape: Array(shape.dropFirst()))
    }

    /// Rows `r` along axis 0 (also written `x[r]`).
    public subscript(r: Range<Int>) -> IntTensor { self[rows: r] }

    /// Rows `r` along axis 0.
    public subscript(rows r: Range<Int>) -> IntTensor {
        if rank == 0 || r.lowerBound < 0 || r.upperBound > shape[0] {
            fatalError("IntTensor subscript: rows \(r) out of range for shape \(shape)")
        }
        let row = count / shape[0]
        var s = shape
        s[0] = r.count
        return IntTensor(Array(values[(r.lowerBound * row)..<(r.upperBound * row)]), shape: s)
    }

    /// The rows at `idx` along axis 0, in that order (a gather, e.g. a shuffled minibatch).
    public func rows(_ idx: [Int]) -> IntTensor {
        if rank == 0 { fatalError("IntTensor rows: cannot gather rows of a scalar") }
        let row = count / max(shape[0], 1)
        var out = [Int]()
        out.reserveCapacity(idx.count * row)
        for i in idx {
            if i < 0 || i >= shape[0] { fatalError("IntTensor rows: index \(i) out of range for shape \(shape)") }
            out.append(contentsOf: values[(i * row)..<((i + 1) * row)])
        }
        var s = shape
        s[0] = idx.count
        return IntTensor(out, shape: s)
    }

    /// Compact text such as `IntTensor(shape: [2, 2], [[1, 2], [3, 4]])`.
    public var description: String {
        "IntTensor(shape: \(shape), \(formatNested(shape, values.count) { String(values[$0]) }))"
    }
}

/// `newShape` with a -1 resolved so the element count is `count`, or a trap.
func resolveShape(_ newShape: [Int], count: Int, from shape: [Int], op: String) -> [Int] {
    var s = newShape
    let unknown = s.indices.filter { s[$0] == -1 }
    if unknown.count > 1 || s.contains(where: { $0 < -1 }) { shapeMismatch(op, shape, newShape) }
    if let u = unknown.first {
        let known = s.enumerated().filter { $0.offset != u }.map { $0.element }.reduce(1, *)
        if known == 0 || count % known != 0 { shapeMismatch(op, shape, newShape) }
        s[u] = count / known
    }
    if s.reduce(1, *) != count { shapeMismatch(op, shape, newShape) }
    return s
}
