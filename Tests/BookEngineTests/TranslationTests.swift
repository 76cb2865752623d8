import XCTest

@testable import BookEngine

final class TranslationTests: XCTestCase {
    static let original = """
        # Intro
        :label:`chap_intro`

        Some prose.

        ```swift id=intro-1
        print(1)
        ```

        ## Details
        :label:`sec_details`

        More prose.

        ```swift id=second
        print(2)
        ```

        """

    static let config =
        #"{"languages": [{"code": "en", "name": "English"}, {"code": "zh", "name": "中文", "title": "书"}]}"#

    func makeBook(translation: String) throws -> TestBook {
        try TestBook(
            chapters: [("intro", Self.original)],
            extraFiles: ["Chapters/book.json": Data(Self.config.utf8), "Chapters/zh/intro.md": Data(translation.utf8)])
    }

    func hashes(_ book: Book) -> [String: String] {
        Dictionary(uniqueKeysWithValues: book.chapters[0].headings.map { ($0.anchor, $0.sourceHash) })
    }

    func goodTranslation(_ h: [String: String]) -> String {
        """
        # 引言
        :label:`chap_intro`
        :original:`chap_intro \(h["chap_intro"]!)`

        一些文字。

        :cell:`intro-1`

        ## 细节
        :label:`sec_details`
        :original:`sec_details \(h["sec_details"]!)`

        更多文字，见 :numref:`sec_details`。

        :cell:`second`

        """
    }

    func testGoodTranslationSharesCellsAndAnchors() throws {
        let probe = try makeBook(translation: "# x\n")
        let original = try probe.load()
        probe.remove()
        let book = try makeBook(translation: goodTranslation(hashes(original)))
        defer { book.remove() }
        let loaded = try book.load()
        let (books, problems) = TranslationLoader.load(loaded)
        XCTAssertEqual(problems, [])
        let zh = try XCTUnwrap(books["zh"])
        XCTAssertEqual(zh.title, "书")
        XCTAssertEqual(zh.language.code, "zh")
        XCTAssertEqual(zh.chapters[0].cells.map(\.source), ["print(1)\n", "print(2)\n"])
        XCTAssertEqual(zh.chapters[0].cells.map(\.index), [1, 2], "outputs are looked up by the original's cell index")
        XCTAssertEqual(zh.chapters[0].headings.map(\.anchor), ["chap_intro", "sec_details"])
        XCTAssertEqual(zh.chapters[0].headings.map(\.number), ["1", "1.1"])
        XCTAssertEqual(BookChecker(book: loaded).run(includeGeneratedSources: false), [])
    }

    func testEditingTheOriginalMakesTranslatedSectionsStale() throws {
        let probe = try makeBook(translation: "# x\n")
        let before = hashes(try probe.load())
        probe.remove()
        let book = try makeBook(translation: goodTranslation(before))
        defer { book.remove() }
        let edited = Self.original.replacingOccurrences(of: "More prose.", with: "More prose, edited.")
        try edited.write(to: book.root.appendingPathComponent("Chapters/intro.md"), atomically: true, encoding: .utf8)
        let problems = TranslationLoader.load(try book.load()).diagnostics
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.severity, .warning)
        XCTAssertEqual(problems.first?.location, SourceLocation(file: "Chapters/zh/intro.md", line: 11))
        XCTAssertTrue(
            problems.first?.message.hasPrefix("stale: section 1.1 'Details'") == true, problems.first?.message ?? "")
    }

    func testSwiftCodeInATranslationIsAnError() throws {
        let book = try makeBook(translation: "# 引言\n\n```swift\nprint(3)\n```\n\n:cell:`intro-1`\n:cell:`second`\n")
        defer { book.remove() }
        let problems = TranslationLoader.load(try book.load()).diagnostics.filter { $0.severity == .error }
        XCTAssertEqual(
            problems.map(\.description),
            [
                "Chapters/zh/intro.md:3: error: a translation cannot contain Swift cells or outputs; place the original's cells with :cell:`id`"
            ])
    }

    func testMissingExtraUnknownAndReorderedCells() throws {
        let missing = try makeBook(translation: "# 引言\n\n:cell:`intro-1`\n\n:cell:`intro-1`\n\n:cell:`nope`\n")
        defer { missing.remove() }
        let problems = TranslationLoader.load(try missing.load()).diagnostics.filter { !$0.message.contains("section") }
            .map(\.description)
        XCTAssertEqual(
            problems,
            [
                "Chapters/zh/intro.md:7: warning: no cell with id 'nope' in Chapters/intro.md any more (removed, or its id changed); this placement is skipped",
                "Chapters/zh/intro.md:5: error: cell 'intro-1' is placed more than once",
                "Chapters/zh/intro.md:3: warning: cell 'second' (Chapters/intro.md:15) is not placed in this translation yet; it is shown after cell 'intro-1' (place it with :cell:`second`)",
            ])
        let reordered = try makeBook(translation: "# 引言\n\n:cell:`second`\n\n:cell:`intro-1`\n")
        defer { reordered.remove() }
        let order = TranslationLoader.load(try reordered.load()).diagnostics.filter { !$0.message.hasPrefix("section") }
            .map(\.description)
        XCTAssertEqual(
            order,
            [
                "Chapters/zh/intro.md:1: warning: cells are placed in a different order than in Chapters/intro.md: second, intro-1"
            ])
    }

    /// The issue's reproduction: a reader adds a cell to the original; the translation's page
    /// still builds, shows the new cell once where the original has it, and every other cell in place.
    func testANewCellInTheOriginalNeverBreaksTheTranslation() throws {
        let probe = try makeBook(translation: "# x\n")
        let before = hashes(try probe.load())
        probe.remove()
        let book = try makeBook(translation: goodTranslation(before))
        defer { book.remove() }
        let edited = Self.original.replacingOccurrences(
            of: "Some prose.\n\n```swift id=intro-1\nprint(1)\n```\n",
            with: "Some prose.\n\n```swift id=intro-1\nprint(1)\n```\n\n```swift\nprint(\"added by a reader\")\n```\n")
        XCTAssertNotEqual(edited, Self.original)
        try edited.write(to: book.root.appendingPathComponent("Chapters/intro.md"), atomically: true, encoding: .utf8)
        let original = try book.load()
        let (books, problems) = TranslationLoader.load(original)
        XCTAssertEqual(problems.filter { $0.severity == .error }, [])
        XCTAssertTrue(
            problems.contains {
                $0.message.contains("is not placed in this translation yet; it is shown after cell 'intro-1'")
            },
            "\(problems)")
        let zh = try XCTUnwrap(books["zh"]?.chapters.first)
        XCTAssertEqual(zh.cells.map(\.source), ["print(1)\n", "print(\"added by a reader\")\n", "print(2)\n"])
        XCTAssertEqual(zh.cells.map(\.index), original.chapters[0].cells.map(\.index))
        // And a removed cell: its placement is skipped with a warning, the page still builds.
        let removed = Self.original.replacingOccurrences(of: "```swift id=intro-1\nprint(1)\n```\n", with: "")
        try removed.write(to: book.root.appendingPathComponent("Chapters/intro.md"), atomically: true, encoding: .utf8)
        let (afterRemoval, removalProblems) = TranslationLoader.load(try book.load())
        XCTAssertEqual(removalProblems.filter { $0.severity == .error }, [])
        XCTAssertEqual(afterRemoval["zh"]?.chapters.first?.cells.map(\.source), ["print(2)\n"])
    }
}
