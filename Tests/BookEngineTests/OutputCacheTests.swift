import XCTest

@testable import BookEngine

/// A chapter re-runs only when something it uses changed; the cache keeps several entries, so
/// undoing an edit finds the earlier outputs; `explain` says what changed.
final class OutputCacheTests: XCTestCase {
    static let data = """
        # Data

        ```swift save
        public struct Vocab { public init() {}; public var count: Int { 28 } }
        ```

        ```swift
        print(Vocab().count)
        ```
        """
    static let models = """
        # Models

        ```swift save
        public func stacked(_ layers: Int) -> Int { layers * Vocab().count }
        ```

        ```swift
        print(stacked(2))
        ```
        """
    static let other = """
        # Other

        ```swift save
        public func unrelatedHelper() -> Int { 7 }
        ```

        ```swift
        print("alone")
        ```
        """

    func makeBook() throws -> TestBook {
        try TestBook(
            chapters: [("data", Self.data), ("models", Self.models), ("other", Self.other)],
            extraFiles: [
                "Package.swift": Data(
                    "// BEGIN chapter programs\nlet chapterPrograms = [\"data\"]\n// END chapter programs\n".utf8),
                "Sources/TensorKit/Tensor.swift": Data("struct Tensor {}\n".utf8),
            ])
    }

    func runner(_ book: TestBook) throws -> ChapterRunner {
        var settings = RunSettings()
        settings.arguments = ["--epochs", "1"]
        let runner = ChapterRunner(book: try book.load(), settings: settings)
        runner.log = { _ in }
        return runner
    }

    func write(_ book: TestBook, _ path: String, _ text: String) throws {
        try text.write(to: book.root.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    func testReachFollowsNamesThroughTheLibrary() throws {
        let book = try makeBook()
        defer { book.remove() }
        let reach = LibraryReach(book: try book.load())
        XCTAssertEqual(reach.libraryChapters(reachedBy: "data"), ["data"])
        XCTAssertEqual(reach.libraryChapters(reachedBy: "models"), ["data", "models"])
        XCTAssertEqual(reach.libraryChapters(reachedBy: "other"), ["other"])
    }

    func testMembersOfLibraryTypesAreReachedThroughTheirType() {
        let code = """
            public struct History: Codable {
                public var count: Int
                public func mean() -> Double { 0 }
            }
            public func train() -> History { History(count: 1) }
            extension Array where Element == Double {
                public func smoothed() -> [Double] { self }
            }
            """
        XCTAssertEqual(LibraryReach.declarations(in: code), ["History", "train", "smoothed"])
    }

    func testOnlyWhatAChapterUsesChangesItsInputs() throws {
        let book = try makeBook()
        defer { book.remove() }
        let before = try runner(book)
        let chapters = before.book.chapters
        let hashes = chapters.map(before.inputsHash)

        // Another chapter's library cell, which `data` and `models` do not reach.
        try write(book, "Chapters/other.md", Self.other.replacingOccurrences(of: "{ 7 }", with: "{ 8 }"))
        // A new chapter in the manifest's generated list, and prose edits.
        try write(
            book, "Package.swift",
            "// BEGIN chapter programs\nlet chapterPrograms = [\"data\", \"new\"]\n// END chapter programs\n")
        try write(book, "Chapters/data.md", Self.data.replacingOccurrences(of: "# Data", with: "# Data\n\nNew prose."))
        let after = try runner(book)
        XCTAssertEqual(after.inputsHash(after.book.chapters[0]), hashes[0])
        XCTAssertEqual(after.inputsHash(after.book.chapters[1]), hashes[1])
        XCTAssertNotEqual(after.inputsHash(after.book.chapters[2]), hashes[2])

        // What every program links (TensorKit) changes everything; a library cell, its users.
        try write(book, "Chapters/data.md", Self.data.replacingOccurrences(of: "{ 28 }", with: "{ 27 }"))
        let edited = try runner(book)
        XCTAssertNotEqual(edited.inputsHash(edited.book.chapters[1]), hashes[1], "models uses Vocab")
        XCTAssertEqual(edited.inputsHash(edited.book.chapters[2]), after.inputsHash(after.book.chapters[2]))
        try write(book, "Sources/TensorKit/Tensor.swift", "struct Tensor { var x = 0 }\n")
        let rebuilt = try runner(book)
        XCTAssertNotEqual(rebuilt.inputsHash(rebuilt.book.chapters[2]), edited.inputsHash(edited.book.chapters[2]))
    }

    func testUndoFindsTheEarlierEntryAndExplainSaysWhatChanged() throws {
        let book = try makeBook()
        defer { book.remove() }
        let first = try runner(book)
        let models = first.book.chapters[1]
        XCTAssertEqual(first.explain(models), "no earlier run with these settings")
        let cache = OutputCache(folder: book.root.appendingPathComponent(first.settings.cacheFolder))
        func fakeRun(_ runner: ChapterRunner, _ chapter: Chapter, _ text: String) -> ChapterRun {
            let inputs = runner.inputs(chapter)
            return ChapterRun(
                chapter: chapter.name, cells: [CellOutput(index: 2, items: [.text(text)], seconds: 0.1)], failure: nil,
                record: RunRecord(
                    date: Date(), seed: 0, arguments: runner.settings.arguments, toolchain: runner.toolchain,
                    inputsHash: ChapterRunner.hash(of: inputs), seconds: 1, inputs: inputs))
        }
        try cache.store(fakeRun(first, models, "56\n"))
        XCTAssertEqual(first.cached(models)?.cells.first?.text, "56\n")

        // Edit the cell: the cache misses, and explain names the cell.
        try write(
            book, "Chapters/models.md",
            Self.models.replacingOccurrences(of: "print(stacked(2))", with: "print(stacked(3))"))
        let edited = try runner(book)
        let editedModels = edited.book.chapters[1]
        XCTAssertNil(edited.cached(editedModels))
        XCTAssertTrue(edited.explain(editedModels).contains(": cell models-"), edited.explain(editedModels))
        Thread.sleep(forTimeInterval: 0.01)
        try cache.store(fakeRun(edited, editedModels, "84\n"))

        // Undo: the first entry is still there.
        try write(book, "Chapters/models.md", Self.models)
        let undone = try runner(book)
        XCTAssertEqual(undone.cached(undone.book.chapters[1])?.cells.first?.text, "56\n")
        XCTAssertTrue(undone.explain(undone.book.chapters[1]).hasPrefix("unchanged since its run of "))
    }
}
