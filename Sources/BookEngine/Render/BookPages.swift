import Foundation

/// The pages that are not chapters: the title page with the contents, and the search page.
struct BookPages {
    let context: RenderContext
    let template: PageTemplate

    func index() -> String {
        let book = context.book
        let ui = context.ui
        var body = """
            <article class="book-index">
            <h1 class="book-title">\(HTML.escape(book.title))</h1>
            <p class="book-lede">\(HTML.escape(ui("A runnable book: every Swift cell is compiled and run, and what you see under it is what it printed or drew.")))</p>
            <h2 id="contents">\(HTML.escape(ui("Contents")))</h2>
            <ol class="contents">

            """
        body += Self.contents(of: book, sections: template.sections, status: status(of:)) { chapter, section in
            let page = RenderContext.pageName(of: chapter.name)
            return section.map { "\(page)#\($0.anchor)" } ?? page
        }
        body += "</ol>\n</article>\n"
        let next = book.chapters.first.map {
            PageTemplate.Link(href: RenderContext.pageName(of: $0.name), label: "\($0.number). \($0.title)")
        }
        return template.page(.index, title: book.title, body: body, next: next)
    }

    /// The items of a book's contents: each chapter, its status mark and its sections (level 2),
    /// linked by `href(chapter, section)` (`section` nil for the chapter itself).
    static func contents(
        of book: Book, sections: [String: [SectionEntry]], status: (Chapter) -> String = { _ in "" },
        href: (Chapter, SectionEntry?) -> String
    ) -> String {
        var html = ""
        for chapter in book.chapters {
            html += "<li class=\"contents-chapter\">\n<div class=\"contents-head\">"
            html +=
                "<a href=\"\(HTML.escape(href(chapter, nil)))\"><span class=\"toc-number\">\(chapter.number)</span>\(HTML.escape(chapter.title))</a>"
            html += status(chapter) + "</div>\n"
            let entries = (sections[chapter.name] ?? []).dropFirst().filter { $0.level == 2 }
            if !entries.isEmpty {
                html += "<ol class=\"contents-sections\">\n"
                for entry in entries {
                    html += "<li><a href=\"\(HTML.escape(href(chapter, entry)))\">"
                    if !entry.number.isEmpty {
                        html += "<span class=\"toc-number\">\(HTML.escape(entry.number))</span>"
                    }
                    html += entry.titleHTML + "</a></li>\n"
                }
                html += "</ol>\n"
            }
            html += "</li>\n"
        }
        return html
    }

    /// A small mark saying whether the chapter's outputs are there.
    private func status(of chapter: Chapter) -> String {
        let ui = context.ui
        guard let run = context.runs[chapter.name] else {
            guard chapter.cells.contains(where: \.isInProgram) else { return "" }
            return "<span class=\"status status-missing\">\(HTML.escape(ui("not run")))</span>"
        }
        if run.failure != nil { return "<span class=\"status status-failed\">\(HTML.escape(ui("run failed")))</span>" }
        let title = ui("Outputs produced {}", Format.date(run.record.date))
        return
            "<span class=\"status status-ok\" title=\"\(HTML.escape(title))\">\(HTML.escape(ui("ran in {}", Format.seconds(run.record.seconds))))</span>"
    }

    func search() -> String {
        let ui = context.ui
        let contents = "<a href=\"index.html\">\(HTML.escape(ui("contents")))</a>"
        let noScript = HTML.escape(ui("Searching needs JavaScript. The {} list every section.", "\u{0}"))
            .replacingOccurrences(of: "\u{0}", with: contents)
        let body = """
            <article class="search-page">
            <h1>\(HTML.escape(ui("Search")))</h1>
            <form class="search-form search-form-large" action="search.html" method="get" role="search">
            <input type="search" name="q" id="search-query" placeholder="\(HTML.escape(ui("Search the book…")))" aria-label="\(HTML.escape(ui("Search the book")))" autocomplete="off">
            <button type="submit">\(HTML.escape(ui("Search")))</button>
            </form>
            <p id="search-status" class="search-status" aria-live="polite"></p>
            <ol id="search-results" class="search-results"></ol>
            <noscript><p>\(noScript)</p></noscript>
            </article>

            """
        // Each language has its own index beside its pages: the search finds that language only.
        return template.page(
            .search, title: ui("Search"), body: body,
            extraScripts: ["search-index.js", context.asset("theme/search.js")])
    }
}
