import TensorKitKernels
import XCTest

@testable import TensorKit

/// TensorKit's packed matrix product (gemm.c) with each micro-kernel the CPU runs.
final class PackedGemmTests: XCTestCase {
    private var isas: [(String, tk_gemm_isa)] {
        var list: [(String, tk_gemm_isa)] = []
        if BLAS.supportedKernels.contains(.avx512) { list.append(("avx512", TK_GEMM_AVX512)) }
        if BLAS.supportedKernels.contains(.avx2) { list.append(("avx2", TK_GEMM_AVX2)) }
        return list
    }

    /// Against a product in Double, for both transposes, beta 0 and 1, with and without a bias,
    /// at sizes that leave partial tiles and cross the kernel's blocks (256 of the sum, 384 columns).
    func testAgreesWithADoubleProduct() throws {
        try XCTSkipIf(isas.isEmpty, "no AVX2 on this CPU")
        let sizes = [(1, 1, 1), (7, 5, 3), (8, 48, 256), (13, 50, 300), (33, 100, 513), (64, 400, 257), (130, 17, 40)]
        for (name, isa) in isas {
            for (m, n, k) in sizes {
                for transA in [false, true] {
                    for transB in [false, true] {
                        for (beta, withBias) in [(Float(0), false), (0, true), (1, false)] {
                            let a = sample([m * k], 21), b = sample([k * n], 22), bias = sample([n], 23)
                            let c = sample([m * n], 24)
                            let ais = transA ? 1 : k, aqs = transA ? m : 1, bqs = transB ? 1 : n, bjs = transB ? k : 1
                            var expected = [Double](repeating: 0, count: m * n)
                            for i in 0..<m {
                                for j in 0..<n {
                                    var s = beta == 1 ? Double(c.data[i * n + j]) : withBias ? Double(bias.data[j]) : 0
                                    for q in 0..<k {
                                        s += Double(a.data[i * ais + q * aqs]) * Double(b.data[q * bqs + j * bjs])
                                    }
                                    expected[i * n + j] = s
                                }
                            }
                            tk_sgemm_packed(
                                isa, m, n, k, a.data, ais, aqs, b.data, bqs, bjs, beta,
                                withBias ? UnsafePointer(bias.data) : nil, c.data, n)
                            assertClose(
                                c.scalars, expected, rtol: 1e-4, atol: 1e-4,
                                "\(name) m\(m) n\(n) k\(k) tA \(transA) tB \(transB) beta \(beta) bias \(withBias)")
                        }
                    }
                }
            }
        }
    }

    /// Computing C in pieces (rows or columns, as the worker pool splits it) gives the same bits
    /// as in one call, packed or with B read in place.
    func testSplitsGiveTheSameBits() throws {
        try XCTSkipIf(isas.isEmpty, "no AVX2 on this CPU")
        let m = 160, n = 800, k = 600
        let a = sample([m * k], 31), b = sample([k * n], 32)
        for (name, isa) in isas {
            let whole = Tensor.zeros([m * n]), pieces = Tensor.zeros([m * n])
            tk_sgemm_packed(isa, m, n, k, a.data, k, 1, b.data, n, 1, 0, nil, whole.data, n)
            let mr = tk_gemm_mr(isa), nr = tk_gemm_nr(isa)
            // rows in blocks of one tile (B read in place), then columns of two tiles (packed)
            for r0 in stride(from: 0, to: m / 2, by: mr) {
                tk_sgemm_packed(
                    isa, min(mr, m / 2 - r0), n, k, a.data + r0 * k, k, 1, b.data, n, 1, 0, nil,
                    pieces.data + r0 * n, n)
            }
            for c0 in stride(from: 0, to: n, by: 2 * nr) {
                tk_sgemm_packed(
                    isa, m - m / 2, min(2 * nr, n - c0), k, a.data + (m / 2) * k, k, 1, b.data + c0, n, 1,
                    0, nil, pieces.data + (m / 2) * n + c0, n)
            }
            let differing = zip(whole.scalars, pieces.scalars).filter { $0.bitPattern != $1.bitPattern }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) of \(m * n) values differ")
        }
    }

    /// A right-hand operand packed once (a recurrent layer's weights) gives the bits of the same
    /// product packed on every call, with one thread and with all (the pool splits C by columns,
    /// or by rows when m > n), for every kernel set and shape: partial tiles, sums beyond one 256
    /// slice, more columns than one 384 block, a transposed B. The two small shapes run the
    /// small-shape AVX-512 kernel both ways with that set (the operand keeps B unpacked), and the
    /// packed kernel with AVX2.
    func testPrepackedOperandGivesTheSameBits() throws {
        defer { WorkerPool.limit = .max }
        let shapes = [(64, 800, 600), (13, 100, 40), (130, 1024, 256), (200, 160, 300), (32, 96, 32)]
        for set in BLAS.supportedKernels {
            for (m, n, k) in shapes {
                for transB in [false, true] {
                    for beta: Float in [0, 1] {
                        let a = sample([m * k], 51), b = sample([k * n], 52), start = sample([m * n], 53)
                        let ldb = transB ? k : n
                        // the product packed per call, in one piece on one thread
                        let expected = Tensor(start.scalars)
                        WorkerPool.limit = 1
                        withKernels(set) {
                            BLAS.gemm(
                                transB: transB, m: m, n: n, k: k, a.data, lda: k, b.data, ldb: ldb, beta: beta,
                                expected.data, ldc: n)
                        }
                        for limit in [1, Int.max] {
                            WorkerPool.limit = limit
                            let got = Tensor(start.scalars)
                            withKernels(set) {
                                PackedOperand(transB: transB, k: k, n: n, b, ldb: ldb)
                                    .product(m: m, a.data, lda: k, beta: beta, got.data, ldc: n)
                            }
                            let differing = zip(expected.scalars, got.scalars).filter {
                                $0.bitPattern != $1.bitPattern
                            }
                            XCTAssertEqual(
                                differing.count, 0,
                                "\(set) threads \(limit == 1 ? "1" : "all") m\(m) n\(n) k\(k) transB \(transB) beta \(beta)"
                            )
                        }
                    }
                }
            }
        }
        // column pieces of a prepacked B, each starting at a tile, as the worker pool splits it
        for (name, isa) in isas {
            let (m, n, k) = (40, 800, 300), nr = tk_gemm_nr(isa)
            let a = sample([m * k], 61), b = sample([k * n], 62)
            let whole = Tensor.zeros([m * n]), pieces = Tensor.zeros([m * n])
            tk_sgemm_packed(isa, m, n, k, a.data, k, 1, b.data, n, 1, 0, nil, whole.data, n)
            let packed = Tensor.zeros([tk_gemm_packed_b_floats(isa, k, n)])
            tk_gemm_pack_b(isa, k, n, b.data, n, 1, packed.data)
            for c0 in stride(from: 0, to: n, by: 3 * nr) {
                tk_sgemm_prepacked(
                    isa, m, min(3 * nr, n - c0), k, a.data, k, 1, packed.data, c0, n, 0, nil,
                    pieces.data + c0, n)
            }
            let differing = zip(whole.scalars, pieces.scalars).filter { $0.bitPattern != $1.bitPattern }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) of \(m * n) values differ")
        }
    }

    /// Through BLAS.gemm with each kernel set: the same product as OpenBLAS's, within rounding.
    func testEveryKernelSetAgreesWithOpenBLAS() {
        let (m, n, k) = (70, 300, 90)
        let a = sample([m * k], 41), b = sample([n * k], 42)
        var results: [KernelSet: [Float]] = [:]
        for set in BLAS.supportedKernels {
            withKernels(set) {
                let c = Tensor.zeros([m * n])
                BLAS.gemm(transB: true, m: m, n: n, k: k, a.data, lda: k, b.data, ldb: k, beta: 0, c.data, ldc: n)
                results[set] = c.scalars
            }
        }
        let reference = results[.portable]!.map(Double.init)
        for (set, values) in results { assertClose(values, reference, rtol: 1e-4, atol: 1e-4, "\(set)") }
    }
}
