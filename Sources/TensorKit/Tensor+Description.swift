import Foundation

extension Tensor: CustomStringConvertible {
    /// Compact text such as `Tensor(shape: [2, 3], [[0.1, 0.2, 0.3], [1, 2, 3]])`, 4 significant
    /// digits; large tensors show the first and last 3 entries of each long dimension.
    public var description: String {
        let p = data
        return "Tensor(shape: \(shape), \(formatNested(shape, count) { formatScalar(p[$0]) }))"
    }
}

/// A Float with 4 significant digits, as `%.4g` prints it (so `1`, `0.1235`, `1.235e+04`).
func formatScalar(_ x: Float) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return String(format: "%.4g", Double(x))
}

/// Nested brackets over a row-major array; summarised (`...`) past 1000 elements.
func formatNested(_ shape: [Int], _ count: Int, _ element: (Int) -> String) -> String {
    if shape.isEmpty { return count == 1 ? element(0) : "[]" }
    let summarize = count > 1000
    var strides = [Int](repeating: 1, count: shape.count)
    for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
    func render(_ dim: Int, _ base: Int) -> String {
        let n = shape[dim]
        var indices: [Int?] = Array(0..<n)
        if summarize && n > 6 { indices = [0, 1, 2, nil, n - 3, n - 2, n - 1] }
        let parts = indices.map { i -> String in
            guard let i else { return "..." }
            return dim == shape.count - 1 ? element(base + i) : render(dim + 1, base + i * strides[dim])
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }
    return render(0, 0)
}
