import XCTest

@testable import BookEngine

final class ChapterLoaderTests: XCTestCase {
    func testMathSurvivesCmark() throws {
        let chapter = try loadChapter("# T\n\nSee $\\mathbf{W}_{xh}$ and $x*y*z$ and `$not math$`.\n")
        XCTAssertEqual(chapter.inlineMath, ["\\mathbf{W}_{xh}", "x*y*z"])
        guard case .prose(let prose) = chapter.blocks[1] else { return XCTFail("expected prose") }
        XCTAssertFalse(prose.html.contains("<em>"))
        XCTAssertTrue(prose.html.contains("<code>$not math$</code>"))
        XCTAssertEqual(
            Placeholder.tokens(in: prose.html).filter { if case .math = $0 { return true } else { return false } }
                .count, 2)
    }

    func testDisplayMathWithLabelKeepsLineNumbers() throws {
        let text = "# T\n\n$$\na_b = c_d\n$$\n:eqlabel:`eq_a`\n\nAfter :eqref:`eq_a`.\n\n```swift\nprint(1)\n```\n"
        let chapter = try loadChapter(text)
        guard case .displayMath(let math) = chapter.blocks[1] else {
            return XCTFail("expected math, got \(chapter.blocks[1])")
        }
        XCTAssertEqual(math.tex, "a_b = c_d")
        XCTAssertEqual(math.label, "eq_a")
        XCTAssertEqual(math.number, "1.1")
        XCTAssertEqual(chapter.cells.first?.codeLine, 11)
    }

    func testSameLineDisplayMathLabel() throws {
        let chapter = try loadChapter("# T\n\n$$x_1$$\n:eqlabel:`eq_x`\n")
        guard case .displayMath(let math) = chapter.blocks[1] else {
            return XCTFail("expected math, got \(chapter.blocks[1])")
        }
        XCTAssertEqual(math.label, "eq_x")
    }

    func testHeadingsNumberedAndLabelled() throws {
        let chapter = try loadChapter(
            "# Title\n:label:`chap_t`\n\n## First\n:label:`sec_first`\n\n## Second\n\n### Sub\n")
        let headings = chapter.blocks.compactMap { if case .heading(let h) = $0 { return h } else { return nil } }
        XCTAssertEqual(headings.map(\.number), ["1", "1.1", "1.2", "1.2.1"])
        XCTAssertEqual(headings.map(\.anchor), ["chap_t", "sec_first", "second", "sub"])
        XCTAssertEqual(chapter.title, "Title")
    }

    func testFigureWithLabel() throws {
        let chapter = try loadChapter("# T\n\n![A *deep* RNN](img/x.svg)\n:label:`fig_x`\n\nSee :numref:`fig_x`.\n")
        guard case .figure(let figure) = chapter.blocks[1] else { return XCTFail("expected figure") }
        XCTAssertEqual(figure.source, "img/x.svg")
        XCTAssertEqual(figure.label, "fig_x")
        XCTAssertEqual(figure.number, "1.1")
        XCTAssertTrue(figure.captionHTML.contains("<em>deep</em>"))
        guard case .prose(let prose) = chapter.blocks[2] else { return XCTFail("expected prose") }
        XCTAssertTrue(
            Placeholder.tokens(in: prose.html).contains {
                if case .reference(.numref, "fig_x", _) = $0 { return true } else { return false }
            })
    }

    func testCellsAttributesAndExpectedOutput() throws {
        let text =
            "# T\n\n```swift save id=vocab\npublic let a = 1\n```\n\n```swift ellipsis tolerance=0.01\nprint(2)\n```\n```output\n2\n```\n\n```python\nprint(3)\n```\n"
        let chapter = try loadChapter(text)
        XCTAssertEqual(chapter.cells.count, 2)
        XCTAssertTrue(chapter.cells[0].isSaved)
        XCTAssertEqual(chapter.cells[0].id, "vocab")
        XCTAssertEqual(chapter.cells[0].codeLine, 4)
        XCTAssertEqual(chapter.cells[1].id, ChapterLoader.defaultID(chapter: "one", source: "print(2)\n"))
        XCTAssertTrue(chapter.cells[1].id.hasPrefix("one-"))
        XCTAssertEqual(chapter.cells[1].expected?.blockLine, 10)
        XCTAssertEqual(chapter.cells[1].attributes.tolerance, 0.01)
        XCTAssertEqual(chapter.cells[1].expected?.text, "2\n")
        XCTAssertEqual(chapter.cells[1].expected?.line, 11)
        guard case .code(let code) = chapter.blocks.last else { return XCTFail("expected a shown code block") }
        XCTAssertEqual(code.language, "python")
    }

    func testTildeAndLongerFencesAreCells() throws {
        let chapter = try loadChapter("# T\n\n~~~swift\nprint(1)\n~~~\n\n````swift\nlet s = \"```\"\n````\n")
        XCTAssertEqual(chapter.cells.map(\.source), ["print(1)\n", "let s = \"```\"\n"])
        XCTAssertEqual(chapter.cells.map(\.codeLine), [4, 8])
    }

    func testIndentedCodeIsShownNotRun() throws {
        let chapter = try loadChapter("# T\n\nText.\n\n    let x = 1\n")
        XCTAssertTrue(chapter.cells.isEmpty)
        guard case .code(let code) = chapter.blocks.last else { return XCTFail("expected code") }
        XCTAssertEqual(code.source, "let x = 1\n")
    }

    func testCRLFLineEndings() throws {
        let chapter = try loadChapter("# T\r\n\r\n```swift\r\nprint(1)\r\n```\r\n")
        XCTAssertEqual(chapter.cells.first?.source, "print(1)\n")
        XCTAssertEqual(chapter.cells.first?.codeLine, 4)
    }
}

extension ChapterLoaderTests {
    func testInlineMathWrappedOverTwoLinesKeepsLineNumbers() throws {
        let chapter = try loadChapter("# T\n\nA formula $a +\nb_1$ wraps.\n\n```swift\nprint(1)\n```\n")
        XCTAssertEqual(chapter.inlineMath, ["a + b_1"])
        XCTAssertEqual(chapter.cells.first?.codeLine, 7)
    }

    func testDollarsAcrossABlankLineAreNotMath() throws {
        let chapter = try loadChapter("# T\n\nCosts $5 and\n\n$6 later.\n")
        XCTAssertEqual(chapter.inlineMath, [])
    }

    func testDefaultIDsSurviveAddingAndMovingOtherCells() throws {
        let before = try loadChapter("# T\n\n```swift\nprint(1)\n```\n\n```swift\nprint(2)\n```\n")
        let after = try loadChapter(
            "# T\n\n```swift\nprint(0)\n```\n\n```swift\nprint(2)\n```\n\n```swift\nprint(1)\n```\n")
        XCTAssertEqual(after.cells.map(\.index), [1, 2, 3])
        XCTAssertEqual(Set(after.cells.map(\.id)).intersection(before.cells.map(\.id)), Set(before.cells.map(\.id)))
        XCTAssertEqual(after.cells[1].id, before.cells[1].id, "the cell after the new one keeps its id")
    }

    func testIdenticalCellsGetDistinctIDsAndDuplicateExplicitIDsAreErrors() throws {
        let twins = try loadChapter("# T\n\n```swift\nprint(1)\n```\n\n```swift\nprint(1)\n```\n")
        XCTAssertEqual(Set(twins.cells.map(\.id)).count, 2)
        var loader = ChapterLoader(name: "one", path: "Chapters/one.md", number: 1)
        _ = loader.load("# T\n\n```swift id=a\nprint(1)\n```\n\n```swift id=a\nprint(2)\n```\n")
        XCTAssertEqual(
            loader.diagnostics.map(\.description),
            ["Chapters/one.md:7: error: two cells have the id `a` (the other one is at line 3); ids must be unique"])
    }
}
