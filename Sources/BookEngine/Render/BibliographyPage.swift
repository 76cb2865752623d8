import Foundation

/// `bibliography.html`: every BibTeX entry the book cites (`:cite:`, `:citet:`), sorted by authors
/// and year, each with the id the citations link to.
struct BibliographyPage {
    let context: RenderContext
    let template: PageTemplate

    static let pageName = "bibliography.html"
    static func anchor(of key: String) -> String { "bib-" + key }

    /// The keys cited anywhere in this language's book that the bibliography has.
    var citedKeys: [String] {
        var keys = Set<String>()
        for chapter in context.book.chapters {
            for html in chapter.allBlocks.compactMap(\.proseHTML) {
                for case .citation(_, let cited) in Placeholder.tokens(in: html) { keys.formUnion(cited) }
            }
        }
        return keys.filter { context.original.bibliography.entries[$0] != nil }.sorted()
    }

    func page() -> String {
        let ui = context.ui
        let entries = citedKeys.compactMap { context.original.bibliography.entries[$0] }
            .sorted { ($0.authorText, $0.year, $0.key) < ($1.authorText, $1.year, $1.key) }
        var body =
            "<article class=\"bibliography\">\n<h1>\(HTML.escape(ui("Bibliography")))</h1>\n<ol class=\"references\">\n"
        for entry in entries {
            body += "<li id=\"\(HTML.escape(Self.anchor(of: entry.key)))\">\(Self.reference(entry))</li>\n"
        }
        body += "</ol>\n</article>\n"
        return template.page(.bibliography, title: ui("Bibliography"), body: body)
    }

    /// `Cho, K., … (2014). <em>Title</em>. Venue.` in the common author-year style.
    static func reference(_ entry: Bibliography.Entry) -> String {
        let f = entry.fields
        let authors = Bibliography.splitNames(f["author"] ?? f["editor"] ?? "").map(Bibliography.plainText).joined(
            separator: ", ")
        var parts: [String] = []
        if !authors.isEmpty { parts.append(HTML.escape(authors)) }
        parts.append("(\(HTML.escape(entry.year)))")
        var text = parts.joined(separator: " ") + ". "
        if let title = f["title"] { text += "<em>\(HTML.escape(Bibliography.plainText(title)))</em>. " }
        if let venue = f["journal"] ?? f["booktitle"] ?? f["publisher"] ?? f["howpublished"] {
            text += HTML.escape(Bibliography.plainText(venue)) + ". "
        }
        if let url = f["url"], url.hasPrefix("http") {
            text += "<a href=\"\(HTML.escape(url))\">\(HTML.escape(url))</a>"
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
