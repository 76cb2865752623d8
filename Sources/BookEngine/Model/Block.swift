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

    public var line: Int {
        switch self {
        case .heading(let b): b.line
        case .prose(let b): b.line
        case .displayMath(let b): b.line
        case .figure(let b): b.line
        case .cell(let b): b.line
        case .code(let b): b.line
        }
    }
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
    /// Figure number such as `4.1`.
    public var number: String
    public var line: Int
}

public struct CodeBlock: Sendable {
    public var language: String
    public var source: String
    public var line: Int
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

    /// A :value:`spec` written on prose line `line`: a value the chapter's run recorded.
    public static func value(_ spec: String, line: Int) -> String { "\(open)value:\(line):\(spec)\(close)" }

    public enum Token: Equatable, Sendable {
        case text(String)
        case math(Int)
        /// Math given as TeX directly (display math that stood inside a paragraph).
        case tex(String)
        case reference(ReferenceKind, String, line: Int?)
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
            } else if body.hasPrefix("value:"), let colon = body.dropFirst(6).firstIndex(of: ":"),
                      let line = Int(body[body.index(body.startIndex, offsetBy: 6)..<colon]) {
                tokens.append(.value(String(body[body.index(after: colon)...]), line: line))
            } else if body.hasPrefix("tex:") {
                tokens.append(.tex(String(body.dropFirst(4))))
            } else if let colon = body.firstIndex(of: ":"),
                      case let head = body[..<colon].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false),
                      let kind = ReferenceKind(rawValue: String(head[0])) {
                // cmark wrote the label into HTML: `a"b` arrives as `a&quot;b`.
                let label = HTML.decodeEntities(String(body[body.index(after: colon)...]))
                tokens.append(.reference(kind, label, line: head.count > 1 ? Int(head[1]) : nil))
            } else {
                tokens.append(.text(String(body)))
            }
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { tokens.append(.text(String(rest))) }
        return tokens
    }
}
