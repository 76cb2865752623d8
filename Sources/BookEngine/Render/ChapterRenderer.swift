import Foundation

/// The article of a chapter's page, and its sections.
struct ChapterRenderer {
    let context: RenderContext
    let chapter: Chapter

    struct Result {
        var article: String
        var sections: [SectionEntry]
        /// The figures the page shows: their files, and where they go in the site.
        var images: [(file: URL, sitePath: String, line: Int)]
    }

    var inline: InlineRenderer { InlineRenderer(context: context, chapter: chapter) }
    var ui: UIText { context.ui }

    /// The sections (headings below the title) without rendering the page: for other pages' menus.
    static func headings(of chapter: Chapter) -> [Heading] {
        chapter.blocks.compactMap { if case .heading(let h) = $0, h.level > 1 { return h } else { return nil } }
    }

    func render() -> Result {
        let run = context.runs[chapter.name]
        let cells = CellRenderer(context: context, chapter: chapter, run: run)
        var body = ""
        var sections: [SectionEntry] = []
        var images: [(URL, String, Int)] = []
        var titleSeen = false
        // Text before the first section heading belongs to the chapter's own entry.
        var current = SectionEntry(
            level: 1, number: "\(chapter.number)", anchor: "",
            titleHTML: HTML.escape(chapter.title), title: chapter.title, text: "")

        func emit(_ block: Block) {
            switch block {
            case .heading(let h):
                let html = inline.render(h.html, line: h.line)
                let number = h.number.isEmpty ? "" : "<span class=\"section-number\">\(HTML.escape(h.number))</span> "
                let level = min(max(h.level, 1), 6)
                let link =
                    "<a class=\"heading-link\" href=\"#\(HTML.escape(h.anchor))\" aria-label=\"\(HTML.escape(ui("Link to this section")))\">#</a>"
                let headingHTML = "<h\(level) id=\"\(HTML.escape(h.anchor))\">\(number)\(html)\(link)</h\(level)>\n"
                if level == 1 && !titleSeen {
                    titleSeen = true
                    current.anchor = h.anchor
                    current.titleHTML = html
                    current.title = h.text
                    body += headingHTML + runHeader(run)
                    return
                }
                sections.append(current)
                current = SectionEntry(
                    level: level, number: h.number, anchor: h.anchor, titleHTML: html,
                    title: h.text, text: "")
                body += headingHTML
            case .prose(let p):
                body += cellsInPlace(p, cells: cells) + "\n"
                current.text +=
                    " " + inline.plainText(p.html)
                    + p.cells.filter { !$0.attributes.hide }.map { " " + $0.source }.joined()
            case .displayMath(let m):
                body += displayMath(m)
            case .figure(let f):
                var src = f.source
                switch context.figureFile(f.source, of: chapter) {
                case .success(let found):
                    src = SiteLanguage.relativeLink(from: context.language.folder, to: found.sitePath)
                    images.append((found.file, found.sitePath, f.line))
                case .failure(let problem):
                    context.error(chapter.location(f.line), problem.message)
                }
                body += figure(f, src: src)
                current.text += " " + inline.plainText(f.captionHTML)
            case .cell(let c):
                body += cells.render(c)
                if !c.attributes.hide { current.text += " " + c.source }
            case .code(let c):
                body += CodeRenderer.block(c)
                current.text += " " + c.source
            case .table(let t):
                body += TableRenderer(inline: inline).render(t)
                current.text += " " + inline.plainText(t.html)
            case .tabs(let group):
                let tabs = TabRenderer()
                body += tabs.open(group)
                for (i, pane) in group.panes.enumerated() {
                    body += tabs.openPane(pane, index: i, in: group)
                    pane.blocks.forEach(emit)
                    body += tabs.closePane
                }
                body += tabs.close
            }
        }
        chapter.blocks.forEach(emit)
        sections.append(current)
        if !titleSeen {
            body =
                "<h1 id=\"chapter-title\"><span class=\"section-number\">\(chapter.number)</span> "
                + HTML.escape(chapter.title) + "</h1>\n" + runHeader(run) + body
            sections[0].anchor = "chapter-title"
        }
        for i in sections.indices { sections[i].text = HTML.collapseWhitespace(sections[i].text) }
        // A chapter not translated yet is shown in the original's language.
        let lang =
            chapter.language != context.language.code && !context.language.folder.isEmpty
            ? " lang=\"\(HTML.escape(chapter.language))\"" : ""
        let article = "<article class=\"chapter\"\(lang)>\n" + failureBanner(run, cells: cells) + body + "</article>\n"
        return Result(article: article, sections: sections, images: images)
    }

    /// Prose with its nested cells (in a list item, a block quote) rendered where they stand.
    func cellsInPlace(_ prose: Prose, cells: CellRenderer) -> String {
        guard !prose.cells.isEmpty else { return inline.render(prose.html, line: prose.line) }
        var out = ""
        var rest = Substring(prose.html)
        for cell in prose.cells {
            let mark = Placeholder.cell(cell.index)
            guard let at = rest.range(of: mark) else { continue }
            out += inline.render(String(rest[..<at.lowerBound]), line: prose.line) + cells.render(cell)
            rest = rest[at.upperBound...]
        }
        return out + inline.render(String(rest), line: prose.line)
    }

    func displayMath(_ m: DisplayMath) -> String {
        var tex = m.tex.trimmingCharacters(in: .whitespacesAndNewlines)
        if let number = m.number, m.label != nil { tex += " \\tag{\(number)}" }
        let id = m.label.map { " id=\"\(HTML.escape($0))\"" } ?? ""
        return "<div class=\"equation\"\(id)><div class=\"math display\">\(HTML.escape(tex))</div></div>\n"
    }

    func figure(_ f: Figure, src: String) -> String {
        let id = f.label.map { " id=\"\(HTML.escape($0))\"" } ?? ""
        let width = f.width.map { " style=\"width: \(HTML.escape(Self.cssLength($0)))\"" } ?? ""
        let caption = inline.render(f.captionHTML, line: f.line)
        let alt = inline.plainText(f.captionHTML)
        let number =
            f.number.isEmpty ? "" : "<span class=\"caption-number\">\(HTML.escape(ui("Figure {}:", f.number)))</span> "
        return """
            <figure class="figure"\(id)>
            <img src="\(HTML.escape(src))" alt="\(HTML.escape(alt))"\(width)>
            <figcaption>\(number)\(caption)</figcaption>
            </figure>

            """
    }

    /// d2l's `:width:` as a CSS length: `400px`, `50%`, or a bare number of pixels; anything else is dropped.
    static func cssLength(_ value: String) -> String {
        let v = value.trimmingCharacters(in: .whitespaces)
        let number = v.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty else { return "auto" }
        let unit = v.dropFirst(number.count)
        return ["px", "%", "em", "rem"].contains(String(unit)) ? v : "\(number)px"
    }

    /// The run record under the chapter's title: when and how the outputs were produced.
    func runHeader(_ run: ChapterRun?) -> String {
        guard let run else {
            let hasProgram = chapter.cells.contains { $0.isInProgram }
            return hasProgram
                ? "<p class=\"run-record run-missing\">\(HTML.escape(ui("This chapter has not been run: its outputs are missing.")))</p>\n"
                : ""
        }
        let r = run.record
        let timed = run.cells.filter { $0.seconds != nil }.count
        let arguments = r.arguments.isEmpty ? ui("(none)") : Format.arguments(r.arguments)
        let time = "<time datetime=\"\(Format.isoDate(r.date))\">\(Format.date(r.date))</time>"
        let timedNote =
            timed == 1
            ? ui("{} cell timed; each cell's time is shown above its code", "\(timed)")
            : ui("{} cells timed; each cell's time is shown above its code", "\(timed)")
        return """
            <details class="run-record">
            <summary>\(ui("Outputs produced {}", time)) · \
            \(HTML.escape(ui("seed {}", "\(r.seed)"))) · \(HTML.escape(ui("ran in {}", Format.seconds(r.seconds))))</summary>
            <dl>
            <dt>\(ui("Produced"))</dt><dd>\(time)</dd>
            <dt>\(ui("Seed"))</dt><dd>\(r.seed)</dd>
            <dt>\(ui("Arguments"))</dt><dd><code>\(HTML.escape(arguments))</code></dd>
            <dt>\(ui("Toolchain"))</dt><dd>\(HTML.escape(r.toolchain))</dd>
            <dt>\(ui("Total time"))</dt><dd>\(HTML.escapeText(Format.seconds(r.seconds))) (\(HTML.escapeText(timedNote)))</dd>
            <dt>\(ui("Inputs hash"))</dt><dd><code>\(HTML.escape(String(r.inputsHash.prefix(16))))</code></dd>
            </dl>
            </details>

            """
    }

    /// The banner at the top of a page whose program failed.
    func failureBanner(_ run: ChapterRun?, cells: CellRenderer) -> String {
        guard let failure = run?.failure else { return "" }
        let what: String
        let missing: String
        switch failure.kind {
        case .compile:
            (what, missing) = ("This chapter's program did not compile", "None of its outputs could be produced.")
        case .trap:
            (what, missing) = (
                "This chapter's program stopped with a runtime error", "Outputs after the failing cell are missing."
            )
        case .timeout: (what, missing) = ("This chapter's program timed out", "Outputs after that point are missing.")
        case .exit:
            (what, missing) = ("This chapter's program exited with an error", "Outputs after that point are missing.")
        }
        // A translation shows the original's cells: the failure's line is in the original's file.
        let source = context.sourceChapter(of: chapter)
        var where_ = ""
        if let line = failure.line {
            where_ = HTML.escape(ui(" at {}", "\u{0}")).replacingOccurrences(
                of: "\u{0}", with: "<code>\(HTML.escape(source.location(line).description))</code>")
        }
        var detail = ""
        if let index = cells.failingCell, let cell = chapter.cells.first(where: { $0.index == index }) {
            detail =
                " <a href=\"#\(HTML.escape(CellRenderer.anchor(of: cell)))\">\(HTML.escape(ui("Go to the failing cell")))</a>\(ui(". ").trimmingCharacters(in: .whitespaces))"
        } else {
            if let (other, cell) = cellInAnotherChapter(named: failure.message) {
                let anchor = cell.map { "#" + CellRenderer.anchor(of: $0) } ?? ""
                let link =
                    "<a href=\"\(HTML.escape(RenderContext.pageName(of: other.name) + anchor))\">"
                    + "\(other.number). \(HTML.escape(other.title))</a>"
                detail =
                    " "
                    + HTML.escapeText(ui("The error is in {}, whose library code this chapter uses.", "\u{0}"))
                    .replacingOccurrences(of: "\u{0}", with: link)
            }
            detail += "\n<pre class=\"output-text\">\(CodeRenderer.outputText(failure.message))</pre>"
        }
        if let earlier = run?.earlier {
            detail +=
                "\n<p class=\"banner-earlier\">"
                + HTML.escapeText(
                    ui(
                        "Outputs marked “earlier run” come from the last good run, of {}; they are not this run's.",
                        Format.date(earlier.date))) + "</p>"
        }
        return """
            <div class="banner banner-error" role="alert">
            <strong>\(HTML.escapeText(ui(what)))</strong>\(where_)\(ui(". "))\(HTML.escapeText(ui(missing)))\(detail)
            </div>

            """
    }

    /// The chapter (and its cell) that an error message's first `Chapters/x.md:LINE` names, if not this
    /// one. Messages name the original's files; the chapter returned is in this page's language.
    func cellInAnotherChapter(named message: String) -> (Chapter, Cell?)? {
        for other in context.original.chapters where other.name != chapter.name {
            guard let range = message.range(of: other.path + ":") else { continue }
            let line = Int(message[range.upperBound...].prefix { $0.isNumber })
            let cell = line.flatMap(other.cell(atLine:))
            return (context.book.chapter(named: other.name) ?? other, cell)
        }
        return nil
    }
}
