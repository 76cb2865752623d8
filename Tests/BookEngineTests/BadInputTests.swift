import XCTest

@testable import BookEngine

/// Every kind of bad input yields a clear error naming the file and line.
final class BadInputTests: XCTestCase {
    private func problems(_ text: String) throws -> [String] {
        let book = try TestBook(chapters: [("one", text)])
        defer { book.remove() }
        return book.problems().map(\.description)
    }

    func testUnterminatedFence() throws {
        let found = try problems("# T\n\nText.\n\n```swift\nprint(1)\n")
        XCTAssertEqual(found, ["Chapters/one.md:5: error: this code fence is never closed (expected a closing ```)"])
    }

    func testClosedFencesFollowedByOutputAreFine() throws {
        XCTAssertEqual(
            try problems(
                "# T\n\n```swift\nprint(1)\n```\n```output\n1\n```\n\n```swift trap\nlet a = [1]\nprint(a[5])\n```\n```output\nIndex out of range\n```\n"
            ), [])
    }

    func testUnknownAttribute() throws {
        let found = try problems("# T\n\n```swift safe\nprint(1)\n```\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].hasPrefix("Chapters/one.md:3: error: unknown cell attribute 'safe'"), found[0])
    }

    func testOutputWithoutCell() throws {
        let found = try problems("# T\n\n```output\n1\n```\n")
        XCTAssertEqual(
            found,
            ["Chapters/one.md:3: error: an `output` block must come right after the Swift cell whose output it shows"])
    }

    func testTrapCellNeedsExpectedMessage() throws {
        let found = try problems("# T\n\n```swift trap\nfatalError()\n```\n")
        XCTAssertEqual(
            found,
            [
                "Chapters/one.md:3: error: a `trap` or `compile-fail` cell needs an `output` block with the expected message"
            ])
    }

    func testEmptyChapter() throws {
        XCTAssertEqual(
            try problems(""), ["Chapters/one.md:1: error: the chapter is empty; it needs at least a `# Title`"])
        XCTAssertEqual(try problems("Just text.\n"), ["Chapters/one.md:1: error: the chapter has no `# Title` heading"])
    }

    func testSwiftCellInsideListOrQuoteNamesTheFenceLine() throws {
        let inList = try problems("# T\n\n- item\n\n  ```swift bogus\n  print(1)\n  ```\n")
        XCTAssertEqual(inList.count, 1)
        XCTAssertTrue(inList[0].hasPrefix("Chapters/one.md:5: error: unknown cell attribute 'bogus'"), "\(inList)")
        let inQuote = try problems("# T\n\n> Note:\n>\n> ```swift trap\n> print(1)\n> ```\n")
        XCTAssertEqual(
            inQuote,
            [
                "Chapters/one.md:5: error: a `trap` or `compile-fail` cell needs an `output` block with the expected message"
            ])
    }

    func testNonUTF8() throws {
        var data = Data("# T\n\nline two\n".utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0x0A])
        let book = try TestBook(
            chapters: [], summary: "# B\n\n- [One](one.md)\n", extraFiles: ["Chapters/one.md": data])
        defer { book.remove() }
        XCTAssertEqual(
            book.problems().map(\.description),
            ["Chapters/one.md:4: error: the file is not valid UTF-8 (bad byte at offset 14); save it as UTF-8"])
    }

    func testChapterListedButMissingAndFileNotListed() throws {
        let book = try TestBook(
            chapters: [("one", "# One\n"), ("stray", "# Stray\n")],
            summary: "# B\n\n- [One](one.md)\n- [Two](two.md)\n")
        defer { book.remove() }
        XCTAssertEqual(
            book.problems().map(\.description),
            [
                "Chapters/SUMMARY.md:4: error: chapter 'two.md' is listed but Chapters/two.md does not exist",
                "Chapters/stray.md:1: error: this chapter is not listed in Chapters/SUMMARY.md",
            ])
    }

    func testSeveralErrorsAreReportedTogether() throws {
        let found = try problems("# T\n\n```swift bogus\nprint(1)\n```\n\n```output\nx\n```\n```output\ny\n```\n")
        XCTAssertEqual(found.count, 2, "\(found)")
    }

    func testDuplicateLabelAndMissingReference() throws {
        let book = try TestBook(chapters: [
            ("one", "# One\n:label:`a`\n\n## S\n:label:`a`\n\nSee :numref:`nowhere` and :eqref:`a`.\n")
        ])
        defer { book.remove() }
        let found = BookChecker(book: try book.load()).run(includeGeneratedSources: false).map(\.description)
        XCTAssertEqual(
            found,
            [
                "Chapters/one.md:4: error: duplicate label 'a' (first defined at Chapters/one.md:1)",
                "Chapters/one.md:7: error: :numref: refers to missing label 'nowhere'",
                "Chapters/one.md:7: error: :eqref: needs an equation label, but 'a' labels a chapter",
            ])
    }

    func testLabelInTheWrongPlace() throws {
        let found = try problems("# T\n\nText.\n\n:label:`x`\n")
        XCTAssertEqual(
            found,
            [
                "Chapters/one.md:5: error: `:label:` must come right after a heading, a figure or a table (use `:eqlabel:` for equations)"
            ])
    }
}
