import XCTest

@testable import TensorKit

final class SGDTests: XCTestCase {
    func testPlainStepAndZeroGrad() {
        let w = Tensor([1, 2], shape: [2], requiresGrad: true)
        let opt = SGD([w], lr: 0.5)
        (w * w).sum().backward()  // grad = 2w
        opt.step()
        XCTAssertEqual(w.scalars, [0, 0])
        opt.zeroGrad()
        XCTAssertNil(w.grad)
        opt.step()  // no gradient: nothing happens
        XCTAssertEqual(w.scalars, [0, 0])
    }

    func testMomentumAndWeightDecayAsPyTorch() {
        let w = Tensor([1], shape: [1], requiresGrad: true)
        let opt = SGD([w], lr: 0.1, momentum: 0.9, weightDecay: 0.5)
        w.grad = Tensor([1])
        opt.step()  // d = 1 + 0.5*1 = 1.5; v = 1.5; w = 1 - 0.15
        XCTAssertEqual(w.item, 0.85, accuracy: 1e-6)
        w.grad = Tensor([1])
        opt.step()  // d = 1 + 0.425 = 1.425; v = 0.9*1.5 + 1.425 = 2.775
        XCTAssertEqual(w.item, 0.85 - 0.2775, accuracy: 1e-6)
    }

    func testClipGradNorm() {
        let a = Tensor([0, 0], shape: [2], requiresGrad: true), b = Tensor([0], shape: [1], requiresGrad: true)
        a.grad = Tensor([3, 0])
        b.grad = Tensor([4])
        XCTAssertEqual(clipGradNorm([a, b], maxNorm: 10), 5)
        XCTAssertEqual(a.grad?.scalars, [3, 0])
        XCTAssertEqual(clipGradNorm([a, b], maxNorm: 1), 5)
        XCTAssertEqual(a.grad!.scalars[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.grad!.scalars[0], 0.8, accuracy: 1e-6)
    }
}
