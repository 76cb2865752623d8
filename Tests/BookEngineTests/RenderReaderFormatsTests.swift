import XCTest

@testable import BookEngine

/// The whole book on one page (printed to the PDF), and what the reader sees of references.
final class RenderReaderFormatsTests: XCTestCase {
    var fixture: RenderFixture!

    override func setUpWithError() throws { fixture = try RenderFixture() }
    override func tearDown() { fixture.remove() }

    func testFigureReferenceTitleShowsTheCaptionsMath() throws {
        // The caption's math is the figure's chapter's formula 0 (`x^2`), not the referring chapter's.
        for (i, block) in fixture.book.chapters[0].blocks.enumerated() {
            if case .figure(var figure) = block {
                figure.captionHTML = "A figure of \(Placeholder.math(0))"
                fixture.book.chapters[0].blocks[i] = .figure(figure)
            }
        }
        try fixture.render()
        let deep = try fixture.page("deep.html")
        XCTAssertTrue(deep.contains("href=\"intro.html#fig_one\" title=\"A figure of x^2\">Fig. 1.1</a>"), deep)
        XCTAssertFalse(deep.contains("math:"))
    }

    func testPrintPageHoldsEveryChapterWithLinksInsideIt() throws {
        try fixture.render()
        let print = try fixture.page(PrintPage.pageName)
        XCTAssertTrue(print.contains("<section class=\"print-cover\">\n<h1 class=\"book-title\">Test Book</h1>"))
        // The contents, then each chapter in order, its ids prefixed by its name.
        let contents = try XCTUnwrap(print.between("<nav class=\"print-toc\">", "</nav>"))
        XCTAssertTrue(
            contents.contains("<a href=\"#chapter-intro\"><span class=\"toc-number\">1</span>Introduction</a>"))
        XCTAssertTrue(
            contents.contains("<a href=\"#intro--sec_basics\"><span class=\"toc-number\">1.1</span>Basics</a>"))
        let intro = try XCTUnwrap(print.range(of: "<div class=\"print-chapter\" id=\"chapter-intro\">"))
        let deep = try XCTUnwrap(print.range(of: "<div class=\"print-chapter\" id=\"chapter-deep\">"))
        XCTAssertLessThan(intro.lowerBound, deep.lowerBound)
        XCTAssertTrue(print.contains("<h2 id=\"intro--sec_basics\">"))
        // References between chapters are links inside the page.
        XCTAssertTrue(
            print.contains("<a class=\"ref ref-section\" href=\"#intro--sec_basics\" title=\"Basics\">Section 1.1</a>"))
        XCTAssertTrue(
            print.contains("<a class=\"ref ref-chapter\" href=\"#chapter-intro\" title=\"Introduction\">Chapter 1</a>"))
        XCTAssertTrue(print.contains("<a class=\"ref ref-equation\" href=\"#intro--eq_one\">(1.1)</a>"))
        XCTAssertFalse(print.contains("href=\"intro.html"), "no link leaves the page for a chapter")
        // The outputs are there, and figures load from the same folder as on the chapters' pages.
        XCTAssertTrue(print.contains("<div class=\"output-figure\"><svg"))
        XCTAssertTrue(print.contains("src=\"img/one.svg\""))
        // Without Chromium there is no PDF, and no page links one.
        XCTAssertFalse(try fixture.page("intro.html").contains("pdf-link"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.site.appendingPathComponent("book-en.pdf").path))
    }

    func testRelinkKeepsOtherLinksAndAttributes() {
        let html =
            ##"<a href="https://swift.org">x</a><svg><use xlink:href="#m"/></svg><p data-id="k" id="a&amp;b"><a href="other.html#z">o</a>"##
        let out = PrintPage.relink(html, chapter: "c", chapters: ["c", "d"])
        XCTAssertEqual(
            out,
            ##"<a href="https://swift.org">x</a><svg><use xlink:href="#m"/></svg><p data-id="k" id="c--a&amp;b"><a href="other.html#z">o</a>"##
        )
    }
}
