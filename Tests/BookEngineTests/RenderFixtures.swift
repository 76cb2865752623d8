import Foundation

@testable import BookEngine

/// A small book built by hand (no loader), its runs, and a folder to render it into.
struct RenderFixture {
    let root: URL
    var book: Book
    var runs: [String: ChapterRun]

    static let date = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14 22:13 UTC

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID().uuidString)")
        let img = root.appendingPathComponent("Chapters/img")
        try FileManager.default.createDirectory(at: img, withIntermediateDirectories: true)
        try #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#
            .write(to: img.appendingPathComponent("one.svg"), atomically: true, encoding: .utf8)

        let intro = Chapter(
            name: "intro", path: "Chapters/intro.md", number: 1, title: "Introduction",
            blocks: [
                .heading(
                    Heading(
                        level: 1, text: "Introduction", html: "Introduction", label: "sec_intro", anchor: "sec_intro",
                        number: "1", line: 1)),
                .prose(
                    Prose(
                        html: "<p>Intro prose with \(Placeholder.math(0)) in it and\n"
                            + "\(Placeholder.open)tex:y = x &lt; 1\(Placeholder.close) set apart.</p>\n", line: 4)),
                .heading(
                    Heading(
                        level: 2, text: "Basics", html: "Basics", label: "sec_basics", anchor: "sec_basics",
                        number: "1.1", line: 6)),
                .displayMath(DisplayMath(tex: "a_b < c", label: "eq_one", number: "1.1", line: 9)),
                .figure(
                    Figure(
                        source: "img/one.svg", captionHTML: "A <em>small</em> figure", label: "fig_one",
                        number: "1.1", line: 12)),
                .cell(Self.cell(1, "let greeting = \"hi \\(name)\"\nprint(greeting) // say it\n", line: 15)),
                .cell(Self.cell(2, "plot(losses)\n", line: 20)),
                .cell(Self.cell(3, "downloadEverything()\n", line: 25) { $0.attributes.noRun = true }),
                .cell(Self.cell(4, "print(1 + 1)\n", line: 30) { $0.expected = ExpectedOutput(text: "2\n", line: 33) }),
                .cell(Self.cell(5, "secretSetup()\n", line: 36) { $0.attributes.hide = true }),
                .cell(
                    Self.cell(6, "let xs = [Int]()\nprint(xs[1])\n", line: 40) {
                        $0.attributes.trap = true
                        $0.expected = ExpectedOutput(text: "Fatal error: Index out of range\n", line: 44)
                    }),
                .code(CodeBlock(language: "bash", source: "swift run book render\n", line: 48)),
            ], inlineMath: ["x^2"])

        let deep = Chapter(
            name: "deep", path: "Chapters/deep.md", number: 2, title: "Deep Networks",
            blocks: [
                .heading(
                    Heading(
                        level: 1, text: "Deep Networks", html: "Deep Networks", label: nil, anchor: "deep-networks",
                        number: "2", line: 1)),
                .prose(
                    Prose(
                        html: "<p>See \(Placeholder.reference(.numref, "sec_basics")), "
                            + "\(Placeholder.reference(.numref, "fig_one")), \(Placeholder.reference(.numref, "sec_intro")), "
                            + "\(Placeholder.reference(.eqref, "eq_one")) and \(Placeholder.reference(.numref, "nope")). "
                            + "Also <a href=\"intro.md#sec_basics\">the basics</a>.</p>\n", line: 3)),
                .heading(
                    Heading(
                        level: 2, text: "Stacking", html: "Stacking \(Placeholder.math(0))", label: nil,
                        anchor: "stacking",
                        number: "2.1", line: 5)),
                .prose(Prose(html: "<p>Layers of \(Placeholder.math(0)) stacked.</p>\n", line: 7)),
                .cell(Self.cell(1, "let model = StackedRNN(layers: 2)\n", line: 9, chapter: "deep")),
                .cell(Self.cell(2, "model.train()\n", line: 13, chapter: "deep")),
            ], inlineMath: ["\\mathbf{H}_t^{(l)}"])

        book = Book(title: "Test Book", root: root, config: BookConfig(), chapters: [intro, deep])

        let record = RunRecord(
            date: Self.date, seed: 42, arguments: ["--epochs", "1"], toolchain: "Swift version 6.3.1",
            inputsHash: "0123456789abcdef0123456789abcdef", seconds: 12.5)
        let svg =
            #"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="alert(1)">"#
            + #"<script>alert('svg')</script><polyline points="0,0 10,10" stroke="red"/></svg>"#
        runs = [
            "intro": ChapterRun(
                chapter: "intro",
                cells: [
                    CellOutput(index: 1, items: [.text("hi <script>alert(1)</script>\n")], seconds: 0.25),
                    CellOutput(index: 2, items: [.text("epoch 1\n"), .figure(svg: svg)], seconds: 3.5),
                    CellOutput(index: 4, items: [.text("2\n")], seconds: 0.001),
                    CellOutput(index: 5, items: [.text("hidden output\n")], seconds: 0.1),
                    Self.trapped(6, "Swift/Array.swift:418: Fatal error: Index out of range"),
                ], failure: nil, record: record),
            "deep": ChapterRun(
                chapter: "deep", cells: [],
                failure: RunFailure(
                    kind: .compile, cell: 1, line: 9,
                    message: "Chapters/deep.md:9:13: error: cannot find 'StackedRNN' in scope"),
                record: record),
        ]
    }

    /// What the trap check of a `trap` cell records.
    static func trapped(_ index: Int, _ message: String) -> CellOutput {
        var output = CellOutput(index: index, items: [], seconds: nil)
        output.expectedFailureChecked = true
        output.failureMessage = message
        return output
    }

    static func cell(
        _ index: Int, _ source: String, line: Int, chapter: String = "intro",
        _ change: (inout Cell) -> Void = { _ in }
    ) -> Cell {
        var cell = Cell(
            index: index, id: "\(chapter)-\(index)", attributes: CellAttributes(), source: source,
            codeLine: line + 1, line: line, expected: nil)
        change(&cell)
        return cell
    }

    /// Options that do not need KaTeX installed.
    var options: SiteOptions {
        SiteOptions(
            bookRoot: root, katexDirectory: root.appendingPathComponent("no-katex"),
            katexFontsDirectory: root.appendingPathComponent("no-katex"), requireKaTeX: false)
    }

    var site: URL { root.appendingPathComponent("out/site") }

    /// Renders into `site`, returning the warnings.
    @discardableResult
    func render(options: SiteOptions? = nil) throws -> [Diagnostic] {
        try SiteRenderer(book: book, runs: runs, options: options ?? self.options).render(into: site)
    }

    func page(_ name: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(name), encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

extension String {
    /// The text between the first `start` and the next `end` after it.
    func between(_ start: String, _ end: String) -> String? {
        guard let a = range(of: start), let b = self[a.upperBound...].range(of: end) else { return nil }
        return String(self[a.upperBound..<b.lowerBound])
    }
}
