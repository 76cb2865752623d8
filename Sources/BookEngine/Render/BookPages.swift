import Foundation

/// The pages that are not chapters: the title page with the contents, and the search page.
struct BookPages {
    let context: RenderContext
    let template: PageTemplate

    func index() -> String {
        let book = context.book
        var body = """
        <article class="book-index">
        <h1 class="book-title">\(HTML.escape(book.title))</h1>
        <p class="book-lede">A runnable book: every Swift cell is compiled and run, and what you see under it is what it printed or drew.</p>
        <h2 id="contents">Contents</h2>
        <ol class="contents">

        """
        for chapter in book.chapters {
            let page = RenderContext.pageName(of: chapter.name)
            body += "<li class=\"contents-chapter\">\n<div class=\"contents-head\">"
            body += "<a href=\"\(HTML.escape(page))\"><span class=\"toc-number\">\(chapter.number)</span>\(HTML.escape(chapter.title))</a>"
            body += status(of: chapter) + "</div>\n"
            let entries = (template.sections[chapter.name] ?? []).dropFirst().filter { $0.level == 2 }
            if !entries.isEmpty {
                body += "<ol class=\"contents-sections\">\n"
                for entry in entries {
                    body += "<li><a href=\"\(HTML.escape(page))#\(HTML.escape(entry.anchor))\">"
                    if !entry.number.isEmpty { body += "<span class=\"toc-number\">\(HTML.escape(entry.number))</span>" }
                    body += entry.titleHTML + "</a></li>\n"
                }
                body += "</ol>\n"
            }
            body += "</li>\n"
        }
        body += "</ol>\n</article>\n"
        let next = book.chapters.first.map {
            PageTemplate.Link(href: RenderContext.pageName(of: $0.name), label: "\($0.number). \($0.title)")
        }
        return template.page(.index, title: book.title, body: body, next: next)
    }

    /// A small mark saying whether the chapter's outputs are there.
    private func status(of chapter: Chapter) -> String {
        guard let run = context.runs[chapter.name] else {
            guard chapter.cells.contains(where: \.isInProgram) else { return "" }
            return "<span class=\"status status-missing\">not run</span>"
        }
        if run.failure != nil { return "<span class=\"status status-failed\">run failed</span>" }
        return "<span class=\"status status-ok\" title=\"Outputs produced \(Format.date(run.record.date))\">ran in \(Format.seconds(run.record.seconds))</span>"
    }

    func search() -> String {
        let body = """
        <article class="search-page">
        <h1>Search</h1>
        <form class="search-form search-form-large" action="search.html" method="get" role="search">
        <input type="search" name="q" id="search-query" placeholder="Search the book…" aria-label="Search the book" autocomplete="off">
        <button type="submit">Search</button>
        </form>
        <p id="search-status" class="search-status" aria-live="polite"></p>
        <ol id="search-results" class="search-results"></ol>
        <noscript><p>Searching needs JavaScript. The <a href="index.html">contents</a> list every section.</p></noscript>
        </article>

        """
        return template.page(.search, title: "Search", body: body, extraScripts: ["search-index.js", "theme/search.js"])
    }
}
