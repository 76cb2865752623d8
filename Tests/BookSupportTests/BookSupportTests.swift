import XCTest

@testable import BookSupport

final class BookSupportTests: XCTestCase {
    func testTableAlignsColumns() {
        let table = Book.table(["model", "ppl"], [["RNN", "6.96"], ["GRU (2 layers)", "6.44"]])
        XCTAssertEqual(
            table,
            """
            model           ppl
            --------------  ----
            RNN             6.96
            GRU (2 layers)  6.44
            """)
    }

    func testTicksAreRoundAndCoverTheRange() {
        XCTAssertEqual(LinePlot.ticks(1, 100), [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(LinePlot.ticks(5.3, 18.9), [5, 10, 15, 20])
        let flat = LinePlot.ticks(3, 3)  // a flat series still gets an axis around it
        XCTAssertLessThan(flat.first!, 3)
        XCTAssertGreaterThan(flat.last!, 3)
        XCTAssertEqual(LinePlot.logTicks(4, 25), [1, 2, 5, 10, 20, 50, 100])
    }

    func testPlotHasAxesLegendAndEscapedText() {
        var plot = LinePlot(xLabel: "epoch", yLabel: "perplexity <ppl>", title: "a & b")
        plot.add("train", x: [1, 2, 3], y: [20, 10, 5])
        plot.add("val", x: [1, 2, 3], y: [19, 12, 7])
        let svg = plot.svg()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains(">train</text>") && svg.contains(">val</text>"))
        XCTAssertTrue(svg.contains("perplexity &lt;ppl&gt;") && svg.contains("a &amp; b"))
        XCTAssertFalse(svg.contains("nan"))
    }

    func testCaptureMarkersMatchWhatTheEngineParses() {
        // The engine (which does not link BookSupport) splits on exactly these lines.
        XCTAssertEqual(CaptureProtocol.begin(3, token: "t0k"), "\u{1E}book:t0k:begin 3")
        XCTAssertEqual(CaptureProtocol.end(3, seconds: 0.5, token: "t0k"), "\u{1E}book:t0k:end 3 0.5")
        XCTAssertEqual(CaptureProtocol.figure("cell-3-1.svg", token: "t0k"), "\u{1E}book:t0k:figure cell-3-1.svg")
        XCTAssertEqual(CaptureProtocol.tokenKey, "BOOK_CAPTURE_TOKEN")
    }

    func testOptionsRejectBadEpochs() {
        XCTAssertThrowsError(try ChapterOptions.parse(["--epochs", "0"]))
        XCTAssertEqual(try ChapterOptions.parse(["--epochs", "5", "--seed", "3"]).epochs, 5)
        XCTAssertEqual(try ChapterOptions.parse([]).seed, 0)
    }
}
