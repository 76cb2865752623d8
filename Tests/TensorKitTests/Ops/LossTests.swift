import XCTest

@testable import TensorKit

final class LossTests: XCTestCase {
    func testSoftmaxAndCrossEntropyValues() {
        let logits = Tensor([1, 2, 3, 1, 1, 1], shape: [2, 3])
        assertClose(softmax(logits), [0.09003057, 0.24472847, 0.66524096, 1.0 / 3, 1.0 / 3, 1.0 / 3], rtol: 1e-6)
        assertClose(softmax(logits, axis: 0), [0.5, 0.7310586, 0.8807971, 0.5, 0.2689414, 0.1192029], rtol: 1e-6)
        // -(log p[0][2] + log p[1][0]) / 2
        let loss = crossEntropy(logits, IntTensor([2, 0], shape: [2]))
        XCTAssertEqual(loss.item, Float((0.40760596 + 1.0986123) / 2), accuracy: 1e-6)
        // stable for huge logits
        let big = crossEntropy(Tensor([1000, 0, -1000], shape: [1, 3]), IntTensor([0], shape: [1, 1]))
        XCTAssertEqual(big.item, 0, accuracy: 1e-6)
    }

    func testGradients() {
        let x = sample([4, 5], 1, low: -3, high: 3)
        checkGradients([x]) { softmax(x) }
        checkGradients([x]) { softmax(x, axis: 0) }
        checkGradients([x]) { crossEntropy(x, IntTensor([4, 0, 2, 2], shape: [2, 2])) }
        let w = sample([6, 3], 2)
        checkGradients([w]) { embedding(w, IntTensor([5, 0, 5, 2], shape: [2, 2])) }
    }

    func testOneHotAndEmbedding() {
        let hot = oneHot(IntTensor([2, 0, 1, 1], shape: [2, 2]), 3)
        XCTAssertEqual(hot.shape, [2, 2, 3])
        XCTAssertEqual(hot.scalars, [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0])
        let w = Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2])
        XCTAssertEqual(embedding(w, IntTensor([2, 0], shape: [2])).scalars, [5, 6, 1, 2])
    }

    func testDropout() {
        manualSeed(3)
        let x = Tensor.ones([1000])
        XCTAssertTrue(dropout(x, p: 0.5, training: false) === x)
        let y = dropout(x, p: 0.25, training: true).scalars
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
        let kept = y.filter { $0 != 0 }.count
        XCTAssertTrue((650...850).contains(kept), "kept \(kept) of 1000")
        // the gradient uses the same mask as the forward pass
        let z = sample([50], 4)
        z.requiresGrad = true
        let out = dropout(z, p: 0.5, training: true)
        out.sum().backward()
        for (o, g) in zip(out.scalars, z.grad!.scalars) { XCTAssertEqual(g, o == 0 ? 0 : 2) }
    }
}
