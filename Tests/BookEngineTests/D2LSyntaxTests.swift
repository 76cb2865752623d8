import XCTest

@testable import BookEngine

/// d2l's Markdown as d2lbook renders it, through the fixture book `Books/d2l-syntax` (a book with
/// no Swift at all: Python cells under tabs, a pipe table, citations, a `../img` figure with
/// `:width:`, web links) and small chapters for each rule.
final class D2LSyntaxTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Books/d2l-syntax")
    var site: URL!

    override func setUp() {
        site = FileManager.default.temporaryDirectory.appendingPathComponent("d2l-syntax-\(UUID().uuidString)/site")
    }
    override func tearDown() { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }

    func render() throws -> (Book, [Diagnostic]) {
        let book = try BookLoader.load(root: Self.fixture)
        let options = SiteOptions(
            bookRoot: Self.fixture, katexDirectory: site.appendingPathComponent("none"),
            katexFontsDirectory: site.appendingPathComponent("none"), requireKaTeX: false)
        return (book, try SiteRenderer(book: book, runs: [:], options: options).render(into: site))
    }

    func page(_ name: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(name), encoding: .utf8)
    }

    func testFixtureBookChecksWithOnlyTheUnsupportedConstructsWarned() throws {
        let book = try BookLoader.load(root: Self.fixture)
        XCTAssertFalse(book.hasCode)
        XCTAssertEqual(Tangler(book: book).files(), [], "a book without Swift generates no sources")
        let problems = BookChecker(book: book).run()
        XCTAssertEqual(
            problems.map(\.description),
            [
                "Chapters/rnn.md:37: warning: d2l's `:ref:` is not supported; it is shown as text",
                "Chapters/compare.md:11: warning: d2lbook's `toc` block is not supported; it is shown as code",
            ])
    }

    func testTablesTabsCitationsFiguresAndLinksRender() throws {
        let (_, warnings) = try render()
        XCTAssertEqual(warnings.filter { $0.severity == .error }, [])
        let compare = try page("compare.html")
        XCTAssertTrue(compare.contains("<div class=\"table-wrap\" id=\"tab_sizes\">"), compare)
        XCTAssertTrue(compare.contains("<span class=\"caption-number\">Table 2.1</span>"))
        XCTAssertTrue(compare.contains("<th align=\"right\">layers</th>"), "alignment from the delimiter row")
        XCTAssertTrue(compare.contains("<td align=\"left\">GRU</td>"))
        XCTAssertFalse(compare.contains(":label:"), "the label row under the table is not a row")
        XCTAssertTrue(compare.contains("<a class=\"ref ref-table\" href=\"#tab_sizes\">Table 2.1</a>"))

        let rnn = try page("rnn.html")
        XCTAssertTrue(rnn.contains("<a class=\"ref ref-table\" href=\"compare.html#tab_sizes\">Table 2.1</a>"))
        // Tabs: the two prose regions and the two %%tab cells form tab sets of mxnet and pytorch,
        // listed in the order of the chapter's tab.interact_select('pytorch', 'mxnet').
        XCTAssertEqual(
            rnn.components(separatedBy: "<div class=\"tabs\" data-tabs=\"pytorch mxnet\">").count - 1, 2, rnn)
        XCTAssertTrue(rnn.contains("<div class=\"tab-pane\" role=\"tabpanel\" data-tab=\"pytorch\">"))
        XCTAssertTrue(rnn.contains("In PyTorch the hidden state is a tensor of zeros."))
        XCTAssertTrue(rnn.contains("import torch"))
        for literal in [":begin_tab:", ":end_tab:", "%%tab", "%load_ext", "[**", "**]", ":cite:", ":width:"] {
            XCTAssertFalse(rnn.contains(literal), "\(literal) shown as text")
        }
        XCTAssertTrue(
            rnn.contains("<code class=\"language-python\">") || rnn.contains("code-python"), "python stays shown")
        // Citations: author-year links to the bibliography page.
        XCTAssertTrue(
            rnn.contains(
                "(<a class=\"cite\" href=\"bibliography.html#bib-elman1990finding\" title=\"Finding structure in time\">Elman, 1990</a>)"
            ), rnn)
        XCTAssertTrue(rnn.contains(">Hochreiter and Schmidhuber (1997)</a>"))
        XCTAssertTrue(
            rnn.contains(
                ">Cho et al., 2014</a>; <a class=\"cite\" href=\"bibliography.html#bib-Hochreiter.Schmidhuber.1997\""))
        let bibliography = try page("bibliography.html")
        for key in ["elman1990finding", "Hochreiter.Schmidhuber.1997", "Cho.Van-Merrienboer.Bahdanau.ea.2014"] {
            XCTAssertTrue(bibliography.contains("<li id=\"bib-\(key)\">"), key)
        }
        XCTAssertTrue(
            bibliography.contains(
                "Hochreiter, Sepp, Schmidhuber, Jürgen (1997). <em>Long short-term memory</em>. Neural Computation."))
        // The figure: d2l's ../img path, its width and its label.
        XCTAssertTrue(
            rnn.contains(
                "<figure class=\"figure\" id=\"fig_rnn\">\n<img src=\"img/rnn.svg\" alt=\"An RNN with a hidden state.\" style=\"width: 300px\">"
            ), rnn)
        XCTAssertTrue(FileManager.default.fileExists(atPath: site.appendingPathComponent("img/rnn.svg").path))
        // Web links are kept, and are not errors.
        XCTAssertTrue(rnn.contains("<a href=\"https://github.com/d2l-ai/d2l-en\">GitHub</a>"))
        XCTAssertTrue(rnn.contains("<h2 id=\"defining-the-model\">"), "d2lbook's [** **] marks are removed")
    }

    func testUnknownCitationKeyIsAnErrorWithItsLine() throws {
        let book = try TestBook(
            chapters: [("one", "# T\n\nKnown :cite:`a`.\n\nUnknown\n:citet:`nobody.2020`.\n")],
            extraFiles: ["Chapters/d2l.bib": Data("@book{a, author={Ann Author}, title={A}, year={2001}}\n".utf8)])
        defer { book.remove() }
        XCTAssertEqual(
            book.problems().map(\.description),
            ["Chapters/one.md:6: error: :citet: of unknown BibTeX key 'nobody.2020' (Chapters/d2l.bib)"])
    }

    func testFigureLabelsAfterWidthOrTrailingSpaceAreKept() throws {
        let chapter = try loadChapter(
            "# T\n\n![A](img/a.svg)\n:width:`400px`\n:label:`fig_a`\n\n![B](img/b.svg) \n:label:`fig_b`\n")
        let figures = chapter.blocks.compactMap { if case .figure(let f) = $0 { return f } else { return nil } }
        XCTAssertEqual(figures.map(\.label), ["fig_a", "fig_b"])
        XCTAssertEqual(figures.map(\.width), ["400px", nil])
    }

    func testFigureLabelThatCannotBeReadIsAnError() throws {
        let book = try TestBook(chapters: [("one", "# T\n\n![A](img/a.svg)\n:label:`fig_a` and more words\n")])
        defer { book.remove() }
        XCTAssertEqual(
            book.problems().map(\.description),
            [
                "Chapters/one.md:3: error: this figure's `:label:` is lost: only `:width:` and `:label:` lines may follow the image"
            ])
    }

    func testTabRegionsAndTabbedSwiftCells() throws {
        let text = """
            # T

            :begin_tab:`scratch`
            From scratch.
            :end_tab:

            :begin_tab:`concise`
            With the library.
            :end_tab:

            ```swift tab=scratch
            print(1)
            ```

            ```swift tab=concise
            print(2)
            ```

            After.

            :begin_tab:`never closed`
            """
        let book = try TestBook(chapters: [("one", text)])
        defer { book.remove() }
        let loaded = try book.load()
        let chapter = loaded.chapters[0]
        guard case .tabs(let prose) = chapter.blocks[1], case .tabs(let cells) = chapter.blocks[2] else {
            return XCTFail("expected two tab sets, got \(chapter.blocks)")
        }
        XCTAssertEqual(prose.panes.map(\.tabs), [["scratch"], ["concise"]])
        XCTAssertEqual(cells.panes.map(\.tabs), [["scratch"], ["concise"]])
        XCTAssertEqual(chapter.cells.map(\.index), [1, 2], "tabbed cells are cells of the program, in reading order")
        XCTAssertEqual(
            loaded.warnings.map(\.description),
            ["Chapters/one.md:21: warning: `:begin_tab:` is never closed by `:end_tab:`"])
    }

    func testBibTeXEntries() {
        let text = """
            @string{nc = "Neural Computation"}
            @article{lstm,
              author = {Hochreiter, Sepp and Schmidhuber, J{\\"u}rgen},
              title = {Long {Short-Term} Memory},
              year = 1997,
            }
            @misc{solo, author="Jeffrey L. Elman", title={\\emph{Finding} structure}, year={1990}}
            @misc{lstm, title={again}}
            """
        let (bibliography, problems) = Bibliography.parse(text, path: "Chapters/d2l.bib")
        XCTAssertEqual(bibliography.entries["lstm"]?.authorText, "Hochreiter and Schmidhuber")
        XCTAssertEqual(bibliography.entries["lstm"]?.year, "1997")
        XCTAssertEqual(
            Bibliography.plainText(bibliography.entries["lstm"]?.fields["author"] ?? ""),
            "Hochreiter, Sepp and Schmidhuber, Jürgen")
        XCTAssertEqual(bibliography.entries["solo"]?.authorText, "Elman")
        XCTAssertEqual(Bibliography.plainText(bibliography.entries["solo"]?.fields["title"] ?? ""), "Finding structure")
        XCTAssertEqual(
            problems.map(\.description),
            ["Chapters/d2l.bib:8: error: duplicate BibTeX key 'lstm' (first at Chapters/d2l.bib:2)"])
        let (_, broken) = Bibliography.parse("@article{open,\n title={never closed}\n", path: "x.bib")
        XCTAssertEqual(broken.map(\.description), ["x.bib:1: error: the entry `@article{open` is never closed"])
    }

    func testWebLinksAreFineButWebResourcesAreNot() throws {
        let folder = site!
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "<a href=\"https://d2l.ai\">d2l</a>\n<img src=\"https://d2l.ai/x.png\">\n"
            .write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let checker = LinkChecker(site: folder)
        XCTAssertEqual(
            checker.check().map(\.description),
            ["site/index.html:2: error: link outside the site: https://d2l.ai/x.png"])
        XCTAssertEqual(checker.externalLinks().map(\.url), ["https://d2l.ai"])
    }
}
