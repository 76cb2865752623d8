import CBLAS
import XCTest

@testable import TensorKit

final class MatmulTests: XCTestCase {
    func testValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([1, 0, 0, 1, 1, 1], shape: [3, 2])
        XCTAssertEqual(matmul(a, b).scalars, [4, 5, 10, 11])
        let batched = Tensor((0..<12).map(Float.init), shape: [2, 2, 3])
        XCTAssertEqual(matmul(batched, b).shape, [2, 2, 2])
        XCTAssertEqual(matmul(batched, b).scalars, [2, 3, 8, 9, 14, 15, 20, 21])
    }

    func testShapeMessage() {
        XCTAssertEqual(
            shapeMismatchMessage("matmul", [2, 3], [4, 5]), "matmul: shapes [2, 3] and [4, 5] are not compatible")
    }

    func testGradients() {
        let a = sample([4, 3], 1), b = sample([3, 5], 2), batched = sample([2, 4, 3], 3)
        checkGradients([a, b]) { matmul(a, b) }
        checkGradients([batched, b]) { matmul(batched, b) }
        checkGradients([a]) { matmul(a, a.transposed()) }
    }

    /// `matmul(X, W) + matmul(H, U) + b` is summed into one buffer when read; values and
    /// gradients are those of the plain expression, one-hot operands included.
    func testDeferredSumsOfProducts() {
        let x = sample([3, 4], 1), w = sample([4, 5], 2), h = sample([3, 2], 3), u = sample([2, 5], 4),
            b = sample([5], 5)
        let expected = (0..<15).map { i -> Double in
            let r = i / 5, c = i % 5
            var v = Double(b.scalars[c])
            for q in 0..<4 { v += Double(x.scalars[r * 4 + q] * w.scalars[q * 5 + c]) }
            for q in 0..<2 { v += Double(h.scalars[r * 2 + q] * u.scalars[q * 5 + c]) }
            return v
        }
        assertClose((matmul(x, w) + matmul(h, u) + b).scalars, expected)
        assertClose((b + (matmul(x, w) + matmul(h, u))).scalars, expected)
        checkGradients([x, w, h, u, b]) { tanh(matmul(x, w) + matmul(h, u) + b) }
        let ids = IntTensor([2, 0, 3], shape: [3])
        checkGradients([w, h, u, b]) { matmul(oneHot(ids, 4), w) + matmul(h, u) + b }
        XCTAssertEqual(Storage.pendingCount, 0, "no pending value outlives its tensors")
    }

    /// A pending product reads its operands before SGD changes them in place.
    func testDeferredProductsSeeOperandsAsAtTheCall() {
        let w = Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        let x = Tensor([1, 1], shape: [1, 2])
        let y = matmul(x, w)
        let s = matmul(x, w) + matmul(x, w) + Tensor([1, 1])
        w.grad = Tensor.ones([2, 2])
        SGD([w], lr: 1).step()
        XCTAssertEqual(w.scalars, [0, 1, 2, 3])
        XCTAssertEqual(y.scalars, [4, 6])
        XCTAssertEqual(s.scalars, [9, 13])
        XCTAssertEqual(matmul(x, w).scalars, [2, 4])
    }

    /// A one-hot left operand takes the gather path; values and gradients match the dense product.
    func testOneHotGatherMatchesDense() {
        let ids = IntTensor([3, 0, 2, 2, 1, 0], shape: [3, 2])
        let w = sample([4, 5], 4)
        let hot = oneHot(ids, 4)
        let dense = Tensor(hot.scalars, shape: hot.shape)
        XCTAssertNil(dense.oneHot)
        XCTAssertNotNil(hot[1].oneHot)
        assertClose(matmul(hot, w), matmul(dense, w).scalars)
        assertClose(matmul(hot[1], w), matmul(dense[1], w).scalars)
        checkGradients([w]) { matmul(oneHot(ids, 4)[2], w) }
        checkGradients([w]) { matmul(oneHot(ids, 4), w) }
    }

    /// The AVX-512 small-matrix kernel agrees with OpenBLAS for every transpose and beta, odd sizes included.
    func testSmallGemmKernelAgainstOpenBLAS() throws {
        try XCTSkipUnless(BLAS.avx512, "no AVX-512 on this CPU")
        for (m, n, k) in [(1, 1, 1), (13, 7, 5), (9, 33, 17), (64, 96, 32), (3, 28, 700), (17, 40, 1030)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    for beta: Float in [0, 1] {
                        let a = sample([m * k], 11), b = sample([k * n], 12)
                        let c1 = sample([m * n], 13), c2 = Tensor(c1.scalars, shape: [m * n])
                        let lda = transA ? m : k, ldb = transB ? k : n
                        cblas_sgemm(
                            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), 1, a.data, Int32(lda), b.data, Int32(ldb), beta, c1.data,
                            Int32(n))
                        BLAS.smallGemm(
                            transA: transA, transB: transB, m: m, n: n, k: k, a.data, lda: lda, b.data, ldb: ldb,
                            beta: beta, c2.data, ldc: n)
                        assertClose(
                            c2.scalars, c1.scalars.map(Double.init), rtol: 1e-4, atol: 1e-4,
                            "m\(m) n\(n) k\(k) tA \(transA) tB \(transB) beta \(beta)")
                    }
                }
            }
        }
        // with a bias row instead of C
        let a = sample([10 * 6], 14), b = sample([6 * 20], 15), bias = sample([20], 16)
        let c = Tensor.zeros([10 * 20])
        BLAS.gemmBias(m: 10, n: 20, k: 6, a.data, lda: 6, b.data, ldb: 20, bias: bias.data, c.data, ldc: 20)
        let expected = matmul(a.reshaped([10, 6]), b.reshaped([6, 20])) + bias
        assertClose(c, expected.scalars)
    }
}
