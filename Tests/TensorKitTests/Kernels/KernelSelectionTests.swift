import TensorKitKernels
import XCTest

@testable import TensorKit

/// Which kernels run: TENSORKIT_KERNELS, what the CPU supports, and what the library reports.
final class KernelSelectionTests: XCTestCase {
    func testChoiceFollowsTheVariableAndTheCPU() throws {
        let all: [KernelSet] = [.avx512, .avx2, .portable]
        XCTAssertEqual(try BLAS.chooseKernels(nil, supported: all).get(), .avx512)
        XCTAssertEqual(try BLAS.chooseKernels("", supported: [.avx2, .portable]).get(), .avx2)
        XCTAssertEqual(try BLAS.chooseKernels("avx2", supported: all).get(), .avx2)
        XCTAssertEqual(try BLAS.chooseKernels("portable", supported: all).get(), .portable)
        XCTAssertEqual(try BLAS.chooseKernels("blas", supported: all).get(), .portable)
        // an AVX2-only CPU asked for AVX-512, and a misspelling: errors that say why
        guard case .failure(let missing) = BLAS.chooseKernels("avx512", supported: [.avx2, .portable]) else {
            return XCTFail("avx512 on an AVX2-only CPU was accepted")
        }
        XCTAssertTrue(missing.description.contains("supports only avx2, portable"), missing.description)
        guard case .failure(let unknown) = BLAS.chooseKernels("avx-512", supported: all) else {
            return XCTFail("an unknown kernel set was accepted")
        }
        XCTAssertTrue(unknown.description.contains("expected one of avx512, avx2, portable"), unknown.description)
    }

    func testSupportedSetsMatchTheCPU() {
        XCTAssertEqual(BLAS.supportedKernels.last, .portable)
        XCTAssertEqual(BLAS.supportedKernels.contains(.avx512), tk_cpu_has_avx512() != 0 && tk_cpu_has_avx2_fma() != 0)
        XCTAssertEqual(BLAS.supportedKernels.contains(.avx2), tk_cpu_has_avx2_fma() != 0)
        if ProcessInfo.processInfo.environment["TENSORKIT_KERNELS"] == nil {
            XCTAssertEqual(activeKernels, BLAS.supportedKernels[0], "without TENSORKIT_KERNELS the best set runs")
        }
    }

    /// The report names the kernel that runs, OpenBLAS's own core on the portable path.
    func testMatrixKernelIsReported() {
        for set in BLAS.supportedKernels {
            withKernels(set) {
                switch set {
                case .avx512: XCTAssertTrue(matrixKernel.hasPrefix("tensorkit-avx512 (packed 8x48"), matrixKernel)
                case .avx2: XCTAssertTrue(matrixKernel.hasPrefix("tensorkit-avx2 (packed 6x16"), matrixKernel)
                case .portable:
                    XCTAssertEqual(matrixKernel.prefix(9), "openblas-")
                    XCTAssertFalse(BLAS.openBLASCore.name.isEmpty)
                }
            }
        }
    }
}
