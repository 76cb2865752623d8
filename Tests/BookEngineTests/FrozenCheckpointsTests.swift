import XCTest

@testable import BookEngine

/// `book freeze` keeps exactly the current checkpoints with the book; a run thaws only those.
final class FrozenCheckpointsTests: XCTestCase {
    func testFreezeKeepsCurrentKeysAndThawCopiesThemBack() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("frozen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let working = root.appendingPathComponent(".build-book/checkpoints/deep")
        try FileManager.default.createDirectory(at: working, withIntermediateDirectories: true)
        let current = String(repeating: "a", count: 24), old = String(repeating: "b", count: 24)
        for (file, text) in [("\(current)-depth.json", "new"), ("\(old)-depth.json", "old"), ("notes.txt", "mine")] {
            try Data(text.utf8).write(to: working.appendingPathComponent(file))
        }
        let store = FrozenCheckpoints(root: root)
        let frozen = store.frozenFolder("deep")
        try FileManager.default.createDirectory(at: frozen, withIntermediateDirectories: true)
        try Data("stale".utf8).write(to: frozen.appendingPathComponent("\(old)-sigma.json"))
        try Data("an author's file".utf8).write(to: frozen.appendingPathComponent("README.md"))

        let (written, removed) = try store.freeze("deep", keys: [current], from: working)
        XCTAssertEqual(written, ["\(current)-depth.json"])
        XCTAssertEqual(removed, ["\(old)-sigma.json"])
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: frozen.path).sorted(),
            ["README.md", "\(current)-depth.json"], "only checkpoint files are ever removed")

        // A fresh clone: no working folder; the run thaws what matches its keys.
        try FileManager.default.removeItem(at: working)
        store.thaw("deep", keys: [old], into: working)
        XCTAssertFalse(FileManager.default.fileExists(atPath: working.path), "nothing frozen matches an outdated key")
        store.thaw("deep", keys: [current], into: working)
        XCTAssertEqual(
            try String(contentsOf: working.appendingPathComponent("\(current)-depth.json"), encoding: .utf8), "new")
    }
}
