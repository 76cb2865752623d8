import Foundation
import XCTest

@testable import TensorKit

final class ElementwiseTests: XCTestCase {
    func testArithmeticValuesAndBroadcasting() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let row = Tensor([10, 20, 30])
        let col = Tensor([1, 2], shape: [2, 1])
        XCTAssertEqual((a + row).scalars, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((a - col).scalars, [0, 1, 2, 2, 3, 4])
        XCTAssertEqual((a * col).scalars, [1, 2, 3, 8, 10, 12])
        XCTAssertEqual((a / row).scalars, [0.1, 0.1, 0.1, 0.4, 0.25, 0.2])
        XCTAssertEqual((row + col).shape, [2, 3])
        XCTAssertEqual((2 * a - 1).scalars, [1, 3, 5, 7, 9, 11])
        XCTAssertEqual((1 - a).scalars, [0, -1, -2, -3, -4, -5])
        XCTAssertEqual((a / 2).scalars, [0.5, 1, 1.5, 2, 2.5, 3])
        XCTAssertEqual((6 / a).scalars, [6, 3, 2, 1.5, 1.2, 1])
        XCTAssertEqual((-a).scalars, [-1, -2, -3, -4, -5, -6])
        XCTAssertEqual((a + 1).shape, [2, 3])
    }

    func testBroadcastShapeMessages() {
        XCTAssertEqual(broadcastShape([2, 1, 3], [4, 1], op: "add"), [2, 4, 3])
        XCTAssertEqual(shapeMismatchMessage("add", [2, 3], [4]), "add: shapes [2, 3] and [4] are not compatible")
    }

    func testArithmeticGradients() {
        let a = sample([2, 3], 1), b = sample([2, 3], 2), row = sample([3], 3), col = sample([2, 1], 4)
        let positive = sample([2, 3], 5, low: 0.5, high: 2), positiveRow = sample([3], 6, low: 0.5, high: 2)
        checkGradients([a, b]) { a + b }
        checkGradients([a, row]) { a + row }
        checkGradients([a, col]) { a - col }
        checkGradients([col, row]) { col - row }
        checkGradients([a, b]) { a * b }
        checkGradients([a, col]) { a * col }
        checkGradients([a, positive]) { a / positive }
        checkGradients([a, positiveRow]) { a / positiveRow }
        checkGradients([a]) { 3 * a - 2 }
        checkGradients([a]) { (1 - a) / 4 + (a * 0.5) }
        checkGradients([positive]) { 2 / positive }
        checkGradients([a]) { -a }
        checkGradients([a]) { a * a }  // the same tensor on both sides
    }

    func testNonlinearityValues() {
        let x = Tensor([-2, -0.1, 0, 0.3, 5])
        assertClose(tanh(x), [-0.9640276, -0.0996680, 0, 0.2913126, 0.9999092], rtol: 1e-6, atol: 1e-7)
        assertClose(sigmoid(x), [0.1192029, 0.4750208, 0.5, 0.5744425, 0.9933071], rtol: 1e-6, atol: 1e-7)
        assertClose(exp(x), [0.1353353, 0.9048374, 1, 1.3498588, 148.41316], rtol: 1e-6)
        assertClose(log(Tensor([0.5, 1, 10])), [-0.6931472, 0, 2.3025851], rtol: 1e-6)
        XCTAssertEqual(relu(x).scalars, [0, 0, 0, 0.3, 5])
    }

    func testNonlinearityGradients() {
        let x = sample([3, 5], 7, low: -3, high: 3)
        checkGradients([x]) { tanh(x) }
        checkGradients([x]) { sigmoid(x) }
        checkGradients([x]) { exp(x) }
        checkGradients([x]) { relu(x) }
        let p = sample([3, 5], 8, low: 0.2, high: 3)
        checkGradients([p]) { log(p) }
    }

    /// The vectorised kernels (AVX-512 when available, the Swift SIMD fallback otherwise) agree
    /// with libm to Float32 precision over the whole useful range, and the tails of buffers too.
    func testVectorMathAgainstLibm() {
        let n = 20_001
        let xs = (0..<n).map { Float(-40 + 80 * Double($0) / Double(n - 1)) }
        var y = [Float](repeating: 0, count: n)
        func check(
            _ name: String, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
            _ reference: (Double) -> Double, range: ClosedRange<Float>
        ) {
            kernel(xs, &y, n)
            var worst = 0.0
            for (x, v) in zip(xs, y) where range.contains(x) {
                let r = reference(Double(x))
                worst = max(worst, abs(Double(v) - r) / max(abs(r), 1e-30))
            }
            XCTAssertLessThan(worst, 5e-7, name)
        }
        check("tanh", vTanh, Foundation.tanh, range: -40...40)
        check("sigmoid", vSigmoid, { 1 / (1 + Foundation.exp(-$0)) }, range: -40...40)
        check("exp", vExp, Foundation.exp, range: -40...40)
        // the Swift fallback too, whatever the machine
        var z = [Float](repeating: 0, count: 13)
        let small: [Float] = [-9, -3, -1, -0.7, -0.2, -1e-3, 0, 1e-3, 0.2, 0.7, 1, 3, 9]
        mapBuffer(small, &z, small.count, tanh8)
        for (x, v) in zip(small, z) {
            XCTAssertEqual(Double(v), Foundation.tanh(Double(x)), accuracy: 1e-6 * max(1, abs(Double(x))))
        }
        mapBuffer(small, &z, small.count, sigmoid8)
        for (x, v) in zip(small, z) { XCTAssertEqual(Double(v), 1 / (1 + Foundation.exp(-Double(x))), accuracy: 1e-6) }
    }
}
