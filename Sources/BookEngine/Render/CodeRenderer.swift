/// HTML for code: highlighted Swift cells, other languages' blocks, captured outputs.
enum CodeRenderer {
    /// A highlighted Swift listing whose gutter shows the chapter's line numbers from `firstLine`.
    static func swiftListing(_ source: String, firstLine: Int) -> String {
        let lines = SwiftHighlighter.htmlLines(source).map { "<span class=\"line\">\($0)</span>" }
        let reset = max(firstLine - 1, 0)
        return "<pre class=\"code code-swift numbered\" style=\"counter-reset: line \(reset)\"><code>"
            + lines.joined(separator: "\n") + "</code></pre>"
    }

    /// A code block in another language, with its language as a label.
    static func block(_ code: CodeBlock) -> String {
        let language = code.language.isEmpty ? "text" : code.language
        let cls = language.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        var source = code.source
        if source.hasSuffix("\n") { source.removeLast() }
        return """
            <div class="code-block code-other">
            <div class="code-header"><span class="code-lang">\(HTML.escape(language))</span></div>
            <pre class="code code-\(cls)"><code>\(HTML.escape(source))</code></pre>
            </div>

            """
    }

    /// Captured text as a page shows it (escaped, terminal control removed).
    static func outputText(_ text: String) -> String {
        var shown = Format.terminalText(text)
        while shown.hasSuffix("\n") { shown.removeLast() }
        return HTML.escape(shown)
    }

    /// The items of an output: text in `<pre>`, figures inline.
    static func items(_ items: [OutputItem], includeText: Bool = true) -> String {
        var html = ""
        var pendingText = ""
        func flush() {
            guard !pendingText.isEmpty else { return }
            let text = outputText(pendingText)
            if !text.isEmpty { html += "<pre class=\"output-text\">\(text)</pre>\n" }
            pendingText = ""
        }
        for item in items {
            switch item {
            case .text(let t):
                if includeText { pendingText += t }
            case .figure(let svg):
                flush()
                html += "<div class=\"output-figure\">\(SVGSanitizer.sanitize(svg))</div>\n"
            }
        }
        flush()
        return html
    }
}
