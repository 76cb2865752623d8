import XCTest

@testable import TensorKit

/// The one gradient checker for every op and layer: compares `backward()` against central
/// finite differences of L = sum_i w_i * f(inputs)_i, with fixed pseudo-random weights w so
/// every output element matters. L is accumulated in Float64 so the differences are not
/// swamped by Float32 rounding of the sum; the op itself runs in Float32.
func checkGradients(
    _ inputs: [Tensor], eps: Float = 1e-3, rtol: Float = 1e-2, atol: Float = 2e-3,
    file: StaticString = #filePath, line: UInt = #line, _ f: () -> Tensor
) {
    for x in inputs {
        x.requiresGrad = true
        x.grad = nil
    }
    let probe = withNoGrad(f)
    var rng = RandomGenerator(seed: 1234)
    let weights = (0..<probe.count).map { _ in Float(rng.nextDouble() * 2 - 1) }
    let w = Tensor(weights, shape: probe.shape)
    func loss() -> Double {
        let y = withNoGrad(f).scalars
        var s: Double = 0
        for i in 0..<y.count { s += Double(y[i]) * Double(weights[i]) }
        return s
    }
    (f() * w).sum().backward()
    for (k, x) in inputs.enumerated() {
        guard let grad = x.grad?.scalars else {
            XCTFail("input \(k) received no gradient", file: file, line: line)
            continue
        }
        var worst: Float = 0
        for i in 0..<x.count {
            let saved = x.data[i]
            x.mutableData[i] = saved + eps
            let up = loss()
            x.mutableData[i] = saved - eps
            let down = loss()
            x.mutableData[i] = saved
            let numeric = Float((up - down) / Double(2 * eps))
            let diff = abs(numeric - grad[i])
            worst = max(worst, diff)
            if diff > atol + rtol * abs(numeric) {
                XCTFail(
                    "input \(k) shape \(x.shape) element \(i): backward \(grad[i]) vs finite difference \(numeric)",
                    file: file, line: line)
                return
            }
        }
        _ = worst
    }
}

/// Asserts two sequences agree within rtol relative or atol absolute; reports the worst element.
func assertClose(
    _ actual: [Float], _ expected: [Double], rtol: Double = 1e-4, atol: Double = 1e-5,
    _ what: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return
    }
    var worstIndex = -1
    var worstExcess = 0.0
    for i in 0..<actual.count {
        let diff = abs(Double(actual[i]) - expected[i])
        let excess = diff - (atol + rtol * abs(expected[i]))
        if excess > worstExcess {
            worstExcess = excess
            worstIndex = i
        }
    }
    if worstIndex >= 0 {
        XCTFail(
            "\(what): element \(worstIndex) is \(actual[worstIndex]), expected \(expected[worstIndex])",
            file: file, line: line)
    }
}

func assertClose(
    _ actual: Tensor, _ expected: [Float], rtol: Double = 1e-4, atol: Double = 1e-5,
    _ what: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    assertClose(actual.scalars, expected.map(Double.init), rtol: rtol, atol: atol, what, file: file, line: line)
}

/// A tensor of reproducible values in [low, high) (its own generator, so tests are independent).
func sample(_ shape: [Int], _ seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let n = shape.reduce(1, *)
    return Tensor((0..<n).map { _ in low + (high - low) * rng.nextFloat() }, shape: shape)
}

/// Runs `body` with the portable kernels (the path macOS/arm64 takes: system BLAS, Swift
/// element-wise code) instead of TensorKit's x86-64 ones, so both are checked on one machine.
func withPortableKernels(_ body: () throws -> Void) rethrows {
    try withKernels(.portable, body)
}

/// Runs `body` with the given kernel set in use.
func withKernels(_ set: KernelSet, _ body: () throws -> Void) rethrows {
    let saved = BLAS.kernels
    BLAS.kernels = set
    defer { BLAS.kernels = saved }
    try body()
}
