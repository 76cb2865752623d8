/// d2l's tabs on a page: a button per tab over the panes. `book.js` shows the reader's tab in
/// every tab set of every page and remembers it; without scripts every pane is shown, labelled.
struct TabRenderer {
    func open(_ group: TabGroup) -> String {
        let buttons = group.tabNames.enumerated().map { i, name in
            "<button type=\"button\" class=\"tab-button\" role=\"tab\" data-tab=\"\(HTML.escape(name))\" aria-selected=\"\(i == 0)\">\(HTML.escape(name))</button>"
        }.joined()
        return "<div class=\"tabs\" data-tabs=\"\(HTML.escape(group.tabNames.joined(separator: " ")))\">\n"
            + "<div class=\"tab-bar\" role=\"tablist\">\(buttons)</div>\n"
    }

    func openPane(_ pane: TabPane, index: Int, in group: TabGroup) -> String {
        let label = pane.tabs.map(HTML.escape).joined(separator: ", ")
        return
            "<div class=\"tab-pane\" role=\"tabpanel\" data-tab=\"\(HTML.escape(pane.tabs.joined(separator: " ")))\">\n"
            + "<div class=\"tab-pane-label\">\(label)</div>\n"
    }

    let closePane = "</div>\n"
    let close = "</div>\n"
}
