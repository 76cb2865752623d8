import Foundation

/// The frame every page shares: head, top bar with the language switcher, sidebar with the
/// book's contents and search.
struct PageTemplate {
    let context: RenderContext
    /// Sections of every chapter of this language, by chapter name, for the sidebar.
    let sections: [String: [SectionEntry]]
    /// Sections of every language's chapters (code, then chapter name), for the switcher's anchors.
    var siteSections: [String: [String: [SectionEntry]]] = [:]

    enum Page: Equatable {
        case index, search, bibliography
        case chapter(String)
    }

    struct Link {
        var href: String
        var label: String
    }

    /// The same page in one of the site's languages.
    struct LanguageLink {
        var language: SiteLanguage
        var href: String
        var isCurrent: Bool
        /// Section anchors of this page that the other language's page has too: the switcher's
        /// script adds the one being read to `href`.
        var anchors: [String]
    }

    func page(
        _ page: Page, title: String, body: String, previous: Link? = nil, next: Link? = nil,
        extraScripts: [String] = []
    ) -> String {
        let book = context.book
        let ui = context.ui
        let fullTitle = title == book.title ? book.title : "\(title) · \(book.title)"
        let languages = languageLinks(page)
        var head = """
            <!DOCTYPE html>
            <html lang="\(HTML.escape(context.language.code))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(HTML.escape(fullTitle))</title>

            """
        if context.hasKaTeX { head += "<link rel=\"stylesheet\" href=\"\(context.asset("katex/katex.min.css"))\">\n" }
        head += "<link rel=\"stylesheet\" href=\"\(context.asset("theme/book.css"))\">\n"
        for link in languages where !link.isCurrent {
            head +=
                "<link rel=\"alternate\" hreflang=\"\(HTML.escape(link.language.code))\" href=\"\(HTML.escape(link.href))\">\n"
        }
        if let previous { head += "<link rel=\"prev\" href=\"\(HTML.escape(previous.href))\">\n" }
        if let next { head += "<link rel=\"next\" href=\"\(HTML.escape(next.href))\">\n" }
        head += "<script src=\"\(context.asset("theme/theme.js"))\"></script>\n"
        if context.hasKaTeX { head += "<script defer src=\"\(context.asset("katex/katex.min.js"))\"></script>\n" }
        for script in extraScripts { head += "<script defer src=\"\(HTML.escape(script))\"></script>\n" }
        head += "<script defer src=\"\(context.asset("theme/book.js"))\"></script>\n</head>\n"

        let bodyClass: String
        switch page {
        case .index: bodyClass = "page-index"
        case .search: bodyClass = "page-search"
        case .bibliography: bodyClass = "page-bibliography"
        case .chapter: bodyClass = "page-chapter"
        }
        return head + """
            <body class="\(bodyClass)"\(scriptStrings())>
            <a class="skip-link" href="#page-content">\(HTML.escape(ui("Skip to content")))</a>
            <header class="topbar">
            <button type="button" class="icon-button sidebar-toggle" aria-label="\(HTML.escape(ui("Show or hide the table of contents")))" aria-controls="page-sidebar" aria-expanded="false">\(Icons.bars)</button>
            <a class="topbar-title" href="index.html">\(HTML.escape(book.title))</a>
            \(languageSwitcher(languages))\(downloads(page))<button type="button" class="icon-button theme-toggle" aria-label="\(HTML.escape(ui("Switch between light and dark theme")))" title="\(HTML.escape(ui("Switch between light and dark theme")))">\(Icons.moon)\(Icons.sun)</button>
            </header>
            <div class="layout">
            \(sidebar(page))
            <main id="page-content" class="content">
            \(body)
            \(pager(previous: previous, next: next))
            <footer class="page-footer">\(HTML.escapeText(ui("{} · rendered from the book's Markdown chapters; every output was produced by running the chapter's code.", book.title)))</footer>
            </main>
            </div>
            </body>
            </html>

            """
    }

    /// Links to the book's PDF (every page) and to a chapter's runnable package (its page), when the site has them.
    func downloads(_ page: Page) -> String {
        let ui = context.ui
        var html = ""
        if context.options.packager != nil, case .chapter(let name) = page {
            let title = ui("This chapter as a Swift package to run (zip)")
            html +=
                "<a class=\"topbar-link package-link\" href=\"\(HTML.escape(context.asset(ChapterPackager.sitePath(of: name))))\" "
                + "download title=\"\(HTML.escape(title))\" aria-label=\"\(HTML.escape(title))\">\(HTML.escape(ui("Package")))</a>\n"
        }
        if context.options.pdfPrinter != nil {
            let title = ui("The whole book as a PDF")
            html +=
                "<a class=\"topbar-link pdf-link\" href=\"\(HTML.escape(PrintPage.pdfName(of: context.language)))\" "
                + "title=\"\(HTML.escape(title))\" aria-label=\"\(HTML.escape(title))\">PDF</a>\n"
        }
        return html
    }

    /// The theme scripts' words in this language, as JSON in `data-ui` (none for English).
    func scriptStrings() -> String {
        let strings = context.ui.scriptStrings
        guard !strings.isEmpty else { return "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(strings) else { return "" }
        return " data-ui=\"\(HTML.escape(String(decoding: data, as: UTF8.self)))\""
    }

    /// This page in each language of the site: the same chapter, or the index or search page.
    /// A language that lacks the chapter gets its index.
    func languageLinks(_ page: Page) -> [LanguageLink] {
        guard context.languages.count > 1 else { return [] }
        let here = context.language
        return context.languages.map { other in
            let isCurrent = other.code == here.code
            var file = "index.html"
            var anchors: [String] = []
            switch page {
            case .index: break
            case .search: file = "search.html"
            case .bibliography: file = BibliographyPage.pageName
            case .chapter(let name):
                guard other.book.chapter(named: name) != nil else { break }
                file = RenderContext.pageName(of: name)
                if !isCurrent { anchors = sharedAnchors(chapter: name, with: other.code) }
            }
            let href = isCurrent ? file : here.toRoot + other.path(file)
            return LanguageLink(language: other, href: href, isCurrent: isCurrent, anchors: anchors)
        }
    }

    /// The anchors of the chapter's sections (below its title) that its page in `code` has too, in order.
    func sharedAnchors(chapter: String, with code: String) -> [String] {
        let there = Set((siteSections[code]?[chapter] ?? []).map(\.anchor))
        var seen = Set<String>()
        return (sections[chapter] ?? []).dropFirst().map(\.anchor)
            .filter { !$0.isEmpty && there.contains($0) && seen.insert($0).inserted }
    }

    /// `English · 中文 · Bahasa Indonesia` in the top bar (short names on narrow screens).
    func languageSwitcher(_ links: [LanguageLink]) -> String {
        guard !links.isEmpty else { return "" }
        let items = links.map { link -> String in
            let code = HTML.escape(link.language.code)
            var html = "<a href=\"\(HTML.escape(link.href))\" hreflang=\"\(code)\" lang=\"\(code)\""
            if link.isCurrent { html += " aria-current=\"page\"" }
            if !link.anchors.isEmpty { html += " data-anchors=\"\(HTML.escape(link.anchors.joined(separator: " ")))\"" }
            html += "><span class=\"language-name\">\(HTML.escape(link.language.name))</span>"
            html += "<span class=\"language-short\">\(HTML.escape(link.language.shortName))</span></a>"
            return html
        }
        return "<nav class=\"language-switcher\" aria-label=\"\(HTML.escape(context.ui("Language")))\">"
            + items.joined(separator: "<span class=\"language-separator\" aria-hidden=\"true\">·</span>")
            + "</nav>\n"
    }

    func sidebar(_ page: Page) -> String {
        let ui = context.ui
        var html = """
            <nav class="sidebar" id="page-sidebar" aria-label="\(HTML.escape(ui("Table of contents")))">
            <a class="sidebar-title" href="index.html">\(HTML.escape(context.book.title))</a>
            <form class="search-form" action="search.html" method="get" role="search">
            <input type="search" name="q" placeholder="\(HTML.escape(ui("Search the book…")))" aria-label="\(HTML.escape(ui("Search the book")))" autocomplete="off">
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
                    if !entry.number.isEmpty {
                        html += "<span class=\"toc-number\">\(HTML.escape(entry.number))</span>"
                    }
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
        let ui = context.ui
        var html = "<nav class=\"pager\" aria-label=\"\(HTML.escape(ui("Previous and next pages")))\">\n"
        if let previous {
            html +=
                "<a class=\"pager-prev\" href=\"\(HTML.escape(previous.href))\"><span class=\"pager-dir\">\(HTML.escape(ui("Previous")))</span>"
            html += "<span class=\"pager-title\">\(HTML.escape(previous.label))</span></a>\n"
        } else {
            html += "<span></span>\n"
        }
        if let next {
            html +=
                "<a class=\"pager-next\" href=\"\(HTML.escape(next.href))\"><span class=\"pager-dir\">\(HTML.escape(ui("Next")))</span>"
            html += "<span class=\"pager-title\">\(HTML.escape(next.label))</span></a>\n"
        }
        return html + "</nav>"
    }
}
