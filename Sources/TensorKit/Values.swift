import Foundation

// What a tensor's values are, in one place. Most tensors are a buffer. Some ops leave their
// result as a recipe instead, computed into the buffer only if someone reads the whole
// (`Tensor.data`); the consumers that know a recipe read it as it is through `rows(width:)`
// (or, for a product, `pendingProduct`). A new fusion is a new case here: its fill, its
// eligibility and how its rows read.

/// What a storage's values are.
enum Values {
    /// In the buffer, written once by the op that made it.
    case dense
    /// In the buffer, and changed in place later (a parameter: SGD, loads). No deferred value
    /// refers to such a buffer: it could change before it is read.
    case variable
    /// Bias rows plus matrix products (LazyProduct): `matmul(x, W) + matmul(h, U) + b` as one
    /// buffer, or none when a consumer such as tanh computes it into its own output.
    case product(LazyProduct)
    /// Equal parts along axis 0 (`Tensor.stack` of op results), in order: an RNN's step outputs,
    /// read back step by step or by one matrix product, straight from the parts.
    case stack([Tensor])
    /// `swapAxes(0, 1)` of an (a, b, c) op result: time-major logits seen batch-major, which
    /// crossEntropy reads in place.
    case swapped(Tensor)
    /// One-hot rows: element (r, c) is 1 exactly when c == indices[r]; products gather rows.
    /// Kept after the buffer is written, as the cheaper way to read the rows.
    case oneHot(OneHotIndices)

    /// Whether the values read tensors that may be written in place before they are computed
    /// (a product's weights), so in-place writers must compute them first (Storage.settleAll).
    /// Stacks and swaps read only op results (`deferrable`), which nothing writes again.
    var readsWritableTensors: Bool {
        if case .product = self { return true }
        return false
    }

    /// Writes the values into p (count floats). Reading the operands here may compute pending
    /// values of their own, so it runs on the calling thread before any work is handed out.
    func fill(_ p: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .dense, .variable: break
        case .product(let recipe): recipe.materialize(into: p)
        case .stack(let parts):
            let n = count / parts.count, sources = parts.map { UnsafePointer($0.data) }
            Parallel.forRanges(parts.count, work: count) { r in
                for i in r { copyFloats(sources[i], p + i * n, n) }
            }
        case .swapped(let source): permute(source, [1, 0, 2], into: p)
        case .oneHot(let hot):
            p.initialize(repeating: 0, count: count)
            for (r, v) in hot.indices.enumerated() { p[r * hot.numClasses + Int(v)] = 1 }
        }
    }
}

/// The row indices of a one-hot tensor: element (r, c) is 1 exactly when c == indices[r].
final class OneHotIndices {
    let indices: [Int32]
    let numClasses: Int
    init(indices: [Int32], numClasses: Int) {
        self.indices = indices
        self.numClasses = numClasses
    }
}

/// A tensor's values read as rows of a given width, without computing a pending value that
/// the reader can use as it is.
enum Rows {
    /// Row r at base + r * width.
    case dense(UnsafePointer<Float>)
    /// Row r in part r / rowsPerPart (a pending stack).
    case parts([UnsafePointer<Float>], rowsPerPart: Int)
    /// Row r is one-hot at indices[first + r].
    case oneHot(OneHotIndices, first: Int)
    /// The rows of swapAxes(0, 1) of `source` (a, b, width), flattened: row i * a + j is source
    /// row j * b + i. The values are never copied; a reader that takes this case reads the
    /// source's rows in their own order.
    case swapped(source: Tensor)
}

/// Rows that lie in memory, in one buffer or in a stack's parts, for readers that hand runs of
/// contiguous rows to a matrix product: one run for a buffer, one per part for a stack.
struct StoredRows {
    private let parts: [UnsafePointer<Float>]
    private let rowsPerPart: Int, width: Int

    /// `t`'s rows of `width`; values that are neither a buffer nor a stack are computed here.
    init(_ t: Tensor, width: Int) {
        self.width = width
        switch t.rows(width: width) {
        case .dense(let p): (parts, rowsPerPart) = ([p], .max)
        case .parts(let ps, let n): (parts, rowsPerPart) = (ps, n)
        case .oneHot, .swapped: (parts, rowsPerPart) = ([UnsafePointer(t.data)], .max)
        }
    }

    /// Row r.
    func row(_ r: Int) -> UnsafePointer<Float> {
        let p = r / rowsPerPart
        return parts[p] + (r - p * rowsPerPart) * width
    }

    /// The end of the run of contiguous rows from lo, at most `limit`.
    func runEnd(from lo: Int, limit: Int) -> Int {
        rowsPerPart == .max ? limit : min(limit, (lo / rowsPerPart + 1) * rowsPerPart)
    }

    /// Calls body with each run of contiguous rows within `rows`, in order, and its first row.
    func forEachRun(_ rows: Range<Int>, _ body: (Range<Int>, UnsafePointer<Float>) -> Void) {
        if rows.isEmpty { body(rows, parts[0]) }  // still one call: a product of no rows zeroes its output
        var lo = rows.lowerBound
        while lo < rows.upperBound {
            let hi = runEnd(from: lo, limit: rows.upperBound)
            body(lo..<hi, row(lo))
            lo = hi
        }
    }
}

extension Tensor {
    /// A tensor whose values are pending: computed from `values` when first read whole.
    convenience init(pending values: Values, shape: [Int]) {
        let storage = Storage(capacity: checkedCount(shape, op: "Tensor"), pending: values)
        self.init(view: storage, offset: 0, shape: shape)
    }

    /// The values as rows of `width` (which must divide the count). A pending value that the
    /// rows cannot show as it is is computed here, so call this on the thread that owns the
    /// tensors, before handing rows to workers.
    func rows(width: Int) -> Rows {
        if let (hot, first) = oneHotRows(width: width) { return .oneHot(hot, first: first) }
        let whole = offset == 0 && count == storage.capacity
        switch storage.values {
        case .stack(let parts) where whole && width > 0 && parts[0].count % width == 0:
            return .parts(parts.map { UnsafePointer($0.data) }, rowsPerPart: parts[0].count / width)
        case .swapped(let source) where whole && source.shape[2] == width:
            return .swapped(source: source)
        default:
            return .dense(UnsafePointer(data))
        }
    }

    /// The row indices and this view's first row when its rows of `width` are one-hot (a view
    /// of `oneHot(_:_:)`'s result that keeps whole rows); computes nothing.
    func oneHotRows(width: Int) -> (OneHotIndices, first: Int)? {
        guard case .oneHot(let hot) = storage.values, width > 0, width == hot.numClasses, offset % width == 0
        else { return nil }
        return (hot, offset / width)
    }

    /// The row indices when this tensor's rows are one-hot (`oneHotRows`).
    var oneHot: OneHotIndices? { shape.last.flatMap { oneHotRows(width: $0)?.0 } }

    /// The recipe of this whole tensor's pending product (see LazyProduct); nil for views and
    /// once computed.
    var pendingProduct: LazyProduct? {
        guard case .product(let recipe) = storage.values, offset == 0, count == storage.capacity else { return nil }
        return recipe
    }

    /// The part of this tensor's pending stack that is exactly the `count` elements of the
    /// storage from `start` on, if there is one.
    func stackPart(elements start: Int, count n: Int) -> Tensor? {
        guard case .stack(let parts) = storage.values, parts[0].count == n, n > 0, start % n == 0 else { return nil }
        return parts[start / n]
    }

    /// Whether a deferred stack or swap may refer to this tensor: a recorded op result (whose
    /// buffer nothing writes again), neither a parameter's buffer nor one-hot.
    var deferrable: Bool {
        guard node != nil else { return false }
        switch storage.values {
        case .variable, .oneHot: return false
        case .dense, .product, .stack, .swapped: return true
        }
    }

    /// The buffer, to write in place: every pending value that may read it is computed first
    /// (a product reads its weights when first read, not when made). The one path for writes
    /// to tensors that already exist (SGD, clipGradNorm, loads).
    var mutableData: UnsafeMutablePointer<Float> {
        Storage.settleAll()
        return data
    }
}
