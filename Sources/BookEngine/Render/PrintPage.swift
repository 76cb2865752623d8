import Foundation

/// The whole book of one language on one page (`book-print.html`), which headless Chromium
/// prints to the book's PDF (`PDFPrinter`): a cover, the contents, then every chapter's article
/// as its own page shows it, with its outputs and plots.
///
/// The chapters' pages each have their own ids, so two chapters may both have `#summary`; here
/// every id is prefixed with its chapter's name (`deep-rnn--summary`) and every link between
/// chapters (`gru.html#eq_gru`) becomes a link inside the page, which Chromium keeps as a link
/// inside the PDF. Headings stay `h1` (chapters) to `h3`, from which Chromium builds the PDF's
/// outline.
struct PrintPage {
    let context: RenderContext
    /// Sections of every chapter of this language, by chapter name.
    let sections: [String: [SectionEntry]]

    static let pageName = "book-print.html"

    /// The PDF's file name in a language's folder: `book-en.pdf`, `zh/book-zh.pdf`.
    static func pdfName(of language: SiteLanguage) -> String { "book-\(language.code).pdf" }

    /// The page; `articles` are the chapters' rendered articles, by chapter name.
    func html(articles: [String: String]) -> String {
        let book = context.book
        let ui = context.ui
        var out = """
            <!DOCTYPE html>
            <html lang="\(HTML.escape(context.language.code))" data-theme="light">
            <head>
            <meta charset="utf-8">
            <title>\(HTML.escape(book.title))</title>

            """
        if context.hasKaTeX { out += "<link rel=\"stylesheet\" href=\"\(context.asset("katex/katex.min.css"))\">\n" }
        out += "<link rel=\"stylesheet\" href=\"\(context.asset("theme/book.css"))\">\n"
        if context.hasKaTeX { out += "<script defer src=\"\(context.asset("katex/katex.min.js"))\"></script>\n" }
        out += "<script defer src=\"\(context.asset("theme/book.js"))\"></script>\n</head>\n"
        out += "<body class=\"page-print\">\n<main class=\"content\">\n"
        out += """
            <section class="print-cover">
            <h1 class="book-title">\(HTML.escape(book.title))</h1>
            <p class="book-lede">\(HTML.escape(ui("A runnable book: every Swift cell is compiled and run, and what you see under it is what it printed or drew.")))</p>
            <p class="print-language">\(HTML.escape(context.language.name))</p>
            </section>
            <nav class="print-toc">
            <h2 id="print-contents">\(HTML.escape(ui("Contents")))</h2>
            <ol class="contents">

            """
        out += BookPages.contents(of: book, sections: sections) { chapter, section in
            "#" + (section.map { Self.anchor($0.anchor, in: chapter.name) } ?? Self.chapterAnchor(chapter.name))
        }
        out += "</ol>\n</nav>\n"
        let names = Set(book.chapters.map(\.name))
        for chapter in book.chapters {
            guard let article = articles[chapter.name] else { continue }
            out += "<div class=\"print-chapter\" id=\"\(Self.chapterAnchor(chapter.name))\">\n"
            out += Self.relink(article, chapter: chapter.name, chapters: names)
            out += "</div>\n"
        }
        return out + "</main>\n</body>\n</html>\n"
    }

    /// The id of a chapter's start in the print page.
    static func chapterAnchor(_ chapter: String) -> String { "chapter-\(chapter)" }

    /// The id in the print page of the id `anchor` of `chapter`'s own page.
    static func anchor(_ anchor: String, in chapter: String) -> String { "\(chapter)--\(anchor)" }

    /// `html` with its ids prefixed by the chapter and its links to the book's pages turned into
    /// links inside the print page. Other links (figures, external pages) stay as they are.
    static func relink(_ html: String, chapter: String, chapters: Set<String>) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count + 1024)
        // ` id="` and ` href="`: a space before, so `xlink:href` and `data-id` stay as they are.
        let attributes =
            (html.ranges(ofBytes: " id=\"").map { ($0, true) } + html.ranges(ofBytes: " href=\"").map { ($0, false) })
            .sorted { $0.0.lowerBound < $1.0.lowerBound }
        var done = html.startIndex
        for (range, isID) in attributes where range.lowerBound >= done {
            guard let end = html.firstRange(ofBytes: "\"", from: range.upperBound)?.lowerBound else { break }
            out += html[done..<range.upperBound]
            let value = String(html[range.upperBound..<end])
            if isID {
                out += HTML.escape(anchor(decoded(value), in: chapter))
            } else {
                out += HTML.escape(link(decoded(value), from: chapter, chapters: chapters) ?? decoded(value))
            }
            done = end
        }
        return out + html[done...]
    }

    /// The print page's link for a chapter page's `href`, or nil to keep it.
    private static func link(_ href: String, from chapter: String, chapters: Set<String>) -> String? {
        if href.hasPrefix("#") { return "#" + anchor(String(href.dropFirst()), in: chapter) }
        let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let page = String(parts[0])
        guard page.hasSuffix(".html"), !page.contains("/"), !page.contains(":") else { return nil }
        let name = String(page.dropLast(5))
        guard chapters.contains(name) else { return nil }
        if parts.count == 2, !parts[1].isEmpty { return "#" + anchor(String(parts[1]), in: name) }
        return "#" + chapterAnchor(name)
    }

    /// Attribute values come escaped; they are escaped again once rewritten.
    private static func decoded(_ value: String) -> String {
        guard value.contains("&") else { return value }
        return value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
