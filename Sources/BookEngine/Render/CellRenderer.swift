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
        return chapter.cell(atLine: line)?.index
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
            marks.append(
                mark(
                    ui("library"), "saved", ui("This code is also part of the {} library", context.book.config.library))
            )
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
        for restored in output?.restored ?? [] {
            let title = ui(
                "Restored from the checkpoint “{}” made on {}; computing it took {}", restored.name,
                Format.date(restored.date), Format.seconds(restored.seconds))
            marks.append(mark(ui("restored"), "restored", title))
        }
        if let seconds = output?.seconds {
            marks.append(
                "<span class=\"cell-time\" title=\"\(HTML.escape(ui("Run time of this cell")))\">\(HTML.escapeText(Format.seconds(seconds)))</span>"
            )
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
        guard let run, let failure = run.failure, output == nil, cell.isInProgram, !cell.attributes.hide else {
            return false
        }
        guard let failingCell, failure.kind != .compile else { return true }
        return cell.index > failingCell
    }

    private func outputs(of cell: Cell, output: CellOutput?) -> String {
        guard let expected = cell.expected else {
            guard let output, !output.items.isEmpty else { return earlierOutput(of: cell) }
            return outputBlock(CodeRenderer.items(output.items), label: ui("Output"))
        }
        // The written block is an expectation: the page shows what the run did, judged against it.
        let isError = cell.attributes.trap || cell.attributes.compileFail
        let label = ui(
            cell.attributes.trap
                ? "Runtime error (as expected)" : cell.attributes.compileFail ? "Compile error (as expected)" : "Output"
        )
        let actual: String
        if isError {
            let message =
                output?.failureMessage ?? ui(cell.attributes.trap ? "The cell finished normally" : "The cell compiled")
            actual = "<pre class=\"output-text\">\(CodeRenderer.outputText(message))</pre>\n"
        } else {
            actual = output.map { CodeRenderer.items($0.items) } ?? ""
        }
        switch DoctestJudge.judge(cell, in: source, run: run) {
        case .notRun:
            return isError ? "" : earlierOutput(of: cell)  // no output of this run, and no badge
        case .pass:
            return outputBlock(
                actual, label: label, kind: isError ? "output-checked output-expected-error" : "output-checked",
                badge: checkedBadge)
        case .fail(let detail):
            // Reported once, by the original's page; every language's page shows it.
            if context.language.folder.isEmpty {
                context.fail(
                    source.location(expected.blockLine),
                    "the output of cell \(cell.index) differs from the output block written under it\n\(detail)")
            }
            let diff = """
                <div class="doctest-diff"><div class="output-header"><span class="output-label">\(HTML.escape(ui("Differs from the output written in the chapter")))</span>\
                <span class="failure-location">\(HTML.escape(source.location(expected.blockLine).description))</span></div>
                <pre class="output-text">\(CodeRenderer.outputText(detail))</pre></div>

                """
            return outputBlock(actual + diff, label: label, kind: "output-mismatch", badge: mismatchBadge)
        }
    }

    /// After a failed run, what the cell printed in the last good run, marked as such.
    private func earlierOutput(of cell: Cell) -> String {
        guard let earlier = run?.earlier, run?.failure != nil, let output = earlier.output(ofCell: cell.index),
            !output.items.isEmpty
        else { return "" }
        let label = ui("Output of an earlier run ({})", Format.date(earlier.date))
        return outputBlock(CodeRenderer.items(output.items), label: label, kind: "output-earlier")
    }

    private func outputBlock(_ body: String, label: String, kind: String? = nil, badge: String = "") -> String {
        guard !body.isEmpty else { return "" }
        return """
            <div class="output\(kind.map { " " + $0 } ?? "")">
            <div class="output-header"><span class="output-label">\(HTML.escape(label))</span>\(badge)</div>
            \(body)</div>

            """
    }

    private var mismatchBadge: String {
        "<span class=\"mismatch-badge\" title=\"\(HTML.escape(ui("This run's output differs from the output written in the chapter")))\">"
            + HTML.escape(ui("✗ differs from the chapter")) + "</span>"
    }

    private var checkedBadge: String {
        "<span class=\"checked-badge\" title=\"\(HTML.escape(ui("The doctest compares this with what the cell produces")))\">"
            + HTML.escape(ui("✓ checked by doctest")) + "</span>"
    }

    /// The error a failed run reports, shown under the cell it belongs to.
    func failureBlock(_ failure: RunFailure) -> String {
        let location =
            failure.line.map {
                "<span class=\"failure-location\">\(HTML.escape(source.location($0).description))</span>"
            } ?? ""
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
