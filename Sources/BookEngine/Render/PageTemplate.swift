/// The frame every page shares: head, top bar, sidebar with the book's contents and search.
struct PageTemplate {
    let context: RenderContext
    /// Sections of every chapter, by chapter name, for the sidebar.
    let sections: [String: [SectionEntry]]

    enum Page: Equatable {
        case index, search, chapter(String)
    }

    struct Link {
        var href: String
        var label: String
    }

    func page(_ page: Page, title: String, body: String, previous: Link? = nil, next: Link? = nil,
              extraScripts: [String] = []) -> String {
        let book = context.book
        let fullTitle = title == book.title ? book.title : "\(title) · \(book.title)"
        var head = """
        <!DOCTYPE html>
        <html lang="\(HTML.escape(context.options.language ?? book.language.code))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(HTML.escape(fullTitle))</title>

        """
        if context.hasKaTeX { head += "<link rel=\"stylesheet\" href=\"katex/katex.min.css\">\n" }
        head += "<link rel=\"stylesheet\" href=\"theme/book.css\">\n"
        if let previous { head += "<link rel=\"prev\" href=\"\(HTML.escape(previous.href))\">\n" }
        if let next { head += "<link rel=\"next\" href=\"\(HTML.escape(next.href))\">\n" }
        head += "<script src=\"theme/theme.js\"></script>\n"
        if context.hasKaTeX { head += "<script defer src=\"katex/katex.min.js\"></script>\n" }
        for script in extraScripts { head += "<script defer src=\"\(HTML.escape(script))\"></script>\n" }
        head += "<script defer src=\"theme/book.js\"></script>\n</head>\n"

        let bodyClass: String
        switch page {
        case .index: bodyClass = "page-index"
        case .search: bodyClass = "page-search"
        case .chapter: bodyClass = "page-chapter"
        }
        return head + """
        <body class="\(bodyClass)">
        <a class="skip-link" href="#page-content">Skip to content</a>
        <header class="topbar">
        <button type="button" class="icon-button sidebar-toggle" aria-label="Show or hide the table of contents" aria-controls="page-sidebar" aria-expanded="false">\(Icons.bars)</button>
        <a class="topbar-title" href="index.html">\(HTML.escape(book.title))</a>
        <button type="button" class="icon-button theme-toggle" aria-label="Switch between light and dark theme" title="Switch between light and dark theme">\(Icons.moon)\(Icons.sun)</button>
        </header>
        <div class="layout">
        \(sidebar(page))
        <main id="page-content" class="content">
        \(body)
        \(pager(previous: previous, next: next))
        <footer class="page-footer">\(HTML.escape(book.title)) · rendered from the book's Markdown chapters; every output was produced by running the chapter's code.</footer>
        </main>
        </div>
        </body>
        </html>

        """
    }

    func sidebar(_ page: Page) -> String {
        var html = """
        <nav class="sidebar" id="page-sidebar" aria-label="Table of contents">
        <a class="sidebar-title" href="index.html">\(HTML.escape(context.book.title))</a>
        <form class="search-form" action="search.html" method="get" role="search">
        <input type="search" name="q" placeholder="Search the book…" aria-label="Search the book" autocomplete="off">
        </form>
        <ol class="toc">

        """
        for chapter in context.book.chapters {
            let isCurrent = page == .chapter(chapter.name)
            let href = RenderContext.pageName(of: chapter.name)
            html += "<li class=\"toc-chapter\(isCurrent ? " current" : "")\">"
            html += "<a href=\"\(HTML.escape(href))\"\(isCurrent ? " aria-current=\"page\"" : "")>"
            html += "<span class=\"toc-number\">\(chapter.number)</span>\(HTML.escape(chapter.title))</a>"
            if isCurrent, let entries = sections[chapter.name], entries.count > 1 {
                html += "\n<ol class=\"toc-sections\">\n"
                for entry in entries.dropFirst() where entry.level <= 3 {
                    html += "<li class=\"toc-level-\(entry.level)\"><a href=\"#\(HTML.escape(entry.anchor))\">"
                    if !entry.number.isEmpty { html += "<span class=\"toc-number\">\(HTML.escape(entry.number))</span>" }
                    html += entry.titleHTML + "</a></li>\n"
                }
                html += "</ol>\n"
            }
            html += "</li>\n"
        }
        return html + "</ol>\n</nav>"
    }

    func pager(previous: Link?, next: Link?) -> String {
        guard previous != nil || next != nil else { return "" }
        var html = "<nav class=\"pager\" aria-label=\"Previous and next pages\">\n"
        if let previous {
            html += "<a class=\"pager-prev\" href=\"\(HTML.escape(previous.href))\"><span class=\"pager-dir\">Previous</span>"
            html += "<span class=\"pager-title\">\(HTML.escape(previous.label))</span></a>\n"
        } else {
            html += "<span></span>\n"
        }
        if let next {
            html += "<a class=\"pager-next\" href=\"\(HTML.escape(next.href))\"><span class=\"pager-dir\">Next</span>"
            html += "<span class=\"pager-title\">\(HTML.escape(next.label))</span></a>\n"
        }
        return html + "</nav>"
    }
}
