/// A piece of a chapter, in reading order.
public enum Block: Sendable {
    case heading(Heading)
    /// Prose rendered to HTML by cmark; inline math and references are `Placeholder`s in it.
    case prose(Prose)
    case displayMath(DisplayMath)
    case figure(Figure)
    /// A Swift cell of the chapter's program.
    case cell(Cell)
    /// A code block in another language: shown, never run.
    case code(CodeBlock)
    /// A GitHub pipe table (cmark-gfm's HTML), numbered, with an optional `:label:`.
    case table(Table)
    /// d2l's tabs: consecutive `:begin_tab:`/`:end_tab:` regions (or tabbed cells) shown as one tab set.
    case tabs(TabGroup)

    public var line: Int {
        switch self {
        case .heading(let b): b.line
        case .prose(let b): b.line
        case .displayMath(let b): b.line
        case .figure(let b): b.line
        case .cell(let b): b.line
        case .code(let b): b.line
        case .table(let b): b.line
        case .tabs(let b): b.line
        }
    }

    /// The HTML of prose-like blocks, where references and citations are (nil for others).
    public var proseHTML: String? {
        switch self {
        case .prose(let p): p.html
        case .heading(let h): h.html
        case .figure(let f): f.captionHTML
        case .table(let t): t.html
        default: nil
        }
    }

    /// The block and, for a tab set, every block inside it, in reading order.
    public var flattened: [Block] {
        switch self {
        case .tabs(let group): return [self] + group.panes.flatMap { $0.blocks.flatMap(\.flattened) }
        case .prose(let prose): return [self] + prose.cells.map(Block.cell)
        default: return [self]
        }
    }
}

public struct Table: Sendable {
    /// The table's HTML as cmark-gfm renders it (may hold placeholders).
    public var html: String
    public var label: String?
    /// Table number such as `4.1`.
    public var number: String
    public var line: Int
}

/// A set of tabs, each pane holding the blocks written for one or more tabs (`pytorch, mxnet`).
public struct TabGroup: Sendable {
    public var panes: [TabPane]
    public var line: Int
    /// The chapter's order of tabs (d2l's `tab.interact_select(...)`, else first use), so every
    /// tab set of a chapter lists its tabs alike.
    public var order: [String] = []
    /// The tab names of the panes, in the chapter's order.
    public var tabNames: [String] {
        var seen: [String] = []
        for name in panes.flatMap(\.tabs) where !seen.contains(name) { seen.append(name) }
        return seen.sorted {
            (order.firstIndex(of: $0) ?? Int.max, seen.firstIndex(of: $0)!) < (
                order.firstIndex(of: $1) ?? Int.max, seen.firstIndex(of: $1)!
            )
        }
    }
}

public struct TabPane: Sendable {
    public var tabs: [String]
    public var blocks: [Block]
    public var line: Int
}

public struct Heading: Sendable {
    /// 1 for the chapter title, 2 for sections, ...
    public var level: Int
    /// The heading as plain text.
    public var text: String
    /// The heading's inline HTML (may hold placeholders).
    public var html: String
    /// The `:label:` under the heading, if any.
    public var label: String?
    /// The HTML id of the heading, unique in its chapter.
    public var anchor: String
    /// Section number such as `4` or `4.2`.
    public var number: String
    public var line: Int
    /// In a translation: which section of the original this one translates, and the
    /// original's hash when it was translated (`:original:`anchor hash``).
    public var translates: SectionReference? = nil
    /// Hash of the section's source text (heading to the next heading): what a translation records.
    public var sourceHash = ""
}

/// A translated section's pointer to the original section it was made from.
public struct SectionReference: Sendable, Equatable {
    public var anchor: String
    public var hash: String
    public var line: Int
}

public struct Prose: Sendable {
    public var html: String
    public var line: Int
    /// Swift cells inside the prose (in a list item or a block quote), in reading order: the
    /// HTML holds `Placeholder.cell(index)` where each is shown.
    public var cells: [Cell] = []
}

public struct DisplayMath: Sendable {
    /// TeX source without the `$$` delimiters.
    public var tex: String
    public var label: String?
    /// Equation number such as `4.1` (only labelled equations are numbered).
    public var number: String?
    public var line: Int
}

public struct Figure: Sendable {
    /// Image path as written in the chapter, relative to the chapter's folder.
    public var source: String
    public var captionHTML: String
    public var label: String?
    /// d2l's `:width:` (`400px`), applied to the image.
    public var width: String? = nil
    /// Figure number such as `4.1`.
    public var number: String
    public var line: Int
}

public struct CodeBlock: Sendable {
    public var language: String
    public var source: String
    public var line: Int
    /// The tabs it is shown under (d2l's `%%tab pytorch`); nil when always shown.
    public var tabs: [String]? = nil
}

/// Tokens the loader leaves in prose HTML for the renderer to replace.
///
/// They use private-use code points, which Markdown and HTML escaping leave alone.
public enum Placeholder {
    public static let open: Character = "\u{E000}"
    public static let close: Character = "\u{E001}"
    /// Inline math number `index` of the chapter's `inlineMath`.
    public static func math(_ index: Int) -> String { "\(open)math:\(index)\(close)" }
    /// A `:numref:` or `:eqref:` to `label`, written at `line` of the chapter if known.
    public static func reference(_ kind: ReferenceKind, _ label: String, line: Int? = nil) -> String {
        "\(open)\(kind.rawValue)\(line.map { "@\($0)" } ?? ""):\(label)\(close)"
    }

    public enum ReferenceKind: String, Sendable { case numref, eqref }

    /// A `:cite:` (parenthetical) or `:citet:` (textual) citation of comma-separated BibTeX keys.
    public static func citation(_ kind: CitationKind, _ keys: String) -> String {
        "\(open)\(kind.rawValue):\(keys)\(close)"
    }

    public enum CitationKind: String, Sendable { case cite, citet }

    /// Where the Swift cell number `index` of the chapter stands inside prose.
    public static func cell(_ index: Int) -> String { "\(open)cell:\(index)\(close)" }
    /// A :value:`spec` written on prose line `line`: a value the chapter's run recorded.
    public static func value(_ spec: String, line: Int) -> String { "\(open)value:\(line):\(spec)\(close)" }

    public enum Token: Equatable, Sendable {
        case text(String)
        case math(Int)
        /// Math given as TeX directly (display math that stood inside a paragraph).
        case tex(String)
        case reference(ReferenceKind, String, line: Int?)
        case citation(CitationKind, [String])
        case cell(Int)
        /// A :value:`spec` and its line in the chapter.
        case value(String, line: Int)
    }

    /// Splits HTML into text and placeholder tokens.
    public static func tokens(in html: String) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(html)
        while let start = rest.firstIndex(of: open) {
            if start > rest.startIndex { tokens.append(.text(String(rest[..<start]))) }
            guard let end = rest[start...].firstIndex(of: close) else {
                tokens.append(.text(String(rest[start...])))
                return tokens
            }
            let body = rest[rest.index(after: start)..<end]
            if body.hasPrefix("math:"), let i = Int(body.dropFirst(5)) {
                tokens.append(.math(i))
            } else if body.hasPrefix("cell:"), let i = Int(body.dropFirst(5)) {
                tokens.append(.cell(i))
            } else if body.hasPrefix("value:"), let colon = body.dropFirst(6).firstIndex(of: ":"),
                let line = Int(body[body.index(body.startIndex, offsetBy: 6)..<colon])
            {
                tokens.append(.value(String(body[body.index(after: colon)...]), line: line))
            } else if body.hasPrefix("tex:") {
                tokens.append(.tex(String(body.dropFirst(4))))
            } else if let colon = body.firstIndex(of: ":"),
                case let head = body[..<colon].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false),
                let kind = ReferenceKind(rawValue: String(head[0]))
            {
                // cmark wrote the label into HTML: `a"b` arrives as `a&quot;b`.
                let label = HTML.decodeEntities(String(body[body.index(after: colon)...]))
                tokens.append(.reference(kind, label, line: head.count > 1 ? Int(head[1]) : nil))
            } else if let colon = body.firstIndex(of: ":"), let kind = CitationKind(rawValue: String(body[..<colon])) {
                let keys = body[body.index(after: colon)...].split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                tokens.append(.citation(kind, keys.filter { !$0.isEmpty }))
            } else {
                tokens.append(.text(String(body)))
            }
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { tokens.append(.text(String(rest))) }
        return tokens
    }
}
