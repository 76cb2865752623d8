import Foundation

// TensorKit in one screen:
// - A Tensor is a shape plus a view (offset) into a reference-counted Storage; reshapes and
//   axis-0 slices share storage. Buffers come from a size-keyed pool (Storage.swift).
// - Each op computes its result and, if an input needs a gradient, records a Node whose closure
//   pushes the output's gradient into the inputs (forward and backward side by side in Ops/).
//   backward() walks the graph once in reverse topological order and frees it as it goes.
// - Gradients are lent rather than copied where that is safe (Autograd.swift: `owned`).
// - What a storage's values are is one enum, `Values` (Values.swift): a buffer, a parameter's
//   buffer (written in place), or a recipe computed on first read: a pending sum of matrix
//   products (`matmul + matmul + bias` fills one buffer, LazyProduct.swift), a stack of step
//   outputs, a swap of axes, one-hot rows. Consumers that can use a recipe as it is read it
//   through one row reader, `rows(width:)` (products gather one-hot rows and read a stack part
//   by part, crossEntropy reads swapped logits in place); `data` computes anything else.
//   In-place writes (SGD, clipping, loads) go through `mutableData`, which computes pending
//   products first. A new fusion is a new case of `Values`.
// - Recurrent layers are one op per layer over the whole sequence (NN/).
// - Hot loops run in AVX-512 kernels chosen at run time (TensorKitKernels/include/tk_kernels.h), with portable Swift
//   fallbacks; larger products go to OpenBLAS on one thread.
// - Large operations are split by rows across a small worker pool (Kernels/Parallel.swift);
//   splits never cut through a sum, so results do not depend on the number of threads.
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

    /// The operation that produced this tensor (nil for leaves and for results made without grad).
    var node: Node?
    var gradStorage: Tensor?
    /// False when `gradStorage` is borrowed from another tensor and must not be written in place.
    var gradOwned = false
    /// Traversal mark for `backward()`'s topological sort.
    var visitMark = 0
    /// Whether gradients flow to this tensor.
    public var requiresGrad: Bool {
        didSet { if requiresGrad && node == nil { storage.becomeVariable() } }
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
        self.requiresGrad = requiresGrad
        scalars.withUnsafeBufferPointer { src in
            if n > 0 { storage.pointer.update(from: src.baseAddress!, count: n) }
        }
        if requiresGrad { storage.becomeVariable() }
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
        self.requiresGrad = false
    }

    /// A view of `storage` from `offset` with the given shape (no copy).
    init(view storage: Storage, offset: Int, shape: [Int]) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
        self.offset = offset
        self.requiresGrad = false
    }

    /// The first element, to read (or to write a tensor the op is making: in-place writes to
    /// existing tensors go through `mutableData`); pending values are computed first.
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
    public func detached() -> Tensor { Tensor(view: storage, offset: offset, shape: shape) }

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
