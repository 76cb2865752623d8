import XCTest

@testable import BookEngine

/// Swift fences inside list items and block quotes are cells of the program, in reading order,
/// shown where they stand.
final class NestedCellTests: XCTestCase {
    static let text = """
        # Steps

        ```swift
        print("top 1")
        ```

        1. Make the data:

           ```swift id=data
           let xs = [1, 2, 3]
           ```
        2. Sum it:

           ```swift id=sum
           print(xs.reduce(0, +))
           ```
           ```output
           6
           ```

        > **Note.** A snippet in a quote:
        >
        > ```swift id=quoted
        > print("quoted")
        > ```

        ```swift
        print("top 2")
        ```
        """

    func testCellsInListsAndQuotesAreCellsInReadingOrder() throws {
        let chapter = try loadChapter(Self.text)
        XCTAssertEqual(chapter.cells.map(\.index), [1, 2, 3, 4, 5])
        XCTAssertEqual(
            chapter.cells.map(\.id),
            ["one-1", "data", "sum", "quoted", "one-5"].enumerated().map { i, id in
                id.hasPrefix("one-") ? ChapterLoader.defaultID(chapter: "one", source: chapter.cells[i].source) : id
            })
        XCTAssertEqual(chapter.cells.map(\.line), [3, 9, 14, 23, 27])
        XCTAssertEqual(chapter.cells.map(\.codeLine), [4, 10, 15, 24, 28])
        XCTAssertEqual(chapter.cells[1].source, "let xs = [1, 2, 3]\n", "the list's indentation is not code")
        XCTAssertEqual(chapter.cells[2].expected?.text, "6\n")
        XCTAssertEqual(chapter.cells[2].expected?.line, 18)
        guard case .prose(let list) = chapter.blocks[2] else {
            return XCTFail("expected the list, got \(chapter.blocks[2])")
        }
        XCTAssertEqual(list.cells.map(\.index), [2, 3])
        XCTAssertTrue(list.html.contains(Placeholder.cell(2)) && list.html.contains(Placeholder.cell(3)))
        XCTAssertFalse(list.html.contains("<pre>"), "the fences are cells, not code shown by cmark")
    }

    func testNestedCellsRenderInPlaceWithTheirOutputs() throws {
        let book = try TestBook(chapters: [("one", Self.text)])
        defer { book.remove() }
        let loaded = try book.load()
        let record = RunRecord(
            date: Date(timeIntervalSince1970: 0), seed: 0, arguments: [], toolchain: "swift",
            inputsHash: "0", seconds: 1)
        let run = ChapterRun(
            chapter: "one", cells: (1...5).map { CellOutput(index: $0, items: [.text("out \($0)\n")], seconds: nil) },
            failure: nil, record: record)
        let site = book.root.appendingPathComponent("site")
        let options = SiteOptions(
            bookRoot: book.root, katexDirectory: site.appendingPathComponent("none"),
            katexFontsDirectory: site.appendingPathComponent("none"), requireKaTeX: false)
        _ = try SiteRenderer(book: loaded, runs: ["one": run], options: options).render(into: site)
        let page = try String(contentsOf: site.appendingPathComponent("one.html"), encoding: .utf8)
        // Inside the first list item: the cell, then its output, before the item closes.
        let item = try XCTUnwrap(
            page.range(of: "<li>\n<p>Make the data:</p>\n<div class=\"cell\" id=\"cell-data\">"), page)
        let output = try XCTUnwrap(page.range(of: "out 2", range: item.upperBound..<page.endIndex))
        let close = try XCTUnwrap(page.range(of: "</li>", range: item.upperBound..<page.endIndex))
        XCTAssertLessThan(output.lowerBound, close.lowerBound)
        let quote = try XCTUnwrap(page.range(of: "<blockquote>"))
        let quoted = try XCTUnwrap(page.range(of: "id=\"cell-quoted\""))
        let quoteEnd = try XCTUnwrap(page.range(of: "</blockquote>"))
        XCTAssertTrue(quote.lowerBound < quoted.lowerBound && quoted.lowerBound < quoteEnd.lowerBound)
        XCTAssertTrue(page.contains("out 4"))
        XCTAssertTrue(page.contains("<li>\n<p>Sum it:</p>\n<div class=\"cell\" id=\"cell-sum\">"))
    }
}
