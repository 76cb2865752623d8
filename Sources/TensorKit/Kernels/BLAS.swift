import CBLAS
import Foundation
import TensorKitKernels

/// The kernels TensorKit runs: its own AVX-512 ones (packed matrix product, small-shape product,
/// fused gates, vector math), its own AVX2+FMA packed matrix product (the rest portable Swift), or
/// the portable path macOS/arm64 takes: the system BLAS for products, Swift for the rest.
public enum KernelSet: String, CaseIterable, Sendable {
    case avx512, avx2, portable
}

/// Matrix products: on x86-64 with AVX2 or AVX-512, TensorKit's own packed kernel for every
/// shape (with a register-blocked kernel for the tall-skinny shapes of small RNN layers), so the
/// speed does not depend on whether the BLAS library recognises the CPU; elsewhere the system
/// BLAS (OpenBLAS), whose chosen core is reported and checked.
enum BLAS {
    /// One thread unless OPENBLAS_NUM_THREADS says otherwise: this machine kind's two vCPUs
    /// share one core's FP units, and a second BLAS thread only adds synchronisation.
    static let configured: Void = {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            openblas_set_num_threads(1)
        }
    }()

    /// The kernels in use: the best the CPU supports, or TENSORKIT_KERNELS (avx512, avx2,
    /// portable). Tests switch it to check every path on one machine.
    nonisolated(unsafe) static var kernels: KernelSet = {
        _ = configured  // first use of any kernel: also settle OpenBLAS's threads now
        switch chooseKernels(ProcessInfo.processInfo.environment["TENSORKIT_KERNELS"], supported: supportedKernels) {
        case .success(let set): return set
        case .failure(let error): fatalError(error.description)
        }
    }()

    /// The kernel set `requested` (TENSORKIT_KERNELS) names, or the best supported when it is
    /// unset; a name that is not a set, or a set this CPU lacks, is an error saying so.
    static func chooseKernels(_ requested: String?, supported: [KernelSet]) -> Result<KernelSet, KernelChoiceError> {
        guard let name = requested, !name.isEmpty else { return .success(supported[0]) }
        // "blas" is the old name of the portable path
        guard let chosen = name == "blas" ? .portable : KernelSet(rawValue: name) else {
            return .failure(
                KernelChoiceError(
                    description:
                        "TENSORKIT_KERNELS=\(name): expected one of \(KernelSet.allCases.map(\.rawValue).joined(separator: ", "))"
                ))
        }
        guard supported.contains(chosen) else {
            return .failure(
                KernelChoiceError(
                    description:
                        "TENSORKIT_KERNELS=\(name): this CPU supports only \(supported.map(\.rawValue).joined(separator: ", "))"
                ))
        }
        return .success(chosen)
    }

    /// The kernel sets this CPU runs, best first (portable always).
    static let supportedKernels: [KernelSet] = {
        var sets: [KernelSet] = []
        if tk_cpu_has_avx512() != 0 && tk_cpu_has_avx2_fma() != 0 { sets.append(.avx512) }
        if tk_cpu_has_avx2_fma() != 0 { sets.append(.avx2) }
        return sets + [.portable]
    }()

    /// Whether the AVX-512 element-wise and gate kernels run.
    static var avx512: Bool { kernels == .avx512 }

    /// The core OpenBLAS chose when it loaded, and whether it is a generic one on a CPU that has
    /// AVX2 (an old OpenBLAS that does not recognise the CPU falls back to such a core silently).
    static let openBLASCore: (name: String, generic: Bool) = {
        let name = String(cString: openblas_get_corename())
        let old: Set<String> = [
            "prescott", "katmai", "coppermine", "northwood", "banias", "core2", "penryn",
            "dunnington", "nehalem", "atom", "athlon", "opteron", "opteron_sse3",
            "barcelona", "bobcat", "nano", "sandybridge", "bulldozer", "piledriver",
        ]
        return (name, old.contains(name.lowercased()) && tk_cpu_has_avx2_fma() != 0)
    }()

    /// Says once, on standard error, when the portable path runs OpenBLAS's generic core.
    static let warnedGenericCore: Void = {
        if openBLASCore.generic {
            FileHandle.standardError.write(
                Data(
                    """
                    TensorKit: OpenBLAS runs its generic \(openBLASCore.name) kernel on a CPU with AVX2; \
                    leave TENSORKIT_KERNELS unset for TensorKit's own kernels, or set OPENBLAS_CORETYPE \
                    (e.g. Haswell, SkylakeX) before the program starts.\n
                    """.utf8))
        }
    }()

    /// The packed kernel's micro-kernels, when the product runs TensorKit's packed kernel.
    static var packedISA: tk_gemm_isa { kernels == .avx512 ? TK_GEMM_AVX512 : TK_GEMM_AVX2 }

    /// The matrix-product kernel in use, in words.
    static var kernelDescription: String {
        switch kernels {
        case .avx512:
            return
                "tensorkit-avx512 (packed \(tk_gemm_mr(TK_GEMM_AVX512))x\(tk_gemm_nr(TK_GEMM_AVX512)) micro-kernel; 8x32 for small shapes)"
        case .avx2:
            return "tensorkit-avx2 (packed \(tk_gemm_mr(TK_GEMM_AVX2))x\(tk_gemm_nr(TK_GEMM_AVX2)) micro-kernel)"
        case .portable:
            return "openblas-\(openBLASCore.name.lowercased())"
                + (openBLASCore.generic ? " (generic core on an AVX2 CPU)" : "")
        }
    }

    /// C (m x n) = op(A) (m x k) * op(B) (k x n) + bias (n), broadcast over rows.
    static func gemmBias(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        bias: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        switch productKernel(transA: transA, transB: transB, n: n, k: k) {
        case .small:
            smallGemm(
                transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb,
                beta: 0, bias: bias, c, ldc: ldc)
            return
        case .packed:
            packedGemm(
                transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb,
                beta: 0, bias: bias, c, ldc: ldc)
            return
        case .system: break
        }
        for r in 0..<m { copyFloats(bias, c + r * ldc, n) }
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: 1, c, ldc: ldc)
    }

    /// The kernels a product (alpha 1, beta 0 or 1) can run on.
    enum ProductKernel { case small, packed, system }

    /// Which kernel a product of this shape (alpha 1, beta 0 or 1, k > 0) runs on: the one
    /// decision gemm and gemmBias follow, and PackedOperand, which packs B only for the packed
    /// kernel.
    @inline(__always) static func productKernel(transA: Bool, transB: Bool, n: Int, k: Int) -> ProductKernel {
        if avx512Eligible(transA: transA, transB: transB, n: n, k: k) { return .small }
        return kernels == .portable ? .system : .packed
    }

    /// Shapes the AVX-512 kernel handles well: narrow outputs, short or transposed reductions.
    @inline(__always) static func avx512Eligible(transA: Bool, transB: Bool, n: Int, k: Int) -> Bool {
        avx512 && n <= 128 && (transA || k <= 128) && (!transB || n * k <= 16384) && k > 0
    }

    /// C (m x n) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C, all row-major.
    @inline(__always)
    static func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
        _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for r in 0..<m { (c + r * ldc).initialize(repeating: 0, count: n) } }
            return
        }
        if alpha == 1 && (beta == 0 || beta == 1) {
            switch productKernel(transA: transA, transB: transB, n: n, k: k) {
            case .small:
                smallGemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb,
                    beta: beta, c, ldc: ldc)
                return
            case .packed:
                packedGemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb,
                    beta: beta, bias: nil, c, ldc: ldc)
                return
            case .system: break
            }
        }
        _ = configured
        _ = warnedGenericCore
        // rows of C split across the worker pool in blocks that do not depend on the number of
        // threads (OpenBLAS rounds differently for different shapes); op(A)'s row r starts at
        // a + r (transposed) or a + r * lda
        Parallel.forFixedBlocks(m, align: 8, work: m * n * k) { rows in
            cblas_sgemm(
                CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(rows.count), Int32(n), Int32(k), alpha, a + rows.lowerBound * (transA ? 1 : lda),
                Int32(lda), b, Int32(ldb), beta, c + rows.lowerBound * ldc, Int32(ldc))
        }
    }

    /// TensorKit's packed kernel (gemm.c) with the AVX-512 or AVX2 micro-kernel, C split across
    /// the worker pool by splitPacked; the same bits for any split.
    static func packedGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
        _ b: UnsafePointer<Float>, ldb: Int, beta: Float, bias: UnsafePointer<Float>?,
        _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let isa = packedISA
        let ais = transA ? 1 : lda, aqs = transA ? lda : 1
        let bqs = transB ? 1 : ldb, bjs = transB ? ldb : 1
        splitPacked(isa, m: m, n: n, k: k) { rows, cols in
            tk_sgemm_packed(
                isa, rows.count, cols.count, k, a + rows.lowerBound * ais, ais, aqs, b + cols.lowerBound * bjs,
                bqs, bjs, beta, bias.map { $0 + cols.lowerBound }, c + rows.lowerBound * ldc + cols.lowerBound,
                ldc)
        }
    }

    /// Splits a packed product's C across the worker pool: along the larger of m and n, in whole
    /// micro-tiles, one part per thread (a part packs all of the operand it does not split, or A
    /// at least when B is packed already, so more parts would only pack it again). body(rows,
    /// cols) computes that block of C.
    static func splitPacked(
        _ isa: tk_gemm_isa, m: Int, n: Int, k: Int, _ body: (Range<Int>, Range<Int>) -> Void
    ) {
        let mr = tk_gemm_mr(isa), nr = tk_gemm_nr(isa)
        if m >= 2 * mr && (n < 8 * nr || m > n) {
            Parallel.forRanges(m, align: mr, work: m * n * k, chunksPerThread: 1) { rows in body(rows, 0..<n) }
        } else {
            Parallel.forRanges(n, align: nr, work: m * n * k, chunksPerThread: 1) { cols in body(0..<m, cols) }
        }
    }

    /// The AVX-512 kernel; a transposed B (always a small weight here) is transposed on the stack first.
    static func smallGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
        _ b: UnsafePointer<Float>, ldb: Int, beta: Float, bias: UnsafePointer<Float>? = nil,
        _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let ars = transA ? 1 : lda, aks = transA ? lda : 1
        // rows of C split across the worker pool (in blocks of the kernel's 8 rows)
        func product(_ b: UnsafePointer<Float>, _ ldb: Int) {
            Parallel.forRanges(m, align: 8, work: m * n * k) { rows in
                tk_gemm_avx512(
                    rows.count, n, k, a + rows.lowerBound * ars, ars, aks, b, ldb, beta, bias,
                    c + rows.lowerBound * ldc, ldc)
            }
        }
        if !transB {
            product(b, ldb)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: n * k) { bt in
            // b is (n, k) with row stride ldb; bt = b^T is (k, n)
            let t = bt.baseAddress!
            for i in 0..<n { for q in 0..<k { t[q * n + i] = b[i * ldb + q] } }
            product(t, n)
        }
    }
}

/// The kernel set in use: the best this CPU supports, or `TENSORKIT_KERNELS` (avx512, avx2,
/// portable; a set the CPU lacks stops the program with a message saying so).
public var activeKernels: KernelSet { BLAS.kernels }

/// The matrix-product kernel in use, in words (e.g. "tensorkit-avx512 (packed 8x48 micro-kernel; ...)"
/// or "openblas-haswell"): benchmarks print it, so a slow generic kernel never runs unnoticed.
public var matrixKernel: String { BLAS.kernelDescription }

/// Why TENSORKIT_KERNELS cannot be followed.
struct KernelChoiceError: Error, CustomStringConvertible {
    let description: String
}
