import XCTest

@testable import TensorKit

/// The worker pool and the deferred stack: what they change must not show in any result.
final class ParallelTests: XCTestCase {
    override func tearDown() {
        WorkerPool.limit = .max
        super.tearDown()
    }

    /// Every chunk runs exactly once, nested calls run serially instead of deadlocking, and
    /// fixed blocks come back in their places.
    func testPoolRunsEveryChunkOnce() {
        let n = 1 << 20
        var hits = [Int32](repeating: 0, count: n)
        hits.withUnsafeMutableBufferPointer { h in
            for _ in 0..<50 {
                Parallel.forRanges(n, align: 16, work: n) { r in
                    // a nested split must not wait on the pool it is running in
                    Parallel.forRanges(r.count, work: r.count) { inner in
                        for i in inner { h[r.lowerBound + i] += 1 }
                    }
                }
            }
        }
        XCTAssertTrue(hits.allSatisfy { $0 == 50 })
        var seen = [Range<Int>?](repeating: nil, count: 5)
        Parallel.forBlocks(4100, size: 1000) { b, rows in seen[b] = rows }
        XCTAssertEqual(seen, [0..<1000, 1000..<2000, 2000..<3000, 3000..<4000, 4000..<4100])
    }

    /// A training step of a two-layer scratch RNN gives bit-identical loss and gradients with
    /// one thread and with the whole pool (splits never cross a sum).
    func testResultsDoNotDependOnThreadCount() {
        func step() -> [[Float]] {
            manualSeed(7)
            let vocab = 28, hidden = 32, batch = 256, steps = 6
            let params = [
                Tensor.randn([vocab, hidden]), Tensor.randn([hidden, hidden]), Tensor.zeros([hidden]),
                Tensor.randn([hidden, hidden]), Tensor.randn([hidden, hidden]), Tensor.zeros([hidden]),
                Tensor.randn([hidden, vocab]), Tensor.zeros([vocab]),
            ].map { p -> Tensor in
                let q = p * 0.1
                q.requiresGrad = true
                return q
            }
            let tokens = (0..<(batch * (steps + 1))).map { ($0 * 7919 + $0 / 5) % vocab }
            let X = IntTensor(Array(tokens.prefix(batch * steps)), shape: [batch, steps])
            let Y = IntTensor(Array(tokens.suffix(batch * steps)), shape: [batch, steps])
            var inputs = oneHot(X.transposed(), vocab)  // (steps, batch, vocab)
            for l in 0..<2 {
                var H = Tensor.zeros([batch, hidden])
                var outputs: [Tensor] = []
                for t in 0..<steps {
                    H = tanh(matmul(inputs[t], params[3 * l]) + matmul(H, params[3 * l + 1]) + params[3 * l + 2])
                    outputs.append(H)
                }
                inputs = Tensor.stack(outputs)
            }
            let logits = (matmul(inputs.reshaped([-1, hidden]), params[6]) + params[7])
                .reshaped([steps, batch, vocab]).swapAxes(0, 1)
            let loss = crossEntropy(logits.reshaped([-1, vocab]), Y.reshaped([-1]))
            loss.backward()
            return [[loss.item]] + params.map { $0.grad!.scalars }
        }
        WorkerPool.limit = 1
        let serial = step()
        WorkerPool.limit = .max
        let parallel = step()
        XCTAssertEqual(serial.count, parallel.count)
        for (i, (s, p)) in zip(serial, parallel).enumerated() {
            let differing = zip(s, p).filter { $0.bitPattern != $1.bitPattern }.count
            XCTAssertEqual(
                differing, 0,
                "result \(i) (0: loss, then each parameter's gradient): \(differing) of \(s.count) values differ")
        }
    }

    /// The fused RNN, GRU and LSTM layers split each step's rows, and sum their bias gradients
    /// in fixed blocks: outputs and every gradient are bit-identical with one thread, with every
    /// kernel set, at a small width (the small-shape kernel) and a wide one (the packed kernel,
    /// split by columns, and each step's recurrent product for the whole batch), with the input
    /// projection and weight gradients over the whole sequence (small batches) and step by step.
    func testRecurrentLayersDoNotDependOnThreadCount() {
        let saved = wholeSequenceMaxBatch
        defer { wholeSequenceMaxBatch = saved }
        for maxBatch in [saved, 0] {
            wholeSequenceMaxBatch = maxBatch
            for set in BLAS.supportedKernels {
                withKernels(set) {
                    recurrentLayersMatchOneThread(batch: 256, hidden: 32, "\(set), whole-sequence below \(maxBatch)")
                    recurrentLayersMatchOneThread(batch: 24, hidden: 384, "\(set), whole-sequence below \(maxBatch)")
                }
            }
        }
    }

    private func recurrentLayersMatchOneThread(batch: Int, hidden: Int, _ what: String) {
        func run(_ layer: String) -> [[Float]] {
            manualSeed(11)
            let steps = 5, inputSize = 20
            let x = Tensor.randn([steps, batch, inputSize])
            x.requiresGrad = true
            let out: Tensor, params: [Tensor]
            switch layer {
            case "rnn":
                let m = RNN(inputSize: inputSize, hiddenSize: hidden, numLayers: 2)
                (out, params) = (m(x).output, m.parameters)
            case "gru":
                let m = GRU(inputSize: inputSize, hiddenSize: hidden, numLayers: 2)
                (out, params) = (m(x).output, m.parameters)
            default:
                let m = LSTM(inputSize: inputSize, hiddenSize: hidden, numLayers: 2)
                (out, params) = (m(x).output, m.parameters)
            }
            (out * out).sum().backward()
            return [out.scalars, x.grad!.scalars] + params.map { $0.grad!.scalars }
        }
        for layer in ["rnn", "gru", "lstm"] {
            WorkerPool.limit = 1
            let serial = run(layer)
            WorkerPool.limit = .max
            let parallel = run(layer)
            for (i, (s, p)) in zip(serial, parallel).enumerated() {
                let differing = zip(s, p).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(
                    differing, 0,
                    "\(what) \(layer) hidden \(hidden) result \(i) (0: output, 1: dx, then parameters): \(differing) of \(s.count) differ"
                )
            }
        }
    }

    /// Stacking recorded results defers the copy; slices and products read the parts in place
    /// and agree with the copied values, gradients included.
    func testDeferredStackMatchesACopy() {
        let parts = (0..<4).map { i -> Tensor in
            let x = Tensor((0..<24).map { Float($0 * (i + 1)) * 0.01 }, shape: [8, 3], requiresGrad: true)
            return x * 1  // a recorded result, never written again
        }
        let stacked = Tensor.stack(parts)
        guard case .stack = stacked.storage.values else { return XCTFail("the copy is deferred") }
        XCTAssertTrue(stacked.storage.isPending)
        XCTAssertEqual(stacked[2].scalars, parts[2].scalars)
        let w = Tensor((0..<6).map { Float($0) - 2.5 }, shape: [3, 2], requiresGrad: true)
        let product = matmul(stacked.reshaped([-1, 3]), w)
        let viaParts = product.scalars
        XCTAssertTrue(stacked.storage.isPending, "a product reads the parts, not a copy")
        let copy = Tensor(stacked.scalars, shape: [32, 3])  // reading the whole runs the copy
        XCTAssertFalse(stacked.storage.isPending)
        guard case .dense = stacked.storage.values else { return XCTFail("a stack once copied is a buffer") }
        XCTAssertEqual(viaParts, matmul(copy, w).scalars)
        XCTAssertEqual(copy.scalars, parts.flatMap(\.scalars))
        (product.sum() + stacked[1].sum() * 3).backward()
        let wGrad = w.grad!.scalars
        w.zeroGrad()
        let expected = matmul(copy, w).sum()
        expected.backward()
        XCTAssertEqual(wGrad, w.grad!.scalars)
    }

    /// swapAxes(0, 1) of recorded time-major logits is deferred; crossEntropy reads the rows in
    /// place and sends the gradient straight to the unswapped tensor, with the same values as
    /// through a copy.
    func testDeferredSwapFeedsCrossEntropyInPlace() {
        manualSeed(3)
        let (steps, batch, vocab) = (5, 7, 6)
        let w = Tensor.randn([steps * batch, vocab], requiresGrad: true)
        let targets = IntTensor((0..<(batch * steps)).map { ($0 * 5 + 1) % vocab }, shape: [batch * steps])
        func loss(copy: Bool) -> (Float, [Float]) {
            w.zeroGrad()
            let timeMajor = (w * 1).reshaped([steps, batch, vocab])
            var swapped = timeMajor.swapAxes(0, 1)  // (batch, steps, vocab)
            if copy {
                swapped = swapped * 1  // reads the swap: a plain copy
            } else {
                if case .swapped = swapped.storage.values {} else { XCTFail("the swap is deferred") }
            }
            let l = crossEntropy(swapped.reshaped([-1, vocab]), targets)
            if !copy { XCTAssertTrue(swapped.storage.isPending, "the swap is never copied") }
            l.backward()
            return (l.item, w.grad!.scalars)
        }
        let (inPlace, inPlaceGrad) = loss(copy: false)
        let (copied, copiedGrad) = loss(copy: true)
        XCTAssertEqual(inPlace, copied, accuracy: 1e-6)
        XCTAssertEqual(inPlaceGrad, copiedGrad)
    }

    /// A parameter may change in place (SGD), so a stack holding one is copied at once.
    func testStackOfParametersIsCopied() {
        let p = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        let q = Tensor([4, 5, 6], shape: [3], requiresGrad: true)
        let stacked = Tensor.stack([p.reshaped([3]), q * 1])
        guard case .dense = stacked.storage.values else { return XCTFail("a stack holding a parameter is copied") }
        let first = stacked[0]
        p.grad = Tensor([1, 1, 1], shape: [3])
        SGD([p], lr: 1).step()
        XCTAssertEqual(p.scalars, [0, 1, 2])
        XCTAssertEqual(first.scalars, [1, 2, 3])
    }
}
