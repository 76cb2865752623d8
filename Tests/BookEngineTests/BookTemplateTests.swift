import XCTest

@testable import BookEngine

/// `book init`'s template: filled placeholders, and bad input refused with nothing written.
/// (`./render.sh test` builds and runs such a book for real.)
final class BookTemplateTests: XCTestCase {
    static let engine = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    var folder: URL!

    override func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("book-init-\(UUID().uuidString)")
    }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testWritesABookThatLoadsWithItsLibraryName() throws {
        XCTAssertEqual(BookTemplate.libraryName(for: "my-book"), "MyBook")
        XCTAssertEqual(BookTemplate.libraryName(for: "2nd_try"), "Book2ndTry")
        let book = folder.appendingPathComponent("my-book")
        try BookTemplate(title: "Mine", library: "MyBook", engine: Self.engine).write(into: book)
        let manifest = try String(contentsOf: book.appendingPathComponent("Package.swift"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("let bookLibrary = \"MyBook\""))
        XCTAssertTrue(manifest.contains(".package(path: \"\(Self.engine.standardizedFileURL.path)\")"))
        XCTAssertTrue(
            manifest.contains(
                ".product(name: \"BookSupport\", package: \"\(Self.engine.lastPathComponent.lowercased())\")"))
        XCTAssertFalse(manifest.contains("{{"), "every placeholder filled")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: book.appendingPathComponent("render.sh").path))
        let loaded = try BookLoader.load(root: book)
        XCTAssertEqual(loaded.title, "Mine")
        XCTAssertEqual(loaded.config.library, "MyBook")
        XCTAssertEqual(loaded.chapters.map(\.name), ["first-steps"])
        XCTAssertEqual(loaded.chapters[0].cells.filter(\.isDoctest).count, 1)
        XCTAssertEqual(BookChecker(book: loaded).run(includeGeneratedSources: false).map(\.description), [])
        // The tangled manifest block is what the template wrote: nothing to regenerate.
        XCTAssertFalse(Tangler(book: loaded).files().filter { $0.path == "Package.swift" }.map(\.contents).isEmpty)
        XCTAssertEqual(Tangler(book: loaded).files().first { $0.path == "Package.swift" }?.contents, manifest)
    }

    func testRefusesAFolderThatIsNotEmptyAndBadNames() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "mine".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let template = BookTemplate(title: "T", library: "Lib", engine: Self.engine)
        XCTAssertThrowsError(try template.write(into: folder)) { error in
            XCTAssertTrue("\(error)".contains("already exists and is not an empty folder"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["notes.txt"])
        for (library, problem) in [("9lives", "must be a Swift identifier"), ("BookSupport", "would clash")] {
            let bad = BookTemplate(title: "T", library: library, engine: Self.engine)
            XCTAssertTrue(bad.problem()?.contains(problem) == true, library)
            XCTAssertThrowsError(try bad.write(into: folder.appendingPathComponent("new")))
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("new").path))
        }
        let nowhere = BookTemplate(title: "T", library: "Lib", engine: folder)
        XCTAssertTrue(nowhere.problem()?.contains("is not this book engine's package") == true)
    }
}
