import XCTest

@testable import TensorKit

final class ShapeTests: XCTestCase {
    func testViewsAndCopies() {
        let x = Tensor((0..<6).map(Float.init), shape: [2, 3])
        XCTAssertEqual(x.reshaped([3, -1]).shape, [3, 2])
        XCTAssertEqual(x.transposed().scalars, [0, 3, 1, 4, 2, 5])
        XCTAssertEqual(x[1].scalars, [3, 4, 5])
        XCTAssertEqual(x[1].shape, [3])
        XCTAssertEqual(x[1..<2].shape, [1, 3])
        let y = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        XCTAssertEqual(y.swapAxes(0, 1).shape, [3, 2, 4])
        XCTAssertEqual(y.swapAxes(0, 1)[0].scalars, [0, 1, 2, 3, 12, 13, 14, 15])
        XCTAssertEqual(y.swapAxes(0, 2).shape, [4, 3, 2])
        XCTAssertEqual(y.swapAxes(0, 2)[1][2].scalars, [9, 21])
        let parts = y.split(2, axis: 2)
        XCTAssertEqual(parts.map(\.shape), [[2, 3, 2], [2, 3, 2]])
        XCTAssertEqual(parts[1][0][0].scalars, [2, 3])
        XCTAssertEqual(Tensor.concat(parts, axis: 2).scalars, y.scalars)
        XCTAssertEqual(Tensor.stack([x, x], axis: 1).shape, [2, 2, 3])
        XCTAssertEqual(Tensor.stack([x, x], axis: 1)[1].scalars, [3, 4, 5, 3, 4, 5])
        XCTAssertEqual(Tensor.concat([x, x[0..<1]]).shape, [3, 3])
    }

    /// A matrix's transpose with every kernel set (8 x 8 blocks, edges, split across threads):
    /// out[j][i] is x[i][j], at shapes with and without partial blocks.
    func testTransposeEveryKernelSet() {
        for set in BLAS.supportedKernels {
            for (rows, cols) in [(1, 1), (7, 13), (16, 24), (33, 9), (100, 257), (1024, 3072)] {
                let x = Tensor((0..<rows * cols).map(Float.init), shape: [rows, cols])
                withKernels(set) {
                    let t = x.transposed()
                    XCTAssertEqual(t.shape, [cols, rows])
                    let wrong = (0..<rows * cols).filter { t.data[($0 % cols) * rows + $0 / cols] != x.data[$0] }
                    XCTAssertEqual(wrong.count, 0, "\(set) \(rows)x\(cols)")
                }
            }
        }
    }

    func testGradients() {
        let x = sample([2, 3, 4], 1), y = sample([2, 3, 4], 2), z = sample([2, 1, 4], 3)
        checkGradients([x]) { x.reshaped([4, -1]) }
        checkGradients([x]) { x.swapAxes(0, 1) }
        checkGradients([x]) { x.swapAxes(2, 0) }
        checkGradients([x]) { x[1].transposed() }
        checkGradients([x]) { x[0..<1] + x[1..<2] }
        checkGradients([x]) { Tensor.stack(x.split(4, axis: 2), axis: 0) }
        checkGradients([x, y]) { Tensor.stack([x, y, x], axis: 1) }
        checkGradients([x, y]) { Tensor.stack([x, y], axis: 0) * 2 }
        checkGradients([x, z]) { Tensor.concat([x, z, x], axis: 1) }
        checkGradients([x, y]) { Tensor.concat([x, y], axis: 0) }
    }

    func testReshapeMessage() {
        XCTAssertEqual(resolveShape([-1, 4], count: 12, from: [3, 4], op: "reshaped"), [3, 4])
        XCTAssertEqual(
            shapeMismatchMessage("reshaped", [3, 4], [5, -1]), "reshaped: shapes [3, 4] and [5, -1] are not compatible")
    }
}
