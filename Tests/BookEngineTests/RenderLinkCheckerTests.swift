import XCTest

@testable import BookEngine

final class RenderLinkCheckerTests: XCTestCase {
    var site: URL!

    override func setUpWithError() throws {
        site = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("css/fonts"), withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: site) }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: site.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    func testGoodLinksPass() throws {
        try write(
            "a.html",
            "<a href=\"b.html#x\">b</a> <a href=\"#top\">top</a> <img src=\"css/fonts/f.woff2\">"
                + "<h1 id=\"top\">A</h1><a href=\"search.html?q=a\">s</a><pre>href=&quot;nothing.html&quot;</pre>")
        try write("b.html", "<p id=\"x\">x</p><link rel=\"stylesheet\" href=\"css/s.css\">")
        try write("search.html", "")
        try write("css/s.css", "@font-face { src: url(fonts/f.woff2) format(\"woff2\"), url('fonts/f.woff2'); }")
        try write("css/fonts/f.woff2", "")
        XCTAssertEqual(LinkChecker(site: site).check(), [])
    }

    func testBrokenLinksAndAnchorsAreErrorsWithLines() throws {
        try write(
            "a.html", "<p>\n<a href=\"missing.html\">m</a>\n<a href=\"b.html#nope\">n</a> <a href=\"#gone\">g</a></p>")
        try write("b.html", "<p id=\"x\">x</p>")
        try write("css/s.css", "a { background: url(\"img/none.png\") }")
        let problems = LinkChecker(site: site, displayName: "site").check()
        XCTAssertEqual(
            problems.map(\.location),
            [
                SourceLocation(file: "site/a.html", line: 2), SourceLocation(file: "site/a.html", line: 3),
                SourceLocation(file: "site/a.html", line: 3), SourceLocation(file: "site/css/s.css", line: 1),
            ])
        XCTAssertTrue(problems.allSatisfy { $0.severity == .error })
        XCTAssertTrue(problems[1].message.contains("no id `nope` in b.html"), problems[1].message)
    }

    func testExternalAndEscapingLinksAreErrors() throws {
        try write(
            "a.html",
            "<script src=\"https://cdn.example.com/k.js\"></script><a href=\"//x.org\">x</a>"
                + "<a href=\"../outside.html\">o</a><a href=\"/etc/passwd\">p</a><a href=\"javascript:alert(1)\">j</a>")
        let messages = LinkChecker(site: site).check().map(\.message)
        XCTAssertEqual(messages.count, 5, "\(messages)")
        XCTAssertTrue(messages[0].contains("outside the site"))
    }

    func testForbiddenStringsAreFound() throws {
        try write("a.html", "<p>ok</p>\n<p>/home/builder/book/Chapters</p>")
        let problems = LinkChecker(site: site, forbiddenStrings: ["/home/builder/book"]).check()
        XCTAssertEqual(problems.map(\.location), [SourceLocation(file: "site/a.html", line: 2)])
    }
}

final class RenderPiecesTests: XCTestCase {
    func testSVGSanitizerRemovesScriptsHandlersAndLinks() {
        let svg = """
            <?xml version="1.0"?><!DOCTYPE svg><svg onload='x()' width="3"><SCRIPT type="a">evil()</SCRIPT>\
            <script/><a href="https://x.org" xlink:href="javascript:y()"><text onclick="z()" x="1">a &lt; b</text></a>\
            <foreignObject><div>f</div></foreignObject><use href="#id"/><rect style="fill:url(http://x)"/></svg>
            """
        XCTAssertEqual(
            SVGSanitizer.sanitize(svg),
            "<svg width=\"3\"><text x=\"1\">a &lt; b</text><use href=\"#id\"/><rect/></svg>")
    }

    func testTerminalTextKeepsTheLastProgressState() {
        XCTAssertEqual(Format.terminalText("epoch 1\repoch 2\r\u{1B}[Kdone\nnext\r\n"), "done\nnext\n")
        XCTAssertEqual(Format.terminalText("\u{1B}[31mred\u{1B}[0m"), "red")
    }

    func testDurationsAndArguments() {
        XCTAssertEqual(Format.seconds(0.001), "< 0.01 s")
        XCTAssertEqual(Format.seconds(3.456), "3.46 s")
        XCTAssertEqual(Format.seconds(42.0), "42.0 s")
        XCTAssertEqual(Format.seconds(125), "2 min 05 s")
        XCTAssertEqual(Format.arguments(["--epochs", "1", "a b"]), "--epochs 1 'a b'")
    }

    func testPlainTextOfHTML() {
        XCTAssertEqual(HTML.plainText("<p>a <em>b</em>&amp;c&#39;s\n d</p>"), "a b&c's d")
        XCTAssertEqual(HTML.escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}

final class RenderSearchTextTests: XCTestCase {
    func testFormulasBecomeReadableText() {
        XCTAssertEqual(
            InlineRenderer.searchText(ofTeX: "\\mathbf{X}_t \\in \\mathbb{R}^{n \\times d}"), "X_t ∈ ℝ^n × d")
        XCTAssertEqual(InlineRenderer.searchText(ofTeX: "\\tanh(x) < \\sigma"), "tanh (x) &lt; σ")
    }

    func testInlineTagsDoNotSplitWords() {
        XCTAssertEqual(
            HTML.plainText("<p>the <code>time machin</code>, <em>though</em></p><p>next</p>"),
            "the time machin, though next")
    }
}

final class RenderDuplicateIDTests: XCTestCase {
    func testDuplicateIDsWarn() throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: site) }
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try "<h2 id=\"a\">A</h2>\n<h2 id=\"a\">again</h2>".write(
            to: site.appendingPathComponent("p.html"),
            atomically: true, encoding: .utf8)
        let problems = LinkChecker(site: site).check()
        XCTAssertEqual(problems.map(\.severity), [.warning])
        XCTAssertEqual(problems.first?.location, SourceLocation(file: "site/p.html", line: 2))
    }
}
