import Foundation

/// The entries of a BibTeX file in d2l's `d2l.bib` format, which `:cite:` and `:citet:` cite.
///
/// Only what an author-year citation and a reference list need is read: the entry type, its
/// key, and its fields (`{...}` with nested braces, `"..."`, or a bare number). `@string`,
/// `@comment` and `@preamble` are skipped. Written by hand: no well-kept Swift BibTeX parser
/// exists, and the format d2l uses is small.
public struct Bibliography: Sendable {
    public struct Entry: Sendable, Equatable {
        public var type: String
        public var key: String
        /// Field names in lower case; values with their outer braces removed, TeX left as written.
        public var fields: [String: String]
        public var line: Int

        /// Family names of the authors (or editors), in order.
        public var familyNames: [String] {
            let people = fields["author"] ?? fields["editor"] ?? ""
            return Bibliography.splitNames(people).map { name in
                let plain = Bibliography.plainText(name)
                if let comma = plain.firstIndex(of: ",") {
                    return String(plain[..<comma]).trimmingCharacters(in: .whitespaces)
                }
                return plain.split(separator: " ").last.map(String.init) ?? plain
            }
        }

        /// `Cho et al.`, `Hochreiter and Schmidhuber`, `Elman`.
        public var authorText: String {
            let names = familyNames
            switch names.count {
            case 0: return Bibliography.plainText(fields["title"] ?? key)
            case 1: return names[0]
            case 2: return "\(names[0]) and \(names[1])"
            default: return "\(names[0]) et al."
            }
        }

        public var year: String { Bibliography.plainText(fields["year"] ?? "n.d.") }
    }

    public var entries: [String: Entry] = [:]
    /// The file (relative to the book's root), for diagnostics, and whether it was there.
    public var path: String = ""
    public var isLoaded = false

    /// How diagnostics name the file: `Chapters/d2l.bib`, or `no Chapters/d2l.bib`.
    public var source: String { isLoaded ? path : "no \(path.isEmpty ? "bibliography file" : path)" }

    public init() {}

    /// Parses `text`; problems (unterminated entries, duplicate keys) come back with their lines.
    public static func parse(_ text: String, path: String) -> (Bibliography, [Diagnostic]) {
        var bibliography = Bibliography()
        bibliography.path = path
        bibliography.isLoaded = true
        var problems: [Diagnostic] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        func advance() {
            if chars[i] == "\n" { line += 1 }
            i += 1
        }
        func skipSpace() { while i < chars.count, chars[i].properties.isWhitespace { advance() } }
        func fail(_ at: Int, _ message: String) {
            problems.append(Diagnostic(SourceLocation(file: path, line: at), message))
        }
        /// Reads up to the brace that closes the one just passed; nil if the file ends first.
        func braced() -> String? {
            var depth = 1, out = String.UnicodeScalarView()
            while i < chars.count {
                let c = chars[i]
                if c == "\\", i + 1 < chars.count {
                    out.append(c)
                    advance()
                    out.append(chars[i])
                    advance()
                    continue
                }
                if c == "{" {
                    depth += 1
                } else if c == "}" {
                    depth -= 1
                    if depth == 0 {
                        advance()
                        return String(out)
                    }
                }
                out.append(c)
                advance()
            }
            return nil
        }
        while i < chars.count {
            guard chars[i] == "@" else {
                advance()
                continue
            }
            let start = line
            advance()
            var type = ""
            while i < chars.count, chars[i].properties.isAlphabetic {
                type.unicodeScalars.append(chars[i])
                advance()
            }
            type = type.lowercased()
            skipSpace()
            guard i < chars.count, chars[i] == "{" || chars[i] == "(" else {
                fail(start, "`@\(type)` is not followed by `{`")
                continue
            }
            advance()
            if ["string", "comment", "preamble"].contains(type) {
                if braced() == nil { fail(start, "the `@\(type)` entry is never closed") }
                continue
            }
            var key = ""
            while i < chars.count, chars[i] != ",", chars[i] != "}" {
                key.unicodeScalars.append(chars[i])
                advance()
            }
            key = key.trimmingCharacters(in: .whitespacesAndNewlines)
            var fields: [String: String] = [:]
            var closed = false
            while i < chars.count {
                if chars[i] == "}" || chars[i] == ")" {
                    advance()
                    closed = true
                    break
                }
                if chars[i] == "," || chars[i].properties.isWhitespace {
                    advance()
                    continue
                }
                var name = ""
                while i < chars.count, chars[i] != "=", chars[i] != "}", chars[i] != "," {
                    name.unicodeScalars.append(chars[i])
                    advance()
                }
                guard i < chars.count, chars[i] == "=" else { continue }
                advance()
                skipSpace()
                guard i < chars.count else { break }
                var value: String?
                if chars[i] == "{" {
                    advance()
                    value = braced()
                } else if chars[i] == "\"" {
                    advance()
                    var out = String.UnicodeScalarView()
                    while i < chars.count, chars[i] != "\"" {
                        out.append(chars[i])
                        advance()
                    }
                    if i < chars.count {
                        advance()
                        value = String(out)
                    }
                } else {
                    var out = String.UnicodeScalarView()
                    while i < chars.count, chars[i] != ",", chars[i] != "}", !chars[i].properties.isWhitespace {
                        out.append(chars[i])
                        advance()
                    }
                    value = String(out)
                }
                guard let value else { break }
                fields[name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()] =
                    value.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).joined(separator: " ")
            }
            guard closed, !key.isEmpty else {
                fail(start, "the entry `@\(type){\(key)` is never closed")
                break
            }
            if let earlier = bibliography.entries[key] {
                fail(start, "duplicate BibTeX key '\(key)' (first at \(path):\(earlier.line))")
                continue
            }
            bibliography.entries[key] = Entry(type: type, key: key, fields: fields, line: start)
        }
        return (bibliography, problems)
    }

    /// `A and B and C` split at top-level ` and ` (not inside braces).
    static func splitNames(_ text: String) -> [String] {
        var names: [String] = [], current = "", depth = 0
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        for word in words {
            if depth == 0 && word == "and" {
                names.append(current)
                current = ""
                continue
            }
            depth += word.filter { $0 == "{" }.count - word.filter { $0 == "}" }.count
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { names.append(current) }
        return names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// TeX in a field as plain text: accents (`{\"u}`, `\'e`) composed, braces and `\emph` dropped.
    static func plainText(_ tex: String) -> String {
        let accents: [Character: String] = [
            "\"": "\u{308}", "'": "\u{301}", "`": "\u{300}", "^": "\u{302}", "~": "\u{303}",
            "c": "\u{327}", "v": "\u{30C}", "=": "\u{304}", ".": "\u{307}", "u": "\u{306}",
        ]
        var out = ""
        var chars = Array(tex)[...]
        while let c = chars.popFirst() {
            switch c {
            case "{", "}": continue
            case "\\":
                guard let next = chars.first else { continue }
                // A letter accent (`\v{s}`, `\c c`) only when no letter follows: `\url` is a command.
                let isAccent = !next.isLetter || chars.dropFirst().first.map { !$0.isLetter } ?? false
                if let mark = accents[next], isAccent, chars.count >= 2 {
                    chars.removeFirst()
                    // `\'e`, `\'{e}`, `\c c`: the letter the accent goes on.
                    while chars.first == "{" || chars.first == " " { chars.removeFirst() }
                    if let letter = chars.popFirst() {
                        out += (String(letter) + mark).precomposedStringWithCanonicalMapping
                    }
                } else if next.isLetter {
                    while let l = chars.first, l.isLetter { chars.removeFirst() }  // \emph, \textit: keep the argument
                    if chars.first == " " { chars.removeFirst() }
                } else {
                    out.append(chars.removeFirst())  // \& \% \_
                }
            case "~": out += " "
            default: out.append(c)
            }
        }
        return out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
