import Foundation
import TensorKitKernels

/// A reference-counted Float buffer and what its values are (`Values`); tensor views share one,
/// and the buffer returns to the pool when freed.
final class Storage {
    /// The buffer; nil while the values are pending (computed on first read).
    private var buffer: UnsafeMutablePointer<Float>?
    let capacity: Int
    /// What the values are: the buffer itself, or a recipe for it (see Values.swift).
    private(set) var values: Values
    /// Links in the list of pending values that read other tensors late (see `settleAll`).
    /// Unowned: the list must not keep storages alive; deinit unlinks.
    private unowned(unsafe) var prevPending: Storage?
    private unowned(unsafe) var nextPending: Storage?
    private var isListed = false

    /// A buffer for `capacity` floats, to be written by the op that makes it.
    init(capacity: Int) {
        self.capacity = capacity
        values = .dense
        buffer = BufferPool.allocate(capacity)
    }

    /// Values computed only when first read whole (or never: some consumers use the recipe as it
    /// is, through `Tensor.rows(width:)` or `pendingProduct`).
    init(capacity: Int, pending values: Values) {
        self.capacity = capacity
        self.values = values
        if values.readsWritableTensors { list() }
    }

    deinit {
        unlist()
        if let buffer { BufferPool.release(buffer, capacity) }
    }

    /// The buffer, after computing pending values.
    @inline(__always) var pointer: UnsafeMutablePointer<Float> {
        if let buffer { return buffer }
        return settle()
    }

    /// Whether the buffer does not hold the values yet.
    var isPending: Bool { buffer == nil }

    /// Computes the values into a new buffer; a recipe's operands are let go, one-hot indices
    /// are kept (they stay the cheaper way to read the rows).
    private func settle() -> UnsafeMutablePointer<Float> {
        let b = BufferPool.allocate(capacity)
        buffer = b
        unlist()
        values.fill(b, count: capacity)
        if case .oneHot = values {} else { values = .dense }
        return b
    }

    /// From now on the buffer is written in place (a parameter: SGD, loads); pending values
    /// are computed first, so that no deferred value refers to it (`Tensor.deferrable`).
    func becomeVariable() {
        _ = pointer
        if case .dense = values { values = .variable }
    }

    // MARK: - The pending list

    /// The pending values that read other tensors late; in-place writers compute them first.
    /// An intrusive list: listing and unlisting cost two pointer writes.
    nonisolated(unsafe) private static unowned(unsafe) var head: Storage?

    private func list() {
        nextPending = Storage.head
        Storage.head?.prevPending = self
        Storage.head = self
        isListed = true
    }

    private func unlist() {
        guard isListed else { return }
        if let p = prevPending { p.nextPending = nextPending } else { Storage.head = nextPending }
        nextPending?.prevPending = prevPending
        prevPending = nil
        nextPending = nil
        isListed = false
    }

    /// Computes every listed pending value now, before a buffer is written in place
    /// (`Tensor.mutableData`).
    static func settleAll() {
        while let s = head { withExtendedLifetime(s) { _ = s.pointer } }
    }

    /// How many listed values are pending (for tests).
    static var pendingCount: Int {
        var n = 0
        var s = head
        while let x = s {
            n += 1
            s = x.nextPending
        }
        return n
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
