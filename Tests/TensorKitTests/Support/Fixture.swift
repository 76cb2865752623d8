import Foundation
import XCTest

@testable import TensorKit

/// One PyTorch reference computation from Fixtures/ (see Fixtures/README in shared/fixtures).
struct Fixture {
    let json: [String: Any]

    init(_ name: String) throws {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw NSError(domain: "Fixture", code: 1, userInfo: [NSLocalizedDescriptionKey: "no fixture \(name)"])
        }
        let data = try Data(contentsOf: url)
        json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func entry(_ section: String, _ name: String) -> [String: Any] {
        (json[section] as? [String: Any])?[name] as? [String: Any] ?? [:]
    }

    func shape(_ section: String, _ name: String) -> [Int] {
        (entry(section, name)["shape"] as? [NSNumber])?.map { $0.intValue } ?? []
    }

    func doubles(_ section: String, _ name: String) -> [Double] {
        (entry(section, name)["data"] as? [NSNumber])?.map { $0.doubleValue } ?? []
    }

    /// A Float tensor (fixture inputs are exactly representable in Float32).
    func tensor(_ section: String, _ name: String, requiresGrad: Bool = false) -> Tensor {
        Tensor(doubles(section, name).map { Float($0) }, shape: shape(section, name), requiresGrad: requiresGrad)
    }

    func ints(_ section: String, _ name: String) -> IntTensor {
        IntTensor(doubles(section, name).map { Int($0) }, shape: shape(section, name))
    }

    func scalar(_ section: String, _ name: String) -> Double {
        ((json[section] as? [String: Any])?[name] as? NSNumber)?.doubleValue ?? .nan
    }

    func config(_ key: String) -> Int { ((json["config"] as? [String: Any])?[key] as? NSNumber)?.intValue ?? 0 }

    /// Overwrites `t`'s elements with the named parameter, checking the shape.
    func load(_ t: Tensor, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let values = doubles("params", name)
        XCTAssertEqual(t.shape, shape("params", name), name, file: file, line: line)
        guard values.count == t.count else { return }
        let p = t.mutableData
        for i in 0..<t.count { p[i] = Float(values[i]) }
    }

    /// Asserts `actual` matches the named reference to 1e-4 relative / 1e-5 absolute.
    func check(_ actual: Tensor?, _ section: String, _ name: String, file: StaticString = #filePath, line: UInt = #line)
    {
        guard let actual else {
            XCTFail("\(section).\(name): missing", file: file, line: line)
            return
        }
        XCTAssertEqual(actual.shape, shape(section, name), "\(section).\(name) shape", file: file, line: line)
        assertClose(actual.scalars, doubles(section, name), "\(section).\(name)", file: file, line: line)
    }

    func check(_ actual: Float, _ section: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        assertClose([actual], [scalar(section, name)], "\(section).\(name)", file: file, line: line)
    }
}
