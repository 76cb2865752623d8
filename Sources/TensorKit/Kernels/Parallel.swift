import Foundation
import Synchronization
import TensorKitKernels

// Splitting one operation (a matrix product, a tanh over a batch) across the machine's cores.
//
// The RNN chapters run thousands of small operations per batch (a 1024x32x32 product is about
// 20 µs), so the pool is built for low latency: helper threads spin briefly after each job (the
// next one usually follows within microseconds), then sleep on a futex (tk_park.h) so that an
// idle helper never burns a core another thread needs; the calling thread always works on the
// job too. Chunks are claimed
// one at a time, so a helper that is busy elsewhere (another process on its core) costs
// nothing: the caller simply takes every chunk itself. Chunks are split by rows only, never
// across a sum, so results are bit-identical whatever the number of threads.

/// The pool of helper threads. `TENSORKIT_THREADS` sets how many threads work on an
/// operation, caller included (default: the available cores, at most 4; 1 turns it off).
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(threads: configuredThreads())

    /// Threads that work on one operation, the caller included.
    let threads: Int
    /// At most this many threads work on an operation (tests lower it to compare with one).
    nonisolated(unsafe) static var limit = Int.max
    var activeThreads: Int { min(threads, WorkerPool.limit) }

    /// generation (high 32 bits) | end of the unclaimed chunks (16 bits) | start (16 bits).
    /// The caller claims from the start and helpers from the end, so with the same split a
    /// thread gets the same rows from one operation to the next and they stay in its cache.
    private let state = Atomic<UInt64>(0)
    /// Chunks finished in the current generation.
    private let finished = Atomic<Int>(0)
    /// Set while a caller owns the pool: nested or concurrent callers run serially instead.
    private let busy = Atomic<Bool>(false)
    /// Where idle helpers sleep; every new job signals it.
    private let parking = tk_parking_new()!
    /// The current job; written by the owner only while no helper can be running it.
    private var job: ((Int) -> Void)?

    /// PAUSEs a helper spins for after a job before it sleeps: a few tens of microseconds, the
    /// gaps between the operations of a recurrent step, not the longer ones between steps
    /// (spinning there only takes the core from the caller's sibling thread or another process).
    static let idleSpins = 2_000

    private init(threads: Int) {
        self.threads = threads
        for _ in 1..<max(threads, 1) {
            let thread = Thread { [unowned self] in helperLoop() }
            thread.name = "TensorKit worker"
            thread.start()
        }
    }

    private static func configuredThreads() -> Int {
        if let s = ProcessInfo.processInfo.environment["TENSORKIT_THREADS"], let n = Int(s), n >= 1 {
            return min(n, 64)
        }
        return min(ProcessInfo.processInfo.activeProcessorCount, 4)
    }

    /// Runs body(0) ... body(chunks - 1), in any order and possibly at once; returns when all
    /// have finished.
    func run(_ chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 1, activeThreads > 1, chunks < 0xFFFF,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for c in 0..<chunks { body(c) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            finished.store(0, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> 32) &+ 1
            state.store(generation << 32 | UInt64(chunks) << 16, ordering: .sequentiallyConsistent)  // start 0
            tk_parking_signal(parking)  // a system call only when a helper sleeps
            var done = 0
            while let c = claim(generation, fromEnd: false) {
                body(c)
                done += 1
            }
            finished.add(done, ordering: .relaxed)
            var spins = 0
            while finished.load(ordering: .acquiring) < chunks {
                spins += 1
                // a helper was preempted in the middle of a chunk: let it run
                if spins > 4096 { sched_yield() } else { spinPause() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// The first (or last) unclaimed chunk of `generation`, or nil when there is none left
    /// (or a newer job started).
    private func claim(_ generation: UInt64, fromEnd: Bool) -> Int? {
        var s = state.load(ordering: .acquiring)
        while true {
            let start = Int(s & 0xFFFF), end = Int((s >> 16) & 0xFFFF)
            guard s >> 32 == generation, start < end else { return nil }
            let desired = fromEnd ? s - (1 << 16) : s + 1
            let (exchanged, original) = state.compareExchange(
                expected: s, desired: desired,
                ordering: .acquiringAndReleasing)
            if exchanged { return fromEnd ? end - 1 : start }
            s = original
        }
    }

    /// Calls the job on chunk c. Not inlined, so this thread's reference to the closure is
    /// gone before the chunk counts as finished (withoutActuallyEscaping checks that).
    @inline(never) private func runChunk(_ c: Int) {
        job!(c)
    }

    private func helperLoop() {
        var seen: UInt64 = 0
        var idleSpins = 0
        while true {
            let generation = state.load(ordering: .acquiring) >> 32
            if generation != seen {
                seen = generation
                var done = 0
                while let c = claim(generation, fromEnd: true) {
                    runChunk(c)
                    done += 1
                }
                if done > 0 { finished.add(done, ordering: .releasing) }
                idleSpins = 0
                continue
            }
            idleSpins += 1
            if idleSpins < WorkerPool.idleSpins {
                spinPause()
                continue
            }
            // read the parking's number before checking for a job: a job posted after the check
            // bumps it, so the wait returns at once
            let ticket = tk_parking_seq(parking)
            if state.load(ordering: .sequentiallyConsistent) >> 32 == seen { tk_parking_wait(parking, ticket) }
            idleSpins = 0
        }
    }
}

@inline(__always) private func spinPause() { tk_spin_pause() }

/// How many threads TensorKit splits a large operation across, the caller included
/// (TENSORKIT_THREADS, or the available cores up to 4).
public var workerThreadCount: Int { WorkerPool.shared.threads }

enum Parallel {
    /// Below this much work (multiply-adds, or elements times a per-element cost), one thread
    /// is faster than handing out chunks.
    static let minimumWork = 16_384

    /// Calls body(block, range) on the blocks [0, size), [size, 2 size), ... of 0..<count, in
    /// parallel. The blocks do not depend on the number of threads, so a reduction that
    /// keeps one partial result per block and adds them in block order is reproducible.
    static func forBlocks(_ count: Int, size: Int, _ body: (Int, Range<Int>) -> Void) {
        let blocks = (count + size - 1) / size
        WorkerPool.shared.run(blocks) { b in body(b, b * size..<min((b + 1) * size, count)) }
    }

    /// Calls body on at most four blocks of rows that cover 0..<count and depend on `count`
    /// only (bounds multiples of `align`), in parallel when `work` is worth it. For splits
    /// whose blocks call a matrix product: a BLAS library's rounding may depend on the shape
    /// it is given (OpenBLAS's does), so the shapes must not depend on the number of threads.
    static func forFixedBlocks(_ count: Int, align: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let size = ((count + 3) / 4 + align - 1) / align * align
        if work < minimumWork || size >= count {
            body(0..<count)
            return
        }
        forBlocks(count, size: size) { _, rows in body(rows) }
    }

    /// Calls body on contiguous ranges that cover 0..<count, in parallel when `work` (the
    /// whole operation's cost) is worth it. Range bounds are multiples of `align`.
    @inline(__always)
    static func forRanges(
        _ count: Int, align: Int = 1, work: Int, chunksPerThread: Int = 2, _ body: (Range<Int>) -> Void
    ) {
        let threads = WorkerPool.shared.activeThreads
        let units = (count + align - 1) / align
        if threads <= 1 || work < minimumWork || units < 2 {
            body(0..<count)
            return
        }
        // by default two chunks per thread, so a late helper leaves less for the caller to wait
        // on; one where each chunk repeats a cost (a product's packing)
        let chunks = min(units, work >= 8 * minimumWork ? chunksPerThread * threads : threads)
        let per = (units + chunks - 1) / chunks
        WorkerPool.shared.run(chunks) { c in
            let lo = min(c * per * align, count), hi = min((c + 1) * per * align, count)
            if lo < hi { body(lo..<hi) }
        }
    }
}
