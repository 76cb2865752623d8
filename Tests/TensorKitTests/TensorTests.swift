import XCTest

@testable import TensorKit

final class TensorTests: XCTestCase {
    func testCreationAndProperties() {
        let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(t.shape, [2, 3])
        XCTAssertEqual(t.count, 6)
        XCTAssertEqual(t.rank, 2)
        XCTAssertEqual(Tensor(2.5).shape, [])
        XCTAssertEqual(Tensor(2.5).item, 2.5)
        XCTAssertEqual(Tensor([1, 2]).shape, [2])
        XCTAssertEqual(Tensor.zeros([2, 2]).scalars, [0, 0, 0, 0])
        XCTAssertEqual(Tensor.ones([3]).scalars, [1, 1, 1])
        XCTAssertTrue(Tensor.ones([1], requiresGrad: true).requiresGrad)
    }

    func testRandomIsSeededAndShaped() {
        manualSeed(42)
        let a = Tensor.randn([1000]).scalars
        manualSeed(42)
        XCTAssertEqual(Tensor.randn([1000]).scalars, a)
        let mean = a.reduce(0, +) / 1000
        let variance = a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000
        XCTAssertEqual(mean, 0, accuracy: 0.1)
        XCTAssertEqual(variance, 1, accuracy: 0.15)
        let u = Tensor.rand([1000], low: -2, high: 3).scalars
        XCTAssertTrue(u.allSatisfy { $0 >= -2 && $0 < 3 })
        let p = randomPermutation(50)
        XCTAssertEqual(p.sorted(), Array(0..<50))
        XCTAssertNotEqual(p, Array(0..<50))
    }

    func testDescription() {
        XCTAssertEqual(
            Tensor([0.1, 0.2, 0.3, 1, 2, 30000], shape: [2, 3]).description,
            "Tensor(shape: [2, 3], [[0.1, 0.2, 0.3], [1, 2, 3e+04]])")
        XCTAssertEqual(Tensor(1.0 / 3).description, "Tensor(shape: [], 0.3333)")
        XCTAssertEqual(Tensor([], shape: [0]).description, "Tensor(shape: [0], [])")
        let big = Tensor((0..<2000).map(Float.init), shape: [2, 1000]).description
        XCTAssertEqual(
            big, "Tensor(shape: [2, 1000], [[0, 1, 2, ..., 997, 998, 999], [1000, 1001, 1002, ..., 1997, 1998, 1999]])")
        XCTAssertEqual(
            IntTensor([1, 2, 3, 4], shape: [2, 2]).description, "IntTensor(shape: [2, 2], [[1, 2], [3, 4]])")
    }

    func testIntTensor() {
        let x = IntTensor([1, 2, 3, 4, 5, 6], shape: [3, 2])
        XCTAssertEqual(x.transposed(), IntTensor([1, 3, 5, 2, 4, 6], shape: [2, 3]))
        XCTAssertEqual(x[rows: 1..<3], IntTensor([3, 4, 5, 6], shape: [2, 2]))
        XCTAssertEqual(x[1..<3], x[rows: 1..<3])
        XCTAssertEqual(x.rows([2, 0]), IntTensor([5, 6, 1, 2], shape: [2, 2]))
        XCTAssertEqual(x.reshaped([-1]), IntTensor([1, 2, 3, 4, 5, 6], shape: [6]))
        XCTAssertEqual(x[1], IntTensor([3, 4], shape: [2]))
    }

    func testAutogradBookkeeping() {
        let w = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        let x = Tensor([4, 5, 6])
        (w * x).sum().backward()
        XCTAssertEqual(w.grad?.scalars, [4, 5, 6])
        XCTAssertNil(x.grad)
        // gradients accumulate until cleared
        (w * x).sum().backward()
        XCTAssertEqual(w.grad?.scalars, [8, 10, 12])
        w.zeroGrad()
        XCTAssertNil(w.grad)
        // nothing is recorded without grad, or for detached tensors
        let y = withNoGrad { w * x }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertFalse((w.detached() * x).requiresGrad)
        XCTAssertEqual(
            backwardShapeMessage([2, 3]),
            "backward: can only start from a one-element tensor (a scalar loss), got shape [2, 3]")
    }

    /// A gradient lent to two consumers must not be modified in place by either of them.
    func testSharedGradientsAreNotAliased() {
        let a = sample([3], 1), b = sample([3], 2)
        a.requiresGrad = true
        b.requiresGrad = true
        let s = a + b  // s's gradient is lent to both a and b
        let loss = (s * 2).sum() + (a * 3).sum()
        loss.backward()
        XCTAssertEqual(a.grad?.scalars, [5, 5, 5])
        XCTAssertEqual(b.grad?.scalars, [2, 2, 2])
    }
}
