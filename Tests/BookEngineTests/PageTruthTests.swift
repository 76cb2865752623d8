import BookContract
import XCTest

@testable import BookEngine

/// The page shows what the run did: outputs are the run's, written blocks are expectations,
/// numbers in prose are the run's values and their claims are checked.
final class PageTruthTests: XCTestCase {
    var fixture: RenderFixture!

    override func setUpWithError() throws { fixture = try RenderFixture() }
    override func tearDown() { fixture.remove() }

    /// The issue's reproduction: the written block says 4956, the edited code printed 7036.
    func testADisagreeingRunShowsTheActualOutputAndFailsAtTheOutputBlock() throws {
        var intro = fixture.book.chapters[0]
        let at = try XCTUnwrap(
            intro.blocks.firstIndex { if case .cell(let c) = $0 { return c.index == 4 } else { return false } })
        guard case .cell(var cell) = intro.blocks[at] else { return XCTFail() }
        cell.expected = ExpectedOutput(text: "total: 4956\n", line: 33, blockLine: 32)
        intro.blocks[at] = .cell(cell)
        fixture.book.chapters[0] = intro
        fixture.runs["intro"]?.cells.removeAll { $0.index == 4 }
        fixture.runs["intro"]?.cells.append(CellOutput(index: 4, items: [.text("total: 7036\n")], seconds: 0.01))
        let diagnostics = try fixture.render()
        let failures = diagnostics.filter { $0.severity == .error }
        XCTAssertEqual(failures.map(\.location), [SourceLocation(file: "Chapters/intro.md", line: 32)])
        XCTAssertTrue(
            failures.first?.message.contains("- total: 4956\n+ total: 7036") == true, failures.first?.message ?? "")
        let page = try fixture.page("intro.html")
        let shown = try XCTUnwrap(page.between("id=\"cell-intro-4\"", "id=\"cell-intro-6\""))
        XCTAssertTrue(
            shown.contains("<pre class=\"output-text\">total: 7036</pre>"), "the page shows what the cell printed")
        XCTAssertFalse(shown.contains("checked by doctest"))
        XCTAssertTrue(shown.contains("differs from the chapter"))
        XCTAssertTrue(shown.contains("- total: 4956"), "and the diff")
    }

    func testAnAgreeingRunShowsTheRunsOutputWithTheBadge() throws {
        // The expectation ignores trailing spaces; the page shows the run's own text.
        fixture.runs["intro"]?.cells.removeAll { $0.index == 4 }
        fixture.runs["intro"]?.cells.append(CellOutput(index: 4, items: [.text("2   \n")], seconds: 0.01))
        let diagnostics = try fixture.render()
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        let shown = try XCTUnwrap(try fixture.page("intro.html").between("id=\"cell-intro-4\"", "id=\"cell-intro-6\""))
        XCTAssertTrue(shown.contains("✓ checked by doctest"))
        XCTAssertTrue(shown.contains("<pre class=\"output-text\">2   </pre>"), shown)
    }

    func testACellThatDidNotRunShowsNoOutputAndNoBadge() throws {
        fixture.runs["intro"]?.cells.removeAll { $0.index == 4 || $0.index == 6 }
        fixture.runs["intro"]?.failure = RunFailure(kind: .trap, cell: 2, line: 21, message: "Fatal error: boom")
        try fixture.render()
        let page = try fixture.page("intro.html")
        let doctest = try XCTUnwrap(page.between("id=\"cell-intro-4\"", "id=\"cell-intro-6\""))
        XCTAssertFalse(doctest.contains("checked by doctest"))
        XCTAssertFalse(
            doctest.contains("<pre class=\"output-text\">2</pre>"), "the written block is not shown as output")
        let trap = try XCTUnwrap(page.between("id=\"cell-intro-6\"", "code-lang\">bash"))
        XCTAssertFalse(trap.contains("checked by doctest"))
    }

    func testTheDoctestCommandAndThePageJudgeAlike() throws {
        let intro = fixture.book.chapters[0]
        let cell = try XCTUnwrap(intro.cells.first { $0.index == 4 })
        XCTAssertEqual(DoctestJudge.judge(cell, in: intro, run: fixture.runs["intro"]), .pass)
        var run = try XCTUnwrap(fixture.runs["intro"])
        run.cells = run.cells.map { $0.index == 4 ? CellOutput(index: 4, items: [.text("3\n")], seconds: 0.1) : $0 }
        guard case .fail(let detail) = DoctestJudge.judge(cell, in: intro, run: run) else { return XCTFail() }
        XCTAssertTrue(detail.contains("- 2\n+ 3"), detail)
        let trap = try XCTUnwrap(intro.cells.first { $0.index == 6 })
        XCTAssertEqual(DoctestJudge.judge(trap, in: intro, run: fixture.runs["intro"]), .pass)
        run.cells = run.cells.map {
            $0.index == 6 ? RenderFixture.trapped(6, "Fatal error: Unexpectedly found nil") : $0
        }
        guard case .fail = DoctestJudge.judge(trap, in: intro, run: run) else {
            return XCTFail("a different trap fails")
        }
    }

    /// After a failure, the cells this run did not reach show the last good run's outputs,
    /// plainly marked with that run's date; the banner says so.
    func testAFailedRunShowsEarlierOutputsMarkedAsSuch() throws {
        let earlierCells = fixture.runs["intro"]!.cells
        fixture.runs["intro"]?.cells = earlierCells.filter { $0.index == 1 }
        fixture.runs["intro"]?.failure = RunFailure(kind: .trap, cell: 2, line: 21, message: "Fatal error: boom")
        fixture.runs["intro"]?.earlier = EarlierRun(date: RenderFixture.date, cells: earlierCells, values: [:])
        try fixture.render()
        let page = try fixture.page("intro.html")
        XCTAssertTrue(
            page.contains("come from the last good run, of 2023-11-14 22:13 UTC"), "the banner says which run")
        let first = try XCTUnwrap(page.between("id=\"cell-intro-1\"", "id=\"cell-intro-2\""))
        XCTAssertFalse(first.contains("output-earlier"), "a cell this run reached shows this run's output")
        let hidden = try XCTUnwrap(page.between("id=\"cell-intro-4\"", "id=\"cell-intro-6\""))
        XCTAssertTrue(hidden.contains("output-earlier"))
        XCTAssertTrue(hidden.contains("Output of an earlier run (2023-11-14 22:13 UTC)"))
        XCTAssertFalse(hidden.contains("checked by doctest"))
    }

    /// `book render deep`: only the named chapter's page changes; the others keep their bytes.
    func testRenderingOneChapterLeavesTheOtherPagesAsTheyAre() throws {
        try fixture.render()
        let intro = try Data(contentsOf: fixture.site.appendingPathComponent("intro.html"))
        fixture.runs["intro"]?.cells = []  // what the intro page would show if it were rendered now
        fixture.runs["deep"]?.failure?.message = "Chapters/deep.md:9:13: error: another message"
        var renderer = SiteRenderer(book: fixture.book, runs: fixture.runs, options: fixture.options)
        renderer.keptPages = ["intro"]
        _ = try renderer.render(into: fixture.site)
        XCTAssertEqual(try Data(contentsOf: fixture.site.appendingPathComponent("intro.html")), intro, "same bytes")
        XCTAssertTrue(try fixture.page("deep.html").contains("another message"), "the named chapter is rendered")
    }

    // MARK: - Values in prose

    func prose(_ text: String, line: Int = 50) {
        fixture.book.chapters[0].blocks.append(.prose(Prose(html: "<p>\(text)</p>\n", line: line)))
    }

    func testProseShowsTheRunsValueAndChangesWithTheRun() throws {
        prose(
            "Perplexity \(Placeholder.value("ppl %.1f", line: 51)) after \(Placeholder.value("epochs", line: 51)) epochs: "
                + "\(Placeholder.value("prediction", line: 51)).")
        fixture.runs["intro"]?.values = [
            "ppl": .number(6.8234), "epochs": .number(100), "prediction": .text("it has a <b>"),
        ]
        try fixture.render()
        var page = try fixture.page("intro.html")
        XCTAssertTrue(page.contains(">6.8</span> after <span"), page)
        XCTAssertTrue(page.contains(">100</span> epochs"))
        XCTAssertTrue(page.contains(">it has a &lt;b&gt;</span>"))
        fixture.runs["intro"]?.values["ppl"] = .number(7.25)
        try fixture.render()
        page = try fixture.page("intro.html")
        XCTAssertTrue(
            page.contains(">7.2</span> after") || page.contains(">7.3</span> after"), "a new run, a new value")
    }

    func testABrokenClaimFailsAtTheProseLineOnlyOnFullRuns() throws {
        prose("The GRU costs \(Placeholder.value("ratio %.1f in 2...3", line: 57))x an RNN epoch.", line: 56)
        fixture.runs["intro"]?.values = ["ratio": .number(3.4)]
        fixture.runs["intro"]?.record.arguments = []  // the chapter's own settings
        var failures = try fixture.render().filter { $0.severity == .error }
        XCTAssertEqual(failures.map(\.location), [SourceLocation(file: "Chapters/intro.md", line: 57)])
        XCTAssertTrue(
            failures.first?.message.contains("lies in 2...3, but this run recorded 3.4") == true,
            failures.first?.message ?? "")
        XCTAssertTrue(try fixture.page("intro.html").contains("value-broken"), "the page is written and marks it")
        // A quick run (other settings) shows the value without judging the claim.
        fixture.runs["intro"]?.record.arguments = ["--epochs", "1"]
        failures = try fixture.render().filter { $0.severity == .error }
        XCTAssertEqual(failures, [])
        // Kept claim: no failure.
        fixture.runs["intro"]?.record.arguments = []
        fixture.runs["intro"]?.values = ["ratio": .number(2.6)]
        XCTAssertEqual(try fixture.render().filter { $0.severity == .error }, [])
    }

    func testAValueNoCellRecordedIsAnError() throws {
        prose("Perplexity \(Placeholder.value("nope", line: 61)).", line: 61)
        let failures = try fixture.render().filter { $0.severity == .error }
        XCTAssertEqual(failures.map(\.location), [SourceLocation(file: "Chapters/intro.md", line: 61)])
    }

    func testValueSpecs() throws {
        XCTAssertEqual(try ValueReference.parse("ppl").get(), ValueReference(name: "ppl"))
        XCTAssertEqual(
            try ValueReference.parse("gru.ppl %.2f in 6...8").get(),
            ValueReference(name: "gru.ppl", format: "%.2f", range: 6...8))
        XCTAssertEqual(try ValueReference.parse("r in -1.5...2e1").get().range, -1.5...20)
        for bad in ["", "a b", "p %n", "p %.1f%s", "p in 3...2", "p in 2..3", "p %.1f in", "p$"] {
            guard case .failure = ValueReference.parse(bad) else { return XCTFail("`\(bad)` should not parse") }
        }
        let r = try ValueReference.parse("n %d").get()
        XCTAssertEqual(r.text(of: .number(4955.7)), "4956")
        XCTAssertEqual(ValueReference(name: "x").text(of: .number(0.000123456)), "0.000123")
        XCTAssertEqual(ValueReference(name: "x").text(of: .number(173428)), "173428")
    }

    func testTheLoaderReadsValueRolesWithTheirLines() throws {
        var loader = ChapterLoader(name: "one", path: "Chapters/one.md", number: 1)
        let chapter = try XCTUnwrap(
            loader.load("# T\n\nFirst line,\nthen :value:`ppl %.1f in 6...8` here.\n\nBad :value:`p %q`.\n"))
        guard case .prose(let prose) = chapter.blocks[1] else { return XCTFail("expected prose") }
        XCTAssertTrue(Placeholder.tokens(in: prose.html).contains(.value("ppl %.1f in 6...8", line: 4)), prose.html)
        XCTAssertEqual(
            loader.diagnostics.map(\.description),
            ["Chapters/one.md:6: error: `%q` is not a format for one value (use e.g. %.1f, %d, %.2e, %s)"])
    }
}
