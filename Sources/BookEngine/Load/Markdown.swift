import CCmark

#if canImport(Glibc)
import Glibc
#endif

/// A cmark-gfm document tree, parsed with GitHub's table extension (d2l writes pipe tables).
/// Owns the root node; nodes are valid while the document lives.
final class MarkdownDocument {
    let root: OpaquePointer
    /// The parser's extensions: the HTML renderer needs them to render tables.
    let extensions: UnsafeMutablePointer<cmark_llist>?
    private let parser: OpaquePointer

    static let options = CMARK_OPT_UNSAFE  // chapters are the authors' own: keep their inline HTML

    init(parsing text: String) {
        cmark_gfm_core_extensions_ensure_registered()
        let parser = cmark_parser_new(Self.options)!
        if let table = cmark_find_syntax_extension("table") { cmark_parser_attach_syntax_extension(parser, table) }
        // By length, not `strlen`: a NUL byte must not cut the text off (cmark reads it as U+FFFD).
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { cmark_parser_feed(parser, base, chars.count) }
            }
        }
        root = cmark_parser_finish(parser)
        extensions = cmark_parser_get_syntax_extensions(parser)
        self.parser = parser
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// The top-level blocks.
    var blocks: [MarkdownNode] { MarkdownNode(root, owner: self).children }

    /// Every node of the tree, depth first.
    var allNodes: [MarkdownNode] {
        var result: [MarkdownNode] = []
        let iter = cmark_iter_new(root)
        defer { cmark_iter_free(iter) }
        while true {
            let event = cmark_iter_next(iter)
            if event == CMARK_EVENT_DONE { break }
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) {
                result.append(MarkdownNode(node, owner: self))
            }
        }
        return result
    }
}

/// A thin view of one cmark node. It keeps its document alive: Swift may release a
/// document right after its last use, and cmark frees every node with it.
struct MarkdownNode {
    let pointer: OpaquePointer
    let owner: MarkdownDocument
    init(_ pointer: OpaquePointer, owner: MarkdownDocument) {
        self.pointer = pointer
        self.owner = owner
    }

    var type: cmark_node_type { cmark_node_get_type(pointer) }
    /// cmark-gfm's name for the type; extension nodes (`table`, `table_row`, `table_cell`) have no constant.
    var typeName: String { String(cString: cmark_node_get_type_string(pointer)) }
    var startLine: Int { Int(cmark_node_get_start_line(pointer)) }
    var endLine: Int { Int(cmark_node_get_end_line(pointer)) }
    var literal: String { cmark_node_get_literal(pointer).map { String(cString: $0) } ?? "" }
    var fenceInfo: String { cmark_node_get_fence_info(pointer).map { String(cString: $0) } ?? "" }
    var headingLevel: Int { Int(cmark_node_get_heading_level(pointer)) }
    var url: String { cmark_node_get_url(pointer).map { String(cString: $0) } ?? "" }
    var parent: MarkdownNode? { cmark_node_parent(pointer).map { MarkdownNode($0, owner: owner) } }
    var firstChild: MarkdownNode? { cmark_node_first_child(pointer).map { MarkdownNode($0, owner: owner) } }
    var next: MarkdownNode? { cmark_node_next(pointer).map { MarkdownNode($0, owner: owner) } }

    var children: [MarkdownNode] {
        var result: [MarkdownNode] = []
        var child = cmark_node_first_child(pointer)
        while let node = child {
            result.append(MarkdownNode(node, owner: owner))
            child = cmark_node_next(node)
        }
        return result
    }

    /// The concatenated text of the node's inline descendants.
    var plainText: String {
        switch type {
        case CMARK_NODE_TEXT, CMARK_NODE_CODE: return literal
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: return " "
        default: return children.map(\.plainText).joined()
        }
    }

    /// The node rendered to HTML by cmark.
    var html: String {
        guard let cString = cmark_render_html(pointer, MarkdownDocument.options, owner.extensions) else { return "" }
        defer { free(cString) }
        return String(cString: cString)
    }

    /// The HTML of the node's children only (e.g. a heading's content without `<h2>`).
    var innerHTML: String {
        let whole = html.trimmingTrailingNewlines
        guard let open = whole.firstIndex(of: ">"), let close = whole.lastIndex(of: "<"), open < close else {
            return whole
        }
        return String(whole[whole.index(after: open)..<close])
    }

    func setLiteral(_ text: String) { cmark_node_set_literal(pointer, text) }

    /// Every node below this one, depth first.
    var descendants: [MarkdownNode] { children.flatMap { [$0] + $0.descendants } }

    /// Puts a raw HTML block with `text` where this node is, and frees this node.
    func replace(withHTMLBlock text: String) {
        guard let html = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
        cmark_node_set_literal(html, text)
        cmark_node_insert_before(pointer, html)
        delete()
    }

    /// Removes the node from the tree and frees it.
    func delete() {
        cmark_node_unlink(pointer)
        cmark_node_free(pointer)
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
