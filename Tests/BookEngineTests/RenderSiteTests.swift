import XCTest

@testable import BookEngine

final class RenderSiteTests: XCTestCase {
    var fixture: RenderFixture!

    override func setUpWithError() throws { fixture = try RenderFixture() }
    override func tearDown() { fixture.remove() }

    func testWritesEveryPageAndAsset() throws {
        try fixture.render()
        for file in [
            "index.html", "search.html", "intro.html", "deep.html", "search-index.js", "theme/book.css",
            "theme/book.js", "theme/theme.js", "theme/search.js", "img/one.svg",
        ] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: fixture.site.appendingPathComponent(file).path), file)
        }
        let index = try fixture.page("index.html")
        XCTAssertTrue(index.contains("<title>Test Book</title>"))
        XCTAssertTrue(index.contains("<span class=\"toc-number\">1</span>Introduction"))
        XCTAssertTrue(index.contains("href=\"intro.html#sec_basics\"><span class=\"toc-number\">1.1</span>Basics"))
        XCTAssertTrue(index.contains("<html lang=\"en\">"))
        // A translation's pages carry its language.
        fixture.book.config.languages.append(BookConfig.Language(code: "zh", name: "中文", title: nil))
        for i in fixture.book.chapters.indices { fixture.book.chapters[i].language = "zh" }
        try fixture.render()
        XCTAssertTrue(try fixture.page("intro.html").contains("<html lang=\"zh\">"))
        // Nothing is left beside the site.
        let siblings = try FileManager.default.contentsOfDirectory(
            atPath: fixture.site.deletingLastPathComponent().path)
        XCTAssertEqual(siblings, ["site"])
    }

    func testChapterPageHasNavigationAndNumberedHeadings() throws {
        try fixture.render()
        let intro = try fixture.page("intro.html")
        XCTAssertTrue(intro.contains("<h1 id=\"sec_intro\"><span class=\"section-number\">1</span> Introduction"))
        XCTAssertTrue(intro.contains("<h2 id=\"sec_basics\"><span class=\"section-number\">1.1</span> Basics"))
        XCTAssertTrue(intro.contains("<li class=\"toc-chapter current\"><a href=\"intro.html\" aria-current=\"page\">"))
        XCTAssertTrue(intro.contains("<a href=\"#sec_basics\"><span class=\"toc-number\">1.1</span>Basics</a>"))
        XCTAssertTrue(intro.contains("<a class=\"pager-next\" href=\"deep.html\">"))
        XCTAssertTrue(intro.contains("<a class=\"pager-prev\" href=\"index.html\">"))
        XCTAssertTrue(intro.contains("<form class=\"search-form\" action=\"search.html\""))
        let deep = try fixture.page("deep.html")
        XCTAssertTrue(deep.contains("<a class=\"pager-prev\" href=\"intro.html\">"))
        XCTAssertFalse(deep.contains("pager-next"))
        // Math in a heading stays math in the sidebar too.
        XCTAssertTrue(deep.contains("<span class=\"toc-number\">2.1</span>Stacking <span class=\"math inline\">"))
    }

    func testOutputsAppearUnderTheirCells() throws {
        try fixture.render()
        let intro = try fixture.page("intro.html")
        let first = try XCTUnwrap(intro.between("id=\"cell-intro-1\"", "id=\"cell-intro-2\""))
        XCTAssertTrue(first.contains("tok-kw\">let</span>"))
        XCTAssertTrue(first.contains("<pre class=\"output-text\">hi &lt;script&gt;alert(1)&lt;/script&gt;</pre>"))
        let second = try XCTUnwrap(intro.between("id=\"cell-intro-2\"", "id=\"cell-intro-3\""))
        XCTAssertTrue(second.contains("epoch 1"))
        XCTAssertTrue(second.contains("<div class=\"output-figure\"><svg"))
        XCTAssertTrue(second.contains("3.50 s"), "each cell's run time is shown")
        XCTAssertFalse(first.contains("epoch 1"))
    }

    func testOutputAndSVGAreMadeSafe() throws {
        try fixture.render()
        let intro = try fixture.page("intro.html")
        XCTAssertFalse(intro.contains("<script>alert"))
        XCTAssertTrue(intro.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertFalse(intro.contains("alert('svg')"))
        XCTAssertFalse(intro.contains("onload"))
        XCTAssertFalse(intro.contains("<?xml"))
        XCTAssertTrue(intro.contains("<polyline points=\"0,0 10,10\" stroke=\"red\"/>"))
    }

    func testReferencesBecomeNumberedLinks() throws {
        let warnings = try fixture.render()
        let deep = try fixture.page("deep.html")
        XCTAssertTrue(
            deep.contains(
                "<a class=\"ref ref-section\" href=\"intro.html#sec_basics\" title=\"Basics\">Section 1.1</a>"))
        XCTAssertTrue(
            deep.contains(
                "<a class=\"ref ref-figure\" href=\"intro.html#fig_one\" title=\"A small figure\">Fig. 1.1</a>"))
        XCTAssertTrue(
            deep.contains("<a class=\"ref ref-chapter\" href=\"intro.html\" title=\"Introduction\">Chapter 1</a>"))
        XCTAssertTrue(deep.contains("<a class=\"ref ref-equation\" href=\"intro.html#eq_one\">(1.1)</a>"))
        XCTAssertTrue(
            deep.contains("<a href=\"intro.html#sec_basics\">the basics</a>"), "links to .md chapters point at pages")
        // The missing label: `??` on the page and a warning at its line.
        XCTAssertTrue(deep.contains(">??</span>"))
        let warning = try XCTUnwrap(warnings.first { $0.message.contains("nope") })
        XCTAssertEqual(warning.severity, .warning)
        XCTAssertEqual(warning.location, SourceLocation(file: "Chapters/deep.md", line: 3))
        XCTAssertEqual(warnings.count, 2, "\(warnings)")  // the label, and KaTeX missing in this test
    }

    func testMathEquationsAndFigures() throws {
        try fixture.render()
        let intro = try fixture.page("intro.html")
        XCTAssertTrue(intro.contains("<span class=\"math inline\">x^2</span>"))
        XCTAssertTrue(intro.contains("<span class=\"math inline\">y = x &amp;lt; 1</span> set apart."))
        XCTAssertTrue(
            intro.contains(
                "<div class=\"equation\" id=\"eq_one\"><div class=\"math display\">a_b &lt; c \\tag{1.1}</div></div>"))
        XCTAssertTrue(intro.contains("<figure class=\"figure\" id=\"fig_one\">"))
        XCTAssertTrue(intro.contains("<img src=\"img/one.svg\" alt=\"A small figure\">"))
        XCTAssertTrue(
            intro.contains(
                "<figcaption><span class=\"caption-number\">Figure 1.1:</span> A <em>small</em> figure</figcaption>"))
        // Without KaTeX the pages do not link it (the TeX stays readable).
        XCTAssertFalse(intro.contains("katex"))
    }

    func testCellMarksDoctestsAndHiddenCells() throws {
        try fixture.render()
        let intro = try fixture.page("intro.html")
        let norun = try XCTUnwrap(intro.between("id=\"cell-intro-3\"", "id=\"cell-intro-4\""))
        XCTAssertTrue(norun.contains(">not run</span>"))
        XCTAssertFalse(norun.contains("class=\"output"))
        let doctest = try XCTUnwrap(intro.between("id=\"cell-intro-4\"", "id=\"cell-intro-6\""))
        XCTAssertTrue(doctest.contains("output-checked"))
        XCTAssertTrue(doctest.contains("✓ checked by doctest"))
        XCTAssertTrue(doctest.contains("<pre class=\"output-text\">2</pre>"))
        XCTAssertFalse(intro.contains("secretSetup"), "hidden code is not shown")
        XCTAssertFalse(intro.contains("hidden output"), "hidden output is not shown")
        let trap = try XCTUnwrap(intro.between("id=\"cell-intro-6\"", "</div>\n</div>"))
        XCTAssertTrue(trap.contains("must trap"))
        XCTAssertTrue(intro.contains("Runtime error (as expected)"))
        XCTAssertTrue(intro.contains("Fatal error: Index out of range"))
        XCTAssertTrue(intro.contains("<span class=\"code-lang\">bash</span>"))
    }

    func testRunRecordIsShown() throws {
        try fixture.render()
        let intro = try fixture.page("intro.html")
        let record = try XCTUnwrap(intro.between("<details class=\"run-record\">", "</details>"))
        XCTAssertTrue(record.contains("2023-11-14 22:13 UTC"))
        XCTAssertTrue(record.contains("seed 42"))
        XCTAssertTrue(record.contains("<code>--epochs 1</code>"))
        XCTAssertTrue(record.contains("Swift version 6.3.1"))
        XCTAssertTrue(record.contains("12.5 s"))
    }

    func testFailedRunShowsBannerAndErrorUnderCell() throws {
        try fixture.render()
        let deep = try fixture.page("deep.html")
        let banner = try XCTUnwrap(deep.between("<div class=\"banner banner-error\" role=\"alert\">", "</div>"))
        XCTAssertTrue(banner.contains("did not compile"))
        XCTAssertTrue(banner.contains("Chapters/deep.md:9"))
        XCTAssertTrue(banner.contains("href=\"#cell-deep-1\""))
        let cell = try XCTUnwrap(deep.between("id=\"cell-deep-1\"", "id=\"cell-deep-2\""))
        XCTAssertTrue(cell.contains("Compile error"))
        XCTAssertTrue(cell.contains("cannot find &#39;StackedRNN&#39; in scope"))
        let next = try XCTUnwrap(deep.between("id=\"cell-deep-2\"", "</article>"))
        XCTAssertTrue(next.contains("title=\"The chapter&#39;s program did not compile\">not run</span>"), next)
        XCTAssertTrue(try fixture.page("index.html").contains("run failed"))
    }

    func testTrapShowsOutputBeforeItAndMarksLaterCellsUnreached() throws {
        fixture.runs["deep"]?.failure = RunFailure(
            kind: .trap, cell: nil, line: 10,
            message: "Fatal error: Index out of range\nChapters/deep.md:10")
        fixture.runs["deep"]?.cells = [CellOutput(index: 1, items: [.text("partial\n")], seconds: nil)]
        try fixture.render()
        let deep = try fixture.page("deep.html")
        XCTAssertTrue(deep.contains("stopped with a runtime error"))
        let cell = try XCTUnwrap(deep.between("id=\"cell-deep-1\"", "id=\"cell-deep-2\""))
        XCTAssertTrue(cell.contains("partial"), "the failing cell is found by its line")
        XCTAssertTrue(cell.contains("Runtime error"))
        XCTAssertTrue(try XCTUnwrap(deep.between("id=\"cell-deep-2\"", "</article>")).contains(">not reached</span>"))
    }

    func testLibraryErrorInAnotherChapterLinksThere() throws {
        fixture.runs["deep"]?.failure = RunFailure(
            kind: .compile, cell: nil, line: nil,
            message: "Chapters/intro.md:16:5: error: bad library code")
        try fixture.render()
        let banner = try XCTUnwrap(try fixture.page("deep.html").between("banner-error", "</div>"))
        XCTAssertTrue(banner.contains("<a href=\"intro.html#cell-intro-1\">1. Introduction</a>"), banner)
        XCTAssertTrue(banner.contains("error: bad library code"))
    }

    func testSearchIndexHasEverySection() throws {
        try fixture.render()
        let script = try fixture.page("search-index.js")
        XCTAssertTrue(script.contains("window.BOOK_SEARCH_INDEX = ["))
        XCTAssertTrue(script.contains("\"url\":\"intro.html#sec_basics\""))
        XCTAssertTrue(script.contains("\"title\":\"1.1 Basics\""))
        XCTAssertTrue(script.contains("Layers of H_t^(l) stacked."), script)
        XCTAssertTrue(script.contains("StackedRNN"), "code is searchable")
        XCTAssertFalse(script.contains("secretSetup"), "hidden cells are not")
        let search = try fixture.page("search.html")
        XCTAssertTrue(search.contains("<script defer src=\"search-index.js\"></script>"))
    }

    func testOldSiteSurvivesAFailedRender() throws {
        try fixture.render()
        let before = try fixture.page("intro.html")
        var broken = fixture!
        guard case .figure(var figure) = broken.book.chapters[0].blocks[4] else { return XCTFail("fixture changed") }
        figure.source = "img/missing.svg"
        broken.book.chapters[0].blocks[4] = .figure(figure)
        broken.book.chapters[0].title = "Changed"
        XCTAssertThrowsError(try broken.render()) { error in
            let list = error as? DiagnosticList
            XCTAssertEqual(
                list?.diagnostics.first { $0.severity == .error }?.location,
                SourceLocation(file: "Chapters/intro.md", line: 12))
            XCTAssertTrue(list?.description.contains("img/missing.svg") ?? false, "\(error)")
        }
        XCTAssertEqual(try fixture.page("intro.html"), before)
        let siblings = try FileManager.default.contentsOfDirectory(
            atPath: fixture.site.deletingLastPathComponent().path)
        XCTAssertEqual(siblings, ["site"], "the unfinished site is removed")
    }

    func testBuildMachinePathInOutputIsAnError() throws {
        let root = fixture.root.path
        fixture.runs["intro"]?.cells[0].items = [.text("loaded \(root)/data.txt\n")]
        XCTAssertThrowsError(try fixture.render()) { error in
            XCTAssertTrue("\(error)".contains("site/intro.html:"), "\(error)")
            XCTAssertTrue("\(error)".contains("build machine's path"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.site.path))
    }

    func testReservedChapterNameIsAnError() throws {
        fixture.book.chapters[1].name = "search"
        XCTAssertThrowsError(try fixture.render()) { error in
            XCTAssertTrue("\(error)".contains("may not be named `search`"), "\(error)")
        }
    }

    func testMissingKaTeXFailsWithInstallCommand() throws {
        var options = fixture.options
        options.requireKaTeX = true
        XCTAssertThrowsError(try fixture.render(options: options)) { error in
            XCTAssertTrue("\(error)".contains("apt-get install -y libjs-katex fonts-katex"), "\(error)")
        }
    }

    func testKaTeXIsCopiedWhenInstalled() throws {
        let options = SiteOptions(bookRoot: fixture.root)
        try XCTSkipUnless(SiteAssets(options: options).katexAvailable, "KaTeX is not installed here")
        let warnings = try fixture.render(options: options)
        XCTAssertFalse(warnings.contains { $0.message.contains("KaTeX") })
        for file in ["katex/katex.min.js", "katex/katex.min.css", "katex/fonts/KaTeX_Main-Regular.woff2"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: fixture.site.appendingPathComponent(file).path), file)
        }
        let intro = try fixture.page("intro.html")
        XCTAssertTrue(intro.contains("<link rel=\"stylesheet\" href=\"katex/katex.min.css\">"))
        XCTAssertTrue(intro.contains("<script defer src=\"katex/katex.min.js\"></script>"))
    }

    func testSecondRenderReplacesTheSite() throws {
        try fixture.render()
        fixture.book.chapters[0].title = "Renamed"
        try fixture.render()
        XCTAssertTrue(try fixture.page("index.html").contains("Renamed"))
    }
}
