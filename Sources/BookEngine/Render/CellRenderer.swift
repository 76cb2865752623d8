/// A Swift cell on its chapter's page: its code, marks, captured output, and any failure.
struct CellRenderer {
    let context: RenderContext
    let chapter: Chapter
    let run: ChapterRun?
    /// The index of the cell the run failed in, if it failed in one.
    let failingCell: Int?

    /// The chapter whose file the run's lines are in: the original of a translation.
    let source: Chapter
    var ui: UIText { context.ui }

    init(context: RenderContext, chapter: Chapter, run: ChapterRun?) {
        self.context = context
        self.chapter = chapter
        self.run = run
        let source = context.sourceChapter(of: chapter)
        self.source = source
        self.failingCell = run?.failure.flatMap { Self.failingCellIndex($0, in: source) }
    }

    /// The cell a failure belongs to: its `cell`, else the cell whose code holds its line.
    static func failingCellIndex(_ failure: RunFailure, in chapter: Chapter) -> Int? {
        if let cell = failure.cell { return cell }
        guard let line = failure.line else { return nil }
        return chapter.cells.first { cell in
            let count = cell.source.split(separator: "\n", omittingEmptySubsequences: false).count
            return line >= cell.line && line <= cell.codeLine + count
        }?.index
    }

    static func anchor(of cell: Cell) -> String { "cell-\(cell.id)" }

    func render(_ cell: Cell) -> String {
        let attrs = cell.attributes
        let failure = run?.failure.flatMap { failingCell == cell.index ? $0 : nil }
        if attrs.hide {
            // A hidden cell shows nothing, unless it is where the program failed.
            guard let failure else { return "" }
            return "<div class=\"cell cell-hidden\" id=\"\(HTML.escape(Self.anchor(of: cell)))\">\n"
                + failureBlock(failure) + "</div>\n"
        }
        let output = run?.output(ofCell: cell.index)
        var marks: [String] = []
        if attrs.save {
            marks.append(mark(ui("library"), "saved", ui("This code is also part of the {} library", context.book.config.library)))
        }
        if attrs.compileFail {
            marks.append(mark(ui("must not compile"), "expect-fail", ui("This cell is meant to fail to compile")))
        } else if attrs.trap {
            marks.append(mark(ui("must trap"), "expect-fail", ui("This cell is meant to stop with a runtime error")))
        }
        if attrs.noRun {
            marks.append(mark(ui("not run"), "norun", ui("This cell is shown but never compiled or run")))
        } else if isUnreached(cell, output: output) {
            if run?.failure?.kind == .compile {
                marks.append(mark(ui("not run"), "norun", ui("The chapter's program did not compile")))
            } else {
                marks.append(mark(ui("not reached"), "norun", ui("The program stopped before this cell")))
            }
        }
        if let seconds = output?.seconds {
            marks.append("<span class=\"cell-time\" title=\"\(HTML.escape(ui("Run time of this cell")))\">\(HTML.escapeText(Format.seconds(seconds)))</span>")
        }

        var html = "<div class=\"cell\" id=\"\(HTML.escape(Self.anchor(of: cell)))\">\n"
        html += "<div class=\"code-block\">\n<div class=\"code-header\"><span class=\"code-lang\">Swift</span>"
        html += marks.joined() + "</div>\n"
        html += CodeRenderer.swiftListing(cell.source, firstLine: cell.codeLine) + "\n</div>\n"
        html += outputs(of: cell, output: output)
        if let failure { html += failureBlock(failure) }
        return html + "</div>\n"
    }

    private func mark(_ text: String, _ kind: String, _ title: String) -> String {
        "<span class=\"cell-mark mark-\(kind)\" title=\"\(HTML.escape(title))\">\(HTML.escape(text))</span>"
    }

    /// Whether the cell belongs to the program but the run stopped before it.
    private func isUnreached(_ cell: Cell, output: CellOutput?) -> Bool {
        guard let run, let failure = run.failure, output == nil, cell.isInProgram, !cell.attributes.hide else { return false }
        guard let failingCell, failure.kind != .compile else { return true }
        return cell.index > failingCell
    }

    private func outputs(of cell: Cell, output: CellOutput?) -> String {
        if let expected = cell.expected {
            let text = CodeRenderer.outputText(expected.text)
            if cell.attributes.trap || cell.attributes.compileFail {
                let what = HTML.escape(ui(cell.attributes.trap ? "Expected runtime error" : "Expected compile error"))
                return """
                <div class="output output-expected-error">
                <div class="output-header"><span class="output-label">\(what)</span>\(checkedBadge)</div>
                <pre class="output-text">\(text)</pre>
                </div>

                """
            }
            let figures = output.map { CodeRenderer.items($0.items, includeText: false) } ?? ""
            return """
            <div class="output output-checked">
            <div class="output-header"><span class="output-label">\(HTML.escape(ui("Output")))</span>\(checkedBadge)</div>
            <pre class="output-text">\(text)</pre>
            \(figures)</div>

            """
        }
        guard let output, !output.items.isEmpty else { return "" }
        let body = CodeRenderer.items(output.items)
        guard !body.isEmpty else { return "" }
        return """
        <div class="output">
        <div class="output-header"><span class="output-label">\(HTML.escape(ui("Output")))</span></div>
        \(body)</div>

        """
    }

    private var checkedBadge: String {
        "<span class=\"checked-badge\" title=\"\(HTML.escape(ui("The doctest compares this with what the cell produces")))\">"
            + HTML.escape(ui("✓ checked by doctest")) + "</span>"
    }

    /// The error a failed run reports, shown under the cell it belongs to.
    func failureBlock(_ failure: RunFailure) -> String {
        let location = failure.line.map { "<span class=\"failure-location\">\(HTML.escape(source.location($0).description))</span>" } ?? ""
        return """
        <div class="output output-error" role="alert">
        <div class="output-header"><span class="output-label">\(HTML.escape(ui(Self.title(of: failure.kind))))</span>\(location)</div>
        <pre class="output-text">\(CodeRenderer.outputText(failure.message))</pre>
        </div>

        """
    }

    static func title(of kind: RunFailure.Kind) -> String {
        switch kind {
        case .compile: "Compile error"
        case .trap: "Runtime error"
        case .timeout: "Timed out"
        case .exit: "The program exited with an error"
        }
    }
}
