import XCTest

@testable import TensorKit

final class ModuleSnapshotTests: XCTestCase {
    /// A snapshot taken, the model changed, the snapshot loaded: the same outputs as before.
    func testParameterValuesRoundTrip() throws {
        manualSeed(3)
        let gru = GRU(inputSize: 4, hiddenSize: 5, numLayers: 2)
        let x = Tensor.randn([3, 2, 4])
        let before = gru(x).output.scalars
        let snapshot = gru.parameterValues()
        XCTAssertEqual(snapshot.map(\.count), gru.parameters.map(\.count))
        for p in gru.parameters { p.mutableData.update(repeating: 0.5, count: p.count) }
        XCTAssertNotEqual(gru(x).output.scalars, before)
        gru.loadParameterValues(snapshot)
        XCTAssertEqual(gru(x).output.scalars, before)
        // Codable as it is: JSON and back.
        let decoded = try JSONDecoder().decode([[Float]].self, from: try JSONEncoder().encode(snapshot))
        XCTAssertEqual(decoded, snapshot)
    }
}
