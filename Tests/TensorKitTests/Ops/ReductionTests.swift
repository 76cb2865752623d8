import XCTest

@testable import TensorKit

final class ReductionTests: XCTestCase {
    func testValues() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(x.sum().item, 21)
        XCTAssertEqual(x.sum().shape, [])
        XCTAssertEqual(x.mean().item, 3.5)
        XCTAssertEqual(x.sum(axis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(x.sum(axis: 1, keepDims: true).shape, [2, 1])
        XCTAssertEqual(x.sum(axis: -1).scalars, [6, 15])
        XCTAssertEqual(x.mean(axis: 0).scalars, [2.5, 3.5, 4.5])
        XCTAssertEqual(Tensor([1, 5, 5, 2, 0, 9], shape: [2, 3]).argmax(axis: 1), IntTensor([1, 2], shape: [2]))
        XCTAssertEqual(Tensor([1, 5, 5, 2, 0, 9], shape: [2, 3]).argmax(axis: 0), IntTensor([1, 0, 1], shape: [3]))
        XCTAssertEqual(axisMessage("sum", 2, rank: 2), "sum: axis 2 is out of range for a tensor of rank 2")
    }

    func testGradients() {
        let x = sample([2, 3, 4], 1)
        checkGradients([x]) { x.sum() }
        checkGradients([x]) { x.mean() }
        for axis in [0, 1, 2, -1] {
            checkGradients([x]) { x.sum(axis: axis) }
            checkGradients([x]) { x.mean(axis: axis, keepDims: true) }
        }
    }
}
