import XCTest

@testable import BookEngine

/// Published XSS and SVG-injection vectors (after OWASP's XSS filter evasion cheat sheet,
/// DOMPurify's test fixtures and the issue's own reproductions), written as our own fixtures.
/// Each goes through the sanitizer and must come out inert or be refused; the same vectors,
/// rendered into a site, are what `Tests/browser/xss.sh` opens in Chromium with `alert` hooked.
final class SVGSanitizerTests: XCTestCase {
    static let vectors: [String] = [
        // The issue's reproductions.
        #"<svg><scr<script></script>ipt>alert(1)</script></svg>"#,
        #"<svg><!-- " --><img src=x onerror=alert(1)> " --></svg>"#,
        #"<svg><!-- " --><img src="x" onerror="alert(1)"/> " --></svg>"#,
        #"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a><animate attributeName="href" values="javascript:alert(1)"/><text y="20">click</text></a></svg>"#,
        #"<svg><style>@import url(http://127.0.0.1:9/x.css);</style></svg>"#,
        // Event handlers, in every case and spelling.
        #"<svg onload="alert(1)"/>"#,
        #"<svg><rect ONCLICK="alert(1)" width="9" height="9"/></svg>"#,
        #"<svg><polyline points="0,0 10,10" onmouseover="alert(1)" stroke="red"/></svg>"#,
        #"<svg><image href="x" onerror="alert(1)"/></svg>"#,
        #"<svg><animate onbegin="alert(1)" attributeName="x" dur="1s"/></svg>"#,
        // Scripts, including namespaced and external ones.
        #"<svg><script>alert(1)</script></svg>"#,
        #"<svg><script type="text/ecmascript"><![CDATA[alert(1)]]></script></svg>"#,
        #"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><script xlink:href="data:,alert(1)"/></svg>"#,
        #"<svg><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script></svg>"#,
        #"<svg><handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">alert(1)</handler></svg>"#,
        // Links and references out of the figure.
        #"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>"#,
        #"<svg><a href="jav&#x09;ascript:alert(1)"><text y="20">x</text></a></svg>"#,
        #"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href=" javascript:alert(1)"/></svg>"#,
        #"<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+#x"/></svg>"#,
        #"<svg><image href="http://127.0.0.1:9/x.png"/></svg>"#,
        #"<svg><feImage href="http://127.0.0.1:9/x.svg"/></svg>"#,
        #"<svg><rect style="background:url(http://127.0.0.1:9/x)" width="5" height="5"/></svg>"#,
        #"<svg><rect fill="url(http://127.0.0.1:9/#a)" width="5" height="5"/></svg>"#,
        #"<svg><rect style="behavior:url(#x)"/><rect style="x:expression(alert(1))"/><rect style="fill:re\64"/></svg>"#,
        // Animation that retargets links or handlers.
        #"<svg><set attributeName="onmouseover" to="alert(1)"/></svg>"#,
        #"<svg><a><set attributeName="href" to="javascript:alert(1)"/><text y="20">x</text></a></svg>"#,
        #"<svg><animateTransform/><animateMotion/><discard/></svg>"#,
        // HTML smuggled through foreign content.
        #"<svg><foreignObject><iframe src="javascript:alert(1)"/></foreignObject></svg>"#,
        #"<svg><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></body></foreignObject></svg>"#,
        #"<svg><iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/></svg>"#,
        #"<svg><math><mi xlink:href="javascript:alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink">x</mi></math></svg>"#,
        #"<svg><title><![CDATA[</title><script>alert(1)</script>]]></title></svg>"#,
        #"<svg><text y="20">&lt;/svg&gt;&lt;img src=x onerror=alert(1)&gt;</text></svg>"#,
        #"<svg><desc><![CDATA[</desc></svg><img src=x onerror=alert(1)>]]></desc></svg>"#,
        #"<svg><style>svg{background:red}</style></svg>"#,
        // XML tricks.
        #"<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;alert(1)&#60;/script&#62;">]><svg>&x;</svg>"#,
        #"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg><text>&x;</text></svg>"#,
        #"<?xml-stylesheet href="http://127.0.0.1:9/x.css"?><svg/>"#,
        #"<svg></svg><script>alert(1)</script>"#,
        #"</svg><script>alert(1)</script>"#,
        #"<SVG><script>alert(1)</script></SVG>"#,
        #"<svg xmlns="http://127.0.0.1:9/"><rect/></svg>"#,
        #"<svg><rect onload&#x3D;"alert(1)"/></svg>"#,
        "<svg><rect width=\"1\u{0}\" onload=\"alert(1)\"/></svg>",
        String(repeating: "<g>", count: 300) + String(repeating: "</g>", count: 300),
    ]

    /// What must never appear in sanitized markup (the SVG namespace itself excepted).
    static let forbidden = [
        "<script", "<foreignobject", "<iframe", "<img", "<image", "<a ", "<a>", "<animate", "<set",
        "<style", "<handler", "<feimage", "<math", "javascript:", "data:", "@import", "http:",
        "expression(", "behavior",
    ]

    static func inert(_ markup: String) -> String? {
        let lowered = markup.lowercased().replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            .replacingOccurrences(of: "xmlns:xlink=\"http://www.w3.org/1999/xlink\"", with: "")
        if let bad = forbidden.first(where: { lowered.contains($0) }) { return bad }
        // An event attribute: ` on...=` inside a tag.
        if lowered.range(of: #"<[^>]*\son[a-z]+\s*="#, options: .regularExpression) != nil { return "on...=" }
        return nil
    }

    func testEveryVectorIsInertOrRefused() {
        var refused = 0
        for vector in Self.vectors {
            switch SVGSanitizer.clean(vector) {
            case .success(let markup):
                XCTAssertNil(Self.inert(markup), "\(vector)\n→ \(markup)")
            case .failure:
                refused += 1
            }
            // What a page shows is inert either way.
            XCTAssertNil(
                Self.inert(
                    SVGSanitizer.sanitize(vector).replacingOccurrences(of: "figure-error", with: "")
                        .replacingOccurrences(of: "&lt;", with: "").replacingOccurrences(of: "&quot;", with: "")
                        .components(separatedBy: "Figure not shown").first!), vector)
        }
        XCTAssertGreaterThanOrEqual(refused, 5, "malformed vectors are refused, not passed through")
        XCTAssertLessThan(refused, Self.vectors.count - 20, "well-formed vectors are cleaned, not all refused")
    }

    func testMalformedSVGIsShownAsAnError() {
        let shown = SVGSanitizer.sanitize(#"<svg><scr<script></script>ipt>alert(1)</script></svg>"#)
        XCTAssertTrue(
            shown.hasPrefix("<p class=\"figure-error\">Figure not shown: the SVG is not well-formed XML (line 1)"),
            shown)
    }

    func testPlotsKeepTheirShapeAndText() throws {
        let svg =
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><rect x="0" y="0" width="320" height="200" fill="white"/><polyline points="1,2 3,4" fill="none" stroke="#1f77b4" stroke-width="1.5"/><text x="5" y="9" font-size="10" text-anchor="middle">loss &lt; 1 &amp; "ok"</text></svg>"##
        XCTAssertEqual(
            try SVGSanitizer.clean(svg).get(),
            ##"<svg height="200" width="320" xmlns="http://www.w3.org/2000/svg"><rect fill="white" height="200" width="320" x="0" y="0"/><polyline fill="none" points="1,2 3,4" stroke="#1f77b4" stroke-width="1.5"/><text font-size="10" text-anchor="middle" x="5" y="9">loss &lt; 1 &amp; &quot;ok&quot;</text></svg>"##
        )
        // The book's own figure keeps every element it draws.
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Chapters/img/deep-rnn.svg")
        let original = try String(contentsOf: file, encoding: .utf8)
        let cleaned = try SVGSanitizer.clean(original).get()
        for element in ["<text", "<line", "<rect", "<path", "<marker", "<tspan"] {
            XCTAssertEqual(
                cleaned.components(separatedBy: element).count, original.components(separatedBy: element).count, element
            )
        }
        XCTAssertTrue(cleaned.contains("marker-end=\"url(#arrow)\"") || !original.contains("url(#arrow)"))
    }

    /// Renders every vector as a cell's figure and as an image of `Chapters/img`, into
    /// `$BOOK_XSS_SITE` when set (`./render.sh test` sets it for the browser test).
    func testHostileFiguresRenderIntoASite() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("xss-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let chapters = root.appendingPathComponent("Chapters")
        try FileManager.default.createDirectory(
            at: chapters.appendingPathComponent("img"), withIntermediateDirectories: true)
        var text = "# Hostile figures\n\n```swift\nhostile()\n```\n\n"
        for (i, vector) in Self.vectors.enumerated() {
            // Files that parse become images; the renderer refuses the malformed ones loudly.
            if case .success = SVGSanitizer.clean(vector) {
                try vector.write(
                    to: chapters.appendingPathComponent("img/v\(i).svg"), atomically: true, encoding: .utf8)
                text += "![vector \(i) $x_\(i)$](img/v\(i).svg)\n\n"
            }
        }
        try text.write(to: chapters.appendingPathComponent("xss.md"), atomically: true, encoding: .utf8)
        try "# XSS\n\n- [Hostile](xss.md)\n".write(
            to: chapters.appendingPathComponent("SUMMARY.md"), atomically: true, encoding: .utf8)
        let book = try BookLoader.load(root: root)
        let record = RunRecord(
            date: Date(timeIntervalSince1970: 0), seed: 0, arguments: [], toolchain: "Swift", inputsHash: "0",
            seconds: 1)
        let run = ChapterRun(
            chapter: "xss", cells: [CellOutput(index: 1, items: Self.vectors.map { .figure(svg: $0) }, seconds: 1)],
            failure: nil, record: record)
        let site = root.appendingPathComponent("site")
        let options = SiteOptions(
            bookRoot: root, katexDirectory: root.appendingPathComponent("none"),
            katexFontsDirectory: root.appendingPathComponent("none"), requireKaTeX: false)
        try SiteRenderer(book: book, runs: ["xss": run], options: options).render(into: site)
        let page = try String(contentsOf: site.appendingPathComponent("xss.html"), encoding: .utf8)
        let figures = page.components(separatedBy: "<div class=\"output-figure\">").dropFirst()
            .map { $0.components(separatedBy: "</div>")[0] }
        XCTAssertEqual(figures.count, Self.vectors.count)
        for figure in figures {
            XCTAssertNil(Self.inert(figure.replacingOccurrences(of: "Figure not shown", with: "")), figure)
        }
        XCTAssertGreaterThanOrEqual(figures.filter { $0.contains("figure-error") }.count, 5)

        if let target = ProcessInfo.processInfo.environment["BOOK_XSS_SITE"], !target.isEmpty {
            let destination = URL(fileURLWithPath: target)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.createDirectory(
                at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: site, to: destination)
        }
    }
}
