import Foundation

// TensorKit in one screen:
// - A Tensor is a shape plus a view (offset) into a reference-counted Storage; reshapes and
//   axis-0 slices share storage. Buffers come from a size-keyed pool (Storage.swift).
// - Each op computes its result and, if an input needs a gradient, records a Node whose closure
//   pushes the output's gradient into the inputs (forward and backward side by side in Ops/).
//   backward() walks the graph once in reverse topological order and frees it as it goes.
// - Gradients are lent rather than copied where that is safe (Autograd.swift: `owned`).
// - matmul results are deferred so `matmul + matmul + bias` fills one buffer (LazyProduct.swift).
// - Recurrent layers are one op per layer over the whole sequence (NN/).
// - Hot loops run in AVX-512 kernels chosen at run time (TensorKitKernels/include/tk_kernels.h), with portable Swift
//   fallbacks; larger products go to OpenBLAS on one thread.
// - Large operations are split by rows across a small worker pool (Kernels/Parallel.swift);
//   splits never cut through a sum, so results do not depend on the number of threads.
// - Stacks of op results are copied only if read whole: an RNN's step outputs are read back
//   step by step or by one matrix product, straight from the parts (Ops/Shape.swift).
// - Global state (grad mode, random generator, buffer pool, pending list) assumes that one
//   thread at a time uses TensorKit, as the book's programs do; the worker threads only run
//   kernels on buffers the calling thread hands them.

/// An n-dimensional array of Float32 on the CPU, row-major and contiguous, that records the
/// operations applied to it so that `backward()` can compute gradients.
public final class Tensor {
    /// The size of each dimension; `[]` for a scalar.
    public let shape: [Int]
    /// The number of elements (the product of `shape`).
    public let count: Int
    /// The buffer this tensor's elements live in, from `offset` on; views share it.
    let storage: Storage
    let offset: Int
    /// Set when the elements are a one-hot encoding, so matmul can gather rows instead.
    let oneHot: OneHotIndices?

    /// The operation that produced this tensor (nil for leaves and for results made without grad).
    var node: Node?
    var gradStorage: Tensor?
    /// False when `gradStorage` is borrowed from another tensor and must not be written in place.
    var gradOwned = false
    /// How to compute this tensor's value while it is pending (see LazyProduct).
    var recipe: LazyProduct?
    /// Traversal mark for `backward()`'s topological sort.
    var visitMark = 0
    /// Whether gradients flow to this tensor.
    public var requiresGrad: Bool {
        didSet { if requiresGrad && node == nil { storage.isParameter = true } }
    }

    /// Makes a tensor from row-major scalars.
    public init(_ scalars: [Float], shape: [Int], requiresGrad: Bool = false) {
        let n = checkedCount(shape, op: "Tensor")
        if scalars.count != n {
            fatalError("Tensor: \(scalars.count) scalars do not fill shape \(shape) (\(n) elements)")
        }
        self.shape = shape
        self.count = n
        self.storage = Storage(capacity: n)
        self.offset = 0
        self.oneHot = nil
        self.requiresGrad = requiresGrad
        storage.isParameter = requiresGrad
        scalars.withUnsafeBufferPointer { src in
            if n > 0 { storage.allocated.update(from: src.baseAddress!, count: n) }
        }
    }

    /// Makes a 1-D tensor.
    public convenience init(_ scalars: [Float]) { self.init(scalars, shape: [scalars.count]) }

    /// Makes a 0-D (scalar) tensor.
    public convenience init(_ scalar: Float) { self.init([scalar], shape: []) }

    /// A tensor with uninitialised elements, for ops to fill.
    init(uninitialized shape: [Int]) {
        self.shape = shape
        self.count = checkedCount(shape, op: "Tensor")
        self.storage = Storage(capacity: count)
        self.offset = 0
        self.oneHot = nil
        self.requiresGrad = false
    }

    /// A view of `storage` from `offset` with the given shape (no copy).
    init(view storage: Storage, offset: Int, shape: [Int], oneHot: OneHotIndices? = nil) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
        self.offset = offset
        self.oneHot = oneHot
        self.requiresGrad = false
    }

    /// The first element; `storage.pointer` runs any pending fill.
    @inline(__always) var data: UnsafeMutablePointer<Float> { storage.pointer + offset }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// A copy of the elements in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The value of a one-element tensor.
    public var item: Float {
        if count != 1 { fatalError("item: tensor of shape \(shape) has \(count) elements, not 1") }
        return data[0]
    }

    /// The accumulated gradient, after `backward()`; nil before, or after `zeroGrad()`.
    public var grad: Tensor? {
        get { gradStorage }
        set {
            gradStorage = newValue
            gradOwned = false
        }
    }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// A tensor sharing these elements, cut from the graph.
    public func detached() -> Tensor { Tensor(view: storage, offset: offset, shape: shape, oneHot: oneHot) }

    /// Element `i` in row-major order (no checks; for tests and small loops).
    subscript(flat i: Int) -> Float { data[i] }
}

/// The element count of `shape`, trapping on negative sizes.
func checkedCount(_ shape: [Int], op: String) -> Int {
    var n = 1
    for d in shape {
        if d < 0 { fatalError("\(op): negative dimension in shape \(shape)") }
        n *= d
    }
    return n
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
