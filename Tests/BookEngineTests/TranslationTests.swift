import XCTest
@testable import BookEngine

final class TranslationTests: XCTestCase {
    static let original = """
    # Intro
    :label:`chap_intro`

    Some prose.

    ```swift
    print(1)
    ```

    ## Details
    :label:`sec_details`

    More prose.

    ```swift id=second
    print(2)
    ```

    """

    static let config = #"{"languages": [{"code": "en", "name": "English"}, {"code": "zh", "name": "中文", "title": "书"}]}"#

    func makeBook(translation: String) throws -> TestBook {
        try TestBook(chapters: [("intro", Self.original)],
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
        XCTAssertTrue(problems.first?.message.hasPrefix("stale: section 1.1 'Details'") == true, problems.first?.message ?? "")
    }

    func testSwiftCodeInATranslationIsAnError() throws {
        let book = try makeBook(translation: "# 引言\n\n```swift\nprint(3)\n```\n\n:cell:`intro-1`\n:cell:`second`\n")
        defer { book.remove() }
        let problems = TranslationLoader.load(try book.load()).diagnostics.filter { $0.severity == .error }
        XCTAssertEqual(problems.map(\.description), [
            "Chapters/zh/intro.md:3: error: a translation cannot contain Swift cells or outputs; place the original's cells with :cell:`id`",
        ])
    }

    func testMissingExtraUnknownAndReorderedCells() throws {
        let missing = try makeBook(translation: "# 引言\n\n:cell:`intro-1`\n\n:cell:`intro-1`\n\n:cell:`nope`\n")
        defer { missing.remove() }
        let errors = TranslationLoader.load(try missing.load()).diagnostics.filter { $0.severity == .error }.map(\.description)
        XCTAssertEqual(errors, [
            "Chapters/zh/intro.md:7: error: no cell with id 'nope' in Chapters/intro.md (ids: intro-1, second)",
            "Chapters/zh/intro.md:5: error: cell 'intro-1' is placed more than once",
            "Chapters/zh/intro.md:1: error: cell 'second' of Chapters/intro.md is missing; place it with :cell:`second`",
        ])
        let reordered = try makeBook(translation: "# 引言\n\n:cell:`second`\n\n:cell:`intro-1`\n")
        defer { reordered.remove() }
        let order = TranslationLoader.load(try reordered.load()).diagnostics.filter { $0.severity == .error }.map(\.description)
        XCTAssertEqual(order, ["Chapters/zh/intro.md:1: error: cells are placed in a different order than in Chapters/intro.md: second, intro-1"])
    }
}
