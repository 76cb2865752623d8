/// HTML text helpers: escaping what goes in, extracting plain text from what comes out.
enum HTML {
    /// Escapes text for an HTML element's content or a double-quoted attribute value.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Escapes text for an element's content only (quotes stay as they are).
    static func escapeText(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The text of an HTML fragment: tags removed, the common entities decoded, spaces collapsed.
    /// Block tags separate words; inline tags (`<code>`, `<em>`) do not.
    static func plainText(_ html: String) -> String {
        var text = ""
        var rest = Substring(html)
        while let lt = rest.firstIndex(of: "<") {
            text += rest[..<lt]
            guard let gt = rest[lt...].firstIndex(of: ">") else {
                rest = rest[lt...]
                break
            }
            let name = rest[rest.index(after: lt)..<gt].drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
            if blockTags.contains(name.lowercased()) { text += " " }
            rest = rest[rest.index(after: gt)...]
        }
        text += rest
        return collapseWhitespace(decodeEntities(text))
    }

    static let blockTags: Set<String> = [
        "p", "br", "div", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "table", "tr", "td", "th",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "figure", "figcaption", "section", "article",
    ]

    /// Decodes the entities cmark and `escape` produce (named basics and numeric ones).
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[amp...]
            guard let semi = after.prefix(12).firstIndex(of: ";") else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let name = after[after.index(after: amp)..<semi]
            if let decoded = decode(entity: name) {
                out += decoded
                rest = rest[rest.index(after: semi)...]
            } else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        return out + rest
    }

    private static func decode(entity name: Substring) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{A0}"
        default:
            var digits = name
            guard digits.first == "#" else { return nil }
            digits = digits.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits)
            }
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
