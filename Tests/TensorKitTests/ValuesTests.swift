import XCTest

@testable import TensorKit

/// What a tensor's values are (Values.swift): which recipes the row reader shows as they are,
/// and in-place writes that compute pending values first without the caller asking.
final class ValuesTests: XCTestCase {
    /// One-hot rows, a stack of results and swapped logits are read without being computed; a
    /// pending product and a view that cuts rows are computed when read.
    func testRowReaderShowsRecipesAsTheyAre() {
        let hot = oneHot(IntTensor([2, 0, 1, 3, 3, 1], shape: [3, 2]), 4)
        guard case .oneHot(_, let first) = hot[1].rows(width: 4) else { return XCTFail("one-hot rows") }
        XCTAssertEqual(first, 2, "the view starts at the third row")
        XCTAssertTrue(hot.storage.isPending, "reading the rows wrote no dense buffer")
        XCTAssertNil(hot.reshaped([2, 12]).oneHot, "rows of another width are not one-hot")
        guard case .dense(let p) = hot.reshaped([-1]).rows(width: 2) else { return XCTFail("dense rows") }
        XCTAssertEqual((0..<4).map { p[$0] }, [0, 0, 1, 0])
        XCTAssertNotNil(hot.oneHot, "the indices outlive the dense buffer")

        let w = Tensor((0..<12).map { Float($0) }, shape: [4, 3], requiresGrad: true)
        let parts = (0..<3).map { i in w * Float(i + 1) }
        let stacked = Tensor.stack(parts)
        guard case .parts(let rows, let rowsPerPart) = stacked.rows(width: 3) else { return XCTFail("parts") }
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rowsPerPart, 4)
        XCTAssertEqual(rows[2][5], 15)
        XCTAssertTrue(stacked.storage.isPending)
        guard case .dense = stacked.rows(width: 5) else { return XCTFail("rows across parts are computed") }
        XCTAssertFalse(stacked.storage.isPending)

        let swapped = (w * 1).reshaped([2, 2, 3]).swapAxes(0, 1)
        guard case .swapped(let source) = swapped.reshaped([-1, 3]).rows(width: 3) else { return XCTFail("swap") }
        XCTAssertEqual(source.shape, [2, 2, 3])
        XCTAssertTrue(swapped.storage.isPending)

        let product = matmul(w, Tensor.ones([3, 2]))
        guard case .dense(let q) = product.rows(width: 2) else { return XCTFail("a product is computed") }
        XCTAssertEqual(q[2], 12)
        XCTAssertFalse(product.storage.isPending)
    }

    /// A parameter's buffer is written in place, so no deferred value refers to it.
    func testParametersAreNotDeferred() {
        let p = Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        guard case .variable = p.storage.values else { return XCTFail("a parameter is a variable buffer") }
        XCTAssertFalse(p.reshaped([4]).deferrable)
        XCTAssertTrue((p * 1).deferrable)
        XCTAssertFalse((p * 1).detached().deferrable, "not a recorded result")
    }

    /// Clipping and loading a snapshot write in place; pending products that read the tensors
    /// they write still see the values as they were when the products were made.
    func testInPlaceWritersComputePendingValuesFirst() {
        let linear = Linear(2, 2)
        let x = Tensor([1, 1], shape: [1, 2])
        let before = matmul(x, linear.weight)
        let expected = (0..<2).map { j in linear.weight.scalars[j] + linear.weight.scalars[2 + j] }
        linear.loadParameterValues(linear.parameters.map { [Float](repeating: 7, count: $0.count) })
        XCTAssertEqual(before.scalars, expected)

        let g = Tensor([3, 4], shape: [1, 2])
        linear.weight.grad = Tensor([3, 4, 0, 0], shape: [2, 2])
        let fromGrad = matmul(g, linear.weight.grad!)
        clipGradNorm([linear.weight], maxNorm: 1)
        XCTAssertEqual(linear.weight.grad!.scalars, [0.6, 0.8, 0, 0])
        XCTAssertEqual(fromGrad.scalars, [9, 12])
        XCTAssertEqual(Storage.pendingCount, 0)
    }
}
