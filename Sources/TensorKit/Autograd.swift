import Foundation
import TensorKitKernels

/// One recorded operation: its inputs and how to push its output's gradient into them.
final class Node {
    let inputs: [Tensor]
    /// Receives the gradient of the op's output and accumulates into the inputs that need one.
    let backward: (Tensor) -> Void
    init(_ inputs: [Tensor], _ backward: @escaping (Tensor) -> Void) {
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether ops record the graph (off inside `withNoGrad`).
enum GradMode {
    nonisolated(unsafe) static var enabled = true
    nonisolated(unsafe) static var traversal = 0
    /// Whether the gradient handed to the node now running is exclusively its own; view-like
    /// ops (reshape, stack) then pass ownership on instead of making their inputs copy.
    nonisolated(unsafe) static var incomingOwned = false
}

/// Runs `body` without recording any graph (evaluation, optimiser updates).
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    let saved = GradMode.enabled
    GradMode.enabled = false
    defer { GradMode.enabled = saved }
    return try body()
}

extension Tensor {
    /// Whether an op with these inputs must record a node.
    @inline(__always) static func recording(_ a: Tensor) -> Bool { GradMode.enabled && a.requiresGrad }
    @inline(__always) static func recording(_ a: Tensor, _ b: Tensor) -> Bool {
        GradMode.enabled && (a.requiresGrad || b.requiresGrad)
    }
    @inline(__always) static func recording(_ ts: [Tensor]) -> Bool {
        GradMode.enabled && ts.contains { $0.requiresGrad }
    }

    /// Marks this op result as produced from `inputs`, with the given backward step.
    @inline(__always) func record(_ inputs: [Tensor], _ backward: @escaping (Tensor) -> Void) {
        node = Node(inputs, backward)
        requiresGrad = true
    }

    /// Backpropagates from this one-element tensor, accumulating into every leaf's `grad`.
    public func backward() {
        if count != 1 {
            fatalError(backwardShapeMessage(shape))
        }
        if node == nil {
            if requiresGrad { accumulateGrad(Tensor.ones(shape)) }
            return
        }
        let order = topologicalOrder()
        accumulateGrad(Tensor.ones(shape), owned: true)
        for t in order.reversed() {
            guard let node = t.node else { continue }
            if let g = t.gradStorage {
                GradMode.incomingOwned = t.gradOwned
                node.backward(g)
            }
            // Free the graph and the intermediate gradient as soon as they are used.
            t.node = nil
            t.gradStorage = nil
        }
    }

    /// Non-leaf tensors reachable from self, each after all of its inputs (iterative DFS).
    private func topologicalOrder() -> [Tensor] {
        GradMode.traversal += 1
        let mark = GradMode.traversal
        var order: [Tensor] = []
        var stack: [(Tensor, Int)] = [(self, 0)]
        visitMark = mark
        // Inputs are explored last to first. For stacked per-step outputs this runs the stack's
        // backward (which lends each step its slice) before the next step's matmul, which can then
        // accumulate into that slice in place instead of adding two buffers.
        while let (t, i) = stack.last {
            if let node = t.node, i < node.inputs.count {
                stack[stack.count - 1].1 = i + 1
                let c = node.inputs[node.inputs.count - 1 - i]
                if c.node != nil && c.visitMark != mark {
                    c.visitMark = mark
                    stack.append((c, 0))
                }
            } else {
                order.append(t)
                stack.removeLast()
            }
        }
        return order
    }

    /// Adds `g` (same element count) to this tensor's gradient. `owned` means nobody else
    /// holds `g`, so it may be kept and written in place. Otherwise the first contribution to a
    /// non-leaf is shared rather than copied; leaves always own their gradient buffer.
    func accumulateGrad(_ g: Tensor, owned: Bool = false) {
        if !requiresGrad { return }
        if let existing = gradStorage {
            if gradOwned {
                addInPlace(existing.data, g.data, count)
            } else if owned {
                addInPlace(g.data, existing.data, count)
                gradStorage = g.shape == shape ? g : g.viewAs(shape)
                gradOwned = true
            } else {
                let sum = Tensor(uninitialized: shape)
                addBuffers(existing.data, g.data, sum.data, count)
                gradStorage = sum
                gradOwned = true
            }
        } else if owned {
            gradStorage = g.shape == shape ? g : g.viewAs(shape)
            gradOwned = true
        } else if node == nil || g.shape != shape {
            let copy = Tensor(uninitialized: shape)
            copy.data.update(from: g.data, count: count)
            gradStorage = copy
            gradOwned = true
        } else {
            gradStorage = g
            gradOwned = false
        }
    }

    /// Calls `body` with an owned gradient buffer; `fresh` means its contents are undefined
    /// and must be overwritten (kernels then store instead of add, gemm uses beta 0).
    func withGradBuffer(_ body: (_ grad: UnsafeMutablePointer<Float>, _ fresh: Bool) -> Void) {
        if !requiresGrad { return }
        if let existing = gradStorage {
            if !gradOwned {
                let copy = Tensor(uninitialized: shape)
                copy.data.update(from: existing.data, count: count)
                gradStorage = copy
                gradOwned = true
            }
            body(gradStorage!.data, false)
        } else {
            let g = Tensor(uninitialized: shape)
            gradStorage = g
            gradOwned = true
            body(g.data, true)
        }
    }

    /// Like `withGradBuffer`, but zero-fills a fresh buffer (for ops that scatter or add into parts).
    func withZeroedGradBuffer(_ body: (_ grad: UnsafeMutablePointer<Float>) -> Void) {
        withGradBuffer { g, fresh in
            if fresh {
                Parallel.forRanges(count, align: 16, work: count / 4) { r in
                    (g + r.lowerBound).initialize(repeating: 0, count: r.count)
                }
            }
            body(g)
        }
    }
}

@inline(__always) func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
    Parallel.forRanges(n, align: 16, work: n) { r in
        let (y, x, n) = (y + r.lowerBound, x + r.lowerBound, r.count)
        if BLAS.avx512 && n >= 64 {
            tk_add_avx512(y, x, n)
            return
        }
        for i in 0..<n { y[i] += x[i] }
    }
}

@inline(__always) func addBuffers(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, _ n: Int
) {
    for i in 0..<n { out[i] = a[i] + b[i] }
}

/// Stores `value` (fresh buffer) or adds it (existing gradient) into `g[i]`, over `n` elements.
@inline(__always) func storeOrAdd(
    _ g: UnsafeMutablePointer<Float>, _ fresh: Bool, _ n: Int,
    _ value: (Int) -> Float
) {
    if fresh {
        for i in 0..<n { g[i] = value(i) }
    } else {
        for i in 0..<n { g[i] += value(i) }
    }
}
