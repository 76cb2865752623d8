import CCmark
import Foundation

/// d2l's line-level syntax that cmark does not know: tab regions (`:begin_tab:`x`` ... `:end_tab:`),
/// the `[** **]` / `(** **)` marks d2lbook removes, and the `:name:` roles the engine supports.
struct D2LSyntax {
    /// Lines `begin...end` (both marker lines) written for `tabs`.
    struct TabRegion {
        var tabs: [String]
        var begin: Int
        var end: Int
    }

    private(set) var regions: [TabRegion] = []
    /// The tabs `tab.interact_select('mxnet', 'pytorch')` names, in order.
    private(set) var tabOrder: [String] = []

    /// Reads the order of tabs from d2lbook's set-up cell.
    mutating func readTabOrder(_ source: String) {
        guard let call = source.range(of: "interact_select(") else { return }
        let arguments = source[call.upperBound...].prefix { $0 != ")" }
        tabOrder = arguments.split(separator: ",").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " '\"\n"))
        }
        .filter { !$0.isEmpty }
    }
    private(set) var diagnostics: [Diagnostic] = []

    /// Roles (`:name:`value``) the loader understands; any other is warned about with its line.
    static let knownRoles: Set<String> = [
        "label", "eqlabel", "numref", "eqref", "cite", "citet", "width", "cell", "original", "value",
    ]

    /// The text with tab markers blanked (so the text between them is its own block, on the same
    /// lines) and d2lbook's emphasis marks removed. `codeLines` are left alone.
    mutating func prepare(_ lines: [String], codeLines: Set<Int>, path: String) -> [String] {
        var out = lines
        var open: (tabs: [String], line: Int)?
        for (i, text) in lines.enumerated() where !codeLines.contains(i + 1) {
            let line = i + 1
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(":begin_tab:`"), trimmed.hasSuffix("`") {
                if let open { warn(path, open.line, "`:begin_tab:` is not closed by `:end_tab:` before line \(line)") }
                let names = trimmed.dropFirst(":begin_tab:`".count).dropLast().split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                open = (names, line)
                out[i] = ""
            } else if trimmed == ":end_tab:" {
                if let begun = open {
                    regions.append(TabRegion(tabs: begun.tabs, begin: begun.line, end: line))
                } else {
                    warn(path, line, "`:end_tab:` without a `:begin_tab:` before it")
                }
                open = nil
                out[i] = ""
            } else if text.contains("**") {
                for mark in ["[**", "**]", "(**", "**)"] { out[i] = out[i].replacingOccurrences(of: mark, with: "") }
            }
        }
        if let open { warn(path, open.line, "`:begin_tab:` is never closed by `:end_tab:`") }
        return out
    }

    /// The tabs of the region holding `line`, if any.
    func tabs(at line: Int) -> [String]? {
        regions.first { $0.begin <= line && line <= $0.end }?.tabs
    }

    /// Warnings for roles the engine does not support (`:ref:`x``, `:bibliography:`x``) and for
    /// d2lbook's `toc` and `eval_rst` blocks (shown as code), with their lines.
    mutating func warnUnsupportedRoles(in document: MarkdownDocument, path: String) {
        for node in document.allNodes where node.type == CMARK_NODE_CODE_BLOCK {
            let language = CellInfo.language(of: node.fenceInfo)
            if ["toc", "eval_rst"].contains(language) {
                warn(path, node.startLine, "d2lbook's `\(language)` block is not supported; it is shown as code")
            }
        }
        for node in document.allNodes where node.type == CMARK_NODE_TEXT {
            guard let code = node.next, code.type == CMARK_NODE_CODE, let role = Self.trailingRole(node.literal),
                !Self.knownRoles.contains(role)
            else { continue }
            warn(path, Self.line(of: node), "d2l's `:\(role):` is not supported; it is shown as text")
        }
    }

    /// `name` when `text` ends with `:name:` (letters and `_`).
    static func trailingRole(_ text: String) -> String? {
        guard text.hasSuffix(":") else { return nil }
        let body = text.dropLast()
        let name = body.reversed().prefix { $0.isLetter || $0 == "_" }
        guard !name.isEmpty, body.dropLast(name.count).hasSuffix(":") else { return nil }
        return String(name.reversed())
    }

    /// The line of an inline node: its block's first line plus the line breaks before it.
    static func line(of node: MarkdownNode) -> Int {
        var block = node
        while let parent = block.parent, block.startLine == 0 || Self.isInline(block) { block = parent }
        var breaks = 0
        var found = false
        func walk(_ n: MarkdownNode) {
            if found { return }
            if n.pointer == node.pointer {
                found = true
                return
            }
            if n.type == CMARK_NODE_SOFTBREAK || n.type == CMARK_NODE_LINEBREAK { breaks += 1 }
            for child in n.children { walk(child) }
        }
        for child in block.children { walk(child) }
        return block.startLine + breaks
    }

    static func isInline(_ node: MarkdownNode) -> Bool {
        [
            CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_EMPH, CMARK_NODE_STRONG, CMARK_NODE_LINK, CMARK_NODE_IMAGE,
            CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_HTML_INLINE,
        ].contains(node.type)
    }

    private mutating func warn(_ path: String, _ line: Int, _ message: String) {
        diagnostics.append(Diagnostic(SourceLocation(file: path, line: line), message, severity: .warning))
    }
}
