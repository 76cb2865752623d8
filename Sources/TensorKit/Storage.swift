import Foundation
import TensorKitKernels

/// A reference-counted Float buffer; tensor views share one, and it returns to the pool when freed.
final class Storage {
    /// The buffer; nil until first use for storages created `deferred`.
    private var buffer: UnsafeMutablePointer<Float>?
    let capacity: Int
    /// Fills the buffer on first use; set by ops whose data may never be read (one-hot,
    /// deferred matrix products).
    var pendingFill: ((UnsafeMutablePointer<Float>) -> Void)?
    /// Links in PendingValues' list while a deferred product is pending. Unowned: the list must
    /// not keep storages alive; deinit unlinks.
    var isRegistered = false
    /// Set once a parameter (a leaf that requires grad) uses this buffer: SGD writes it in
    /// place, so a deferred stack must copy it rather than refer to it.
    var isParameter = false
    /// The parts of a stack whose copy is deferred (see `Tensor.concat`), each `partCount`
    /// elements, in order; consumers that know about them read the parts instead.
    var stackParts: (parts: [Tensor], partCount: Int)?
    /// For a deferred swap of axes 0 and 1 (see `Tensor.swapAxes`): the (a, b, c) tensor it
    /// swaps; crossEntropy reads its rows where they are.
    var swappedFrom: Tensor?
    unowned(unsafe) var prevPending: Storage?
    unowned(unsafe) var nextPending: Storage?

    /// A buffer for `capacity` floats; `deferred` allocates it only when first read, for
    /// values that may never be (a deferred product folded into a sum).
    init(capacity: Int, deferred: Bool = false) {
        self.capacity = capacity
        if !deferred { buffer = BufferPool.allocate(capacity) }
    }

    deinit {
        if isRegistered { PendingValues.unregister(self) }
        if let buffer { BufferPool.release(buffer, capacity) }
    }

    /// The buffer, after running a pending fill if there is one.
    @inline(__always) var pointer: UnsafeMutablePointer<Float> {
        if let fill = pendingFill {
            pendingFill = nil
            if isRegistered { PendingValues.unregister(self) }
            fill(allocated)
        }
        return allocated
    }

    /// The buffer, allocated if need be, without running a pending fill.
    var allocated: UnsafeMutablePointer<Float> {
        if let buffer { return buffer }
        let b = BufferPool.allocate(capacity)
        buffer = b
        return b
    }
}

/// A cache of freed buffers by exact size, like PyTorch's caching allocator: training loops
/// allocate the same shapes every step, and reusing warm buffers avoids page faults and
/// malloc's large-block path. The cache is bounded; beyond the bound buffers are freed.
enum BufferPool {
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0
    private static let lock = NSLock()
    /// Buffers below this size go straight to malloc, which is fast for them.
    static let minPooled = 256
    static let maxCachedBytes = 512 << 20

    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        _ = configureMalloc
        let n = max(count, 1)
        if n >= minPooled {
            lock.lock()
            if let p = free[n]?.popLast() {
                cachedBytes -= n * 4
                lock.unlock()
                return p
            }
            lock.unlock()
        }
        return UnsafeMutablePointer<Float>.allocate(capacity: n)
    }

    static func release(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        let n = max(count, 1)
        if n >= minPooled {
            lock.lock()
            if cachedBytes + n * 4 <= maxCachedBytes {
                free[n, default: []].append(p)
                cachedBytes += n * 4
                lock.unlock()
                return
            }
            lock.unlock()
        }
        p.deallocate()
    }

    /// glibc serves blocks of 128 KiB and more with fresh mmap pages, so every step's index
    /// arrays and small buffers would page-fault anew; keeping them on the heap avoids that.
    private static let configureMalloc: Void = {
        #if os(Linux)
        mallopt(M_MMAP_THRESHOLD, 32 << 20)
        mallopt(M_TRIM_THRESHOLD, 128 << 20)
        #endif
    }()

    /// Frees every cached buffer (for tests and long-lived programs that change shapes).
    static func drain() {
        lock.lock()
        for (_, list) in free { for p in list { p.deallocate() } }
        free = [:]
        cachedBytes = 0
        lock.unlock()
    }
}
