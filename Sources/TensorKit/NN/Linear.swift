import TensorKitKernels

/// A fully connected layer y = x W^T + b applied along the last axis of x (any rank).
public final class Linear: Module {
    /// (outputSize, inputSize), as PyTorch stores it.
    public var weight: Tensor
    /// (outputSize), or nil without bias.
    public var bias: Tensor?
    /// Unused by Linear (no dropout); part of Module.
    public var training = true
    /// The size of the last axis of the input.
    public let inputSize: Int
    /// The size of the last axis of the output.
    public let outputSize: Int

    /// PyTorch's default initialisation: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)).
    public init(_ inputSize: Int, _ outputSize: Int, bias: Bool = true) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        let bound = 1 / Float(inputSize).squareRoot()
        weight = uniformParameter([outputSize, inputSize], bound: bound)
        self.bias = bias ? uniformParameter([outputSize], bound: bound) : nil
    }

    /// weight, then bias if any.
    public var parameters: [Tensor] { bias.map { [weight, $0] } ?? [weight] }

    /// x (..., in) -> (..., out).
    public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight, bias) }
}

/// x (..., in) W^T (in, out) + b, as one op: one gemm onto the broadcast bias.
public func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
    guard weight.rank == 2, x.rank >= 1, x.shape[x.rank - 1] == weight.shape[1] else {
        shapeMismatch("linear", x.shape, weight.shape)
    }
    let inSize = weight.shape[1], outSize = weight.shape[0]
    if let b = bias, b.shape != [outSize] { shapeMismatch("linear", weight.shape, b.shape) }
    let n = x.count / max(inSize, 1)
    let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [outSize])
    let y = out.data
    // y (n, out) = x (n, in) W^T + b (broadcast rows)
    if let b = bias {
        BLAS.gemmBias(
            transB: true, m: n, n: outSize, k: inSize, x.data, lda: inSize, weight.data, ldb: inSize,
            bias: b.data, y, ldc: outSize)
    } else {
        BLAS.gemm(
            transB: true, m: n, n: outSize, k: inSize, x.data, lda: inSize, weight.data, ldb: inSize,
            beta: 0, y, ldc: outSize)
    }
    var inputs = [x, weight]
    if let b = bias { inputs.append(b) }
    if Tensor.recording(inputs) {
        out.record(inputs) { g in
            // g: (n, out); dx = g W (n, in); dW = g^T x (out, in); db = column sums of g
            x.withGradBuffer { dx, fresh in
                BLAS.gemm(
                    m: n, n: inSize, k: outSize, g.data, lda: outSize, weight.data, ldb: inSize,
                    beta: fresh ? 0 : 1, dx, ldc: inSize)
            }
            weight.withGradBuffer { dw, fresh in
                BLAS.gemm(
                    transA: true, m: outSize, n: inSize, k: n, g.data, lda: outSize, x.data, ldb: inSize,
                    beta: fresh ? 0 : 1, dw, ldc: inSize)
            }
            bias?.withZeroedGradBuffer { db in addColumnSums(g.data, rows: n, cols: outSize, into: db) }
        }
    }
    return out
}

/// into[j] += sum over rows of m[r, j], for a (rows, cols) buffer.
/// Columns are split across the worker pool (each sum still runs down its rows in order).
func addColumnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
    Parallel.forRanges(cols, align: 16, work: rows * cols) { c in
        let m = m + c.lowerBound, out = out + c.lowerBound
        if BLAS.avx512 {
            tk_colsum_add_avx512(m, rows, c.count, cols, out)
            return
        }
        for r in 0..<rows {
            let row = m + r * cols
            for j in 0..<c.count { out[j] += row[j] }
        }
    }
}
