/// A pipe table on a chapter's page: cmark-gfm's `<table>`, numbered, with the label as its id.
struct TableRenderer {
    let inline: InlineRenderer

    func render(_ table: Table) -> String {
        let id = table.label.map { " id=\"\(HTML.escape($0))\"" } ?? ""
        // Only labelled tables show their number: an unlabelled one cannot be referred to.
        let caption =
            table.label == nil
            ? ""
            : "<div class=\"table-caption\"><span class=\"caption-number\">\(HTML.escape(inline.context.ui("Table {}", table.number)))</span></div>\n"
        return "<div class=\"table-wrap\"\(id)>\n\(caption)\(inline.render(table.html, line: table.line))</div>\n"
    }
}
