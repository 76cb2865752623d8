import XCTest

@testable import BookEngine

final class ServeWatcherTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("zh"), withIntermediateDirectories: true)
        try write("a.md", "one")
        try write("zh/a.md", "yi")
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    private func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(path))
    }

    func testReportsAddedChangedAndRemovedFiles() throws {
        var watcher = FolderWatcher(folder: folder)
        XCTAssertEqual(watcher.changes(), [])
        try write("a.md", "two")
        try write("b.md", "new")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("zh/a.md"))
        XCTAssertEqual(watcher.changes(), ["a.md", "b.md", "zh/a.md"])
        XCTAssertEqual(watcher.changes(), [], "each change is reported once")
    }

    func testSameSizeEditInTheSameInstantIsSeen() throws {
        var watcher = FolderWatcher(folder: folder)
        let url = folder.appendingPathComponent("a.md")
        let stamp = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as! Date
        try write("a.md", "owe")  // same size
        try FileManager.default.setAttributes([.modificationDate: stamp.addingTimeInterval(1)], ofItemAtPath: url.path)
        XCTAssertEqual(watcher.changes(), ["a.md"])
    }

    func testSavingTheSameBytesOrEditorFilesChangesNothing() throws {
        var watcher = FolderWatcher(folder: folder)
        let url = folder.appendingPathComponent("a.md")
        try write("a.md", "one")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: url.path)
        try write(".a.md.swp", "x")
        try write("a.md~", "x")
        XCTAssertEqual(watcher.changes(), [])
    }
}
