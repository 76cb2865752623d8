/// A piece of Swift source with the class it is shown in.
struct SwiftToken: Equatable {
    enum Kind: String {
        case plain, keyword, type, string, escape, comment, number, attribute, directive, literal, function
        /// The CSS class of the token's `<span>` (`nil` for plain text).
        var cssClass: String? {
            switch self {
            case .plain: nil
            case .keyword: "tok-kw"
            case .type: "tok-ty"
            case .string: "tok-str"
            case .escape: "tok-esc"
            case .comment: "tok-com"
            case .number: "tok-num"
            case .attribute: "tok-attr"
            case .directive: "tok-dir"
            case .literal: "tok-lit"
            case .function: "tok-fn"
            }
        }
    }
    var kind: Kind
    var text: String
}

/// Syntax highlighting for the book's Swift cells: a small lexer, never failing on any text.
///
/// It knows keywords, capitalised identifiers as types, string literals (escapes, interpolation,
/// raw and multi-line), comments (nested block comments too), numbers, `@attributes`, `#directives`.
enum SwiftHighlighter {
    static let keywords: Set<String> = [
        "actor", "any", "as", "associatedtype", "async", "await", "borrowing", "break", "case", "catch", "class",
        "consuming", "continue", "convenience", "default", "defer", "deinit", "didSet", "do", "dynamic", "else",
        "enum", "extension", "fallthrough", "fileprivate", "final", "for", "func", "guard", "if", "import", "in",
        "indirect", "init", "inout", "internal", "is", "isolated", "lazy", "let", "macro", "mutating",
        "nonisolated", "nonmutating", "open", "operator", "optional", "override", "package", "precedencegroup",
        "private", "protocol", "public", "repeat", "required", "rethrows", "return", "self", "Self", "sending",
        "some", "static", "struct", "subscript", "super", "switch", "throw", "throws", "try", "typealias",
        "unowned", "var", "weak", "where", "while", "willSet",
    ]
    static let literals: Set<String> = ["true", "false", "nil"]

    /// The tokens of `source`; their texts joined give `source` back exactly.
    static func tokens(_ source: String) -> [SwiftToken] {
        var lexer = SwiftLexer(Array(source.unicodeScalars))
        lexer.lexCode(insideInterpolation: false)
        return lexer.tokens
    }

    /// The highlighted source as HTML, one string per line (without the newline).
    static func htmlLines(_ source: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for token in tokens(source) {
            let pieces = token.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i > 0 {
                    lines.append(line)
                    line = ""
                }
                guard !piece.isEmpty else { continue }
                let text = HTML.escape(String(piece))
                if let cls = token.kind.cssClass {
                    line += "<span class=\"\(cls)\">\(text)</span>"
                } else {
                    line += text
                }
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// The lexer behind `SwiftHighlighter`, over Unicode scalars.
private struct SwiftLexer {
    let s: [Unicode.Scalar]
    var i = 0
    var tokens: [SwiftToken] = []

    init(_ scalars: [Unicode.Scalar]) { s = scalars }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

    mutating func emit(_ kind: SwiftToken.Kind, from start: Int) {
        guard i > start else { return }
        var text = ""
        text.unicodeScalars.append(contentsOf: s[start..<i])
        // Merge neighbours of the same kind so the HTML stays small.
        if let last = tokens.last, last.kind == kind {
            tokens[tokens.count - 1].text += text
        } else {
            tokens.append(SwiftToken(kind: kind, text: text))
        }
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
            || (c.value > 0x7F && !c.properties.isWhitespace
                && !c.properties.isPatternSyntax && c.properties.generalCategory != .control)
    }
    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || ("0"..."9").contains(c)
    }
    static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { ("0"..."9").contains($0) } ?? false }

    /// Lexes code; inside an interpolation it stops before the `)` that closes it.
    mutating func lexCode(insideInterpolation: Bool) {
        var depth = 0
        while let c = peek() {
            let start = i
            if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { i += 1 }
                emit(.comment, from: start)
            } else if c == "/" && peek(1) == "*" {
                lexBlockComment()
                emit(.comment, from: start)
            } else if c == "\"" || (c == "#" && rawStringHashes() != nil) {
                lexString()
            } else if Self.isDigit(c) {
                lexNumber()
                emit(.number, from: start)
            } else if c == "@", let n = peek(1), Self.isIdentifierStart(n) {
                i += 1
                lexIdentifierBody()
                emit(.attribute, from: start)
            } else if c == "#", let n = peek(1), Self.isIdentifierStart(n) {
                i += 1
                lexIdentifierBody()
                emit(.directive, from: start)
            } else if c == "`" {
                i += 1
                while let d = peek(), d != "`", d != "\n" { i += 1 }
                if peek() == "`" { i += 1 }
                emit(.plain, from: start)
            } else if Self.isIdentifierStart(c) {
                lexIdentifierBody()
                var word = ""
                word.unicodeScalars.append(contentsOf: s[start..<i])
                emit(kind(ofWord: word, after: start), from: start)
            } else {
                if c == "(" { depth += 1 }
                if c == ")" {
                    if insideInterpolation && depth == 0 { return }
                    depth -= 1
                }
                i += 1
                emit(.plain, from: start)
            }
        }
    }

    func kind(ofWord word: String, after start: Int) -> SwiftToken.Kind {
        let afterDot = start > 0 && s[start - 1] == "."
        if SwiftHighlighter.literals.contains(word) { return .literal }
        if SwiftHighlighter.keywords.contains(word) && !afterDot { return .keyword }
        // Capitalised names are types; d2l's matrix names (`W_xh`, `H`) are variables with underscores.
        if let first = word.unicodeScalars.first, first.properties.isUppercase, !word.contains("_") { return .type }
        if peek() == "(" { return .function }
        return .plain
    }

    mutating func lexIdentifierBody() {
        while let c = peek(), Self.isIdentifierPart(c) { i += 1 }
    }

    mutating func lexBlockComment() {
        var depth = 0
        while let c = peek() {
            if c == "/" && peek(1) == "*" {
                depth += 1
                i += 2
            } else if c == "*" && peek(1) == "/" {
                depth -= 1
                i += 2
                if depth == 0 { return }
            } else {
                i += 1
            }
        }
    }

    mutating func lexNumber() {
        if peek() == "0", let p = peek(1), p == "x" || p == "b" || p == "o" {
            i += 2
            while let c = peek(), c.properties.isASCIIHexDigit || c == "_" || c == "." || c == "p" || c == "P" {
                if c == ".", !(peek(1)?.properties.isASCIIHexDigit ?? false) { break }
                i += 1
            }
            return
        }
        while let c = peek(), Self.isDigit(c) || c == "_" { i += 1 }
        if peek() == ".", Self.isDigit(peek(1)) {
            i += 1
            while let c = peek(), Self.isDigit(c) || c == "_" { i += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1) == "+" || peek(1) == "-" ? 1 : 0
            if Self.isDigit(peek(1 + sign)) {
                i += 1 + sign
                while let c = peek(), Self.isDigit(c) || c == "_" { i += 1 }
            }
        }
    }

    /// The number of `#` before a raw string's opening quote at `i`, or nil if none starts here.
    func rawStringHashes() -> Int? {
        var n = 0
        while peek(n) == "#" { n += 1 }
        return n > 0 && peek(n) == "\"" ? n : nil
    }

    mutating func lexString() {
        var start = i
        let hashes = rawStringHashes() ?? 0
        i += hashes
        let multiline = peek() == "\"" && peek(1) == "\"" && peek(2) == "\""
        i += multiline ? 3 : 1
        while let c = peek() {
            if c == "\n" && !multiline { break }
            if c == "\\" && (0..<hashes).allSatisfy({ peek(1 + $0) == "#" }) {
                emit(.string, from: start)
                let escapeStart = i
                i += 1 + hashes
                if peek() == "(" {
                    i += 1
                    emit(.escape, from: escapeStart)
                    lexCode(insideInterpolation: true)
                    let close = i
                    if peek() == ")" { i += 1 }
                    emit(.escape, from: close)
                } else {
                    if peek() == "u" && peek(1) == "{" {
                        while let d = peek(), d != "}", d != "\n" { i += 1 }
                    }
                    if peek() != nil && peek() != "\n" { i += 1 }
                    emit(.escape, from: escapeStart)
                }
                start = i
                continue
            }
            if c == "\"" {
                let quotes = multiline ? 3 : 1
                if (0..<quotes).allSatisfy({ peek($0) == "\"" })
                    && (0..<hashes).allSatisfy({ peek(quotes + $0) == "#" })
                {
                    i += quotes + hashes
                    break
                }
            }
            i += 1
        }
        emit(.string, from: start)
    }
}
