import Foundation

/// Makes SVG markup safe to inline in a page.
///
/// Figures come from the book's own plot code, but the renderer does not trust any text it did
/// not write: `<script>` and `<foreignObject>` elements, `on...=` event attributes, `javascript:`
/// and external links are removed, and so are the XML prolog and doctype.
enum SVGSanitizer {
    static func sanitize(_ svg: String) -> String {
        var text = svg
        for element in ["script", "foreignObject", "iframe", "object", "embed"] {
            text = removeElements(named: element, from: text)
        }
        text = removeMarkup(from: text, opening: "<?", closing: "?>")
        text = removeMarkup(from: text, opening: "<!DOCTYPE", closing: ">")
        return sanitizeTags(text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Removes `<name ...>...</name>` and `<name .../>`, matching the name case-insensitively.
    static func removeElements(named name: String, from text: String) -> String {
        var out = ""
        var rest = Substring(text)
        let open = "<" + name.lowercased()
        let close = "</" + name.lowercased()
        while let start = rest.range(of: open, options: .caseInsensitive) {
            let afterName = rest[start.upperBound...].first
            guard afterName.map({ $0 == ">" || $0 == "/" || $0.isWhitespace }) ?? true else {
                out += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
                continue
            }
            out += rest[..<start.lowerBound]
            guard let tagEnd = rest[start.upperBound...].firstIndex(of: ">") else { return out }
            if rest[rest.index(before: tagEnd)] == "/" {
                rest = rest[rest.index(after: tagEnd)...]
            } else if let end = rest[tagEnd...].range(of: close, options: .caseInsensitive) {
                let endTag = rest[end.upperBound...].firstIndex(of: ">") ?? rest.index(before: rest.endIndex)
                rest = rest[rest.index(after: endTag)...]
            } else {
                return out
            }
        }
        return out + rest
    }

    static func removeMarkup(from text: String, opening: String, closing: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: opening, options: .caseInsensitive) {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].range(of: closing) else { return out }
            rest = rest[end.upperBound...]
        }
        return out + rest
    }

    /// Drops event-handler attributes and script or external links from every tag.
    static func sanitizeTags(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let lt = rest.firstIndex(of: "<") {
            out += rest[..<lt]
            guard let gt = tagEnd(in: rest, from: lt) else {
                out += HTML.escape(String(rest[lt...]))
                return out
            }
            out += sanitizeTag(rest[lt...gt])
            rest = rest[rest.index(after: gt)...]
        }
        return out + rest
    }

    /// The `>` closing the tag at `lt`, skipping quoted attribute values.
    private static func tagEnd(in text: Substring, from lt: Substring.Index) -> Substring.Index? {
        var quote: Character?
        var i = text.index(after: lt)
        while i < text.endIndex {
            let c = text[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == ">" {
                return i
            }
            i = text.index(after: i)
        }
        return nil
    }

    /// One tag with its unsafe attributes removed.
    private static func sanitizeTag(_ tag: Substring) -> String {
        // Closing tags and comments carry no attributes.
        if tag.hasPrefix("</") || tag.hasPrefix("<!--") { return String(tag) }
        var out = ""
        var i = tag.startIndex
        // The element name.
        while i < tag.endIndex, !tag[i].isWhitespace, tag[i] != ">", !(tag[i] == "/" && i != tag.startIndex) {
            out.append(tag[i])
            i = tag.index(after: i)
        }
        // Whitespace is written only before an attribute that is kept.
        var space = ""
        while i < tag.endIndex {
            let c = tag[i]
            if c.isWhitespace {
                space.append(c)
                i = tag.index(after: i)
                continue
            }
            if c == "/" || c == ">" {
                out.append(c)
                space = ""
                i = tag.index(after: i)
                continue
            }
            // An attribute: name, optional `= value`.
            let nameStart = i
            while i < tag.endIndex, !tag[i].isWhitespace, tag[i] != "=", tag[i] != ">", tag[i] != "/" {
                i = tag.index(after: i)
            }
            let name = tag[nameStart..<i]
            var valueText = Substring("")
            var value = ""
            var j = i
            while j < tag.endIndex, tag[j].isWhitespace { j = tag.index(after: j) }
            if j < tag.endIndex, tag[j] == "=" {
                j = tag.index(after: j)
                while j < tag.endIndex, tag[j].isWhitespace { j = tag.index(after: j) }
                let valueStart = j
                if j < tag.endIndex, tag[j] == "\"" || tag[j] == "'" {
                    let q = tag[j]
                    j = tag.index(after: j)
                    while j < tag.endIndex, tag[j] != q { j = tag.index(after: j) }
                    value = String(tag[tag.index(after: valueStart)..<min(j, tag.endIndex)])
                    if j < tag.endIndex { j = tag.index(after: j) }
                } else {
                    while j < tag.endIndex, !tag[j].isWhitespace, tag[j] != ">" { j = tag.index(after: j) }
                    value = String(tag[valueStart..<j])
                }
                valueText = tag[i..<j]
                i = j
            }
            if isSafe(attribute: name.lowercased(), value: value) {
                out += (space.isEmpty ? " " : space) + name + valueText
            }
            space = ""
        }
        return out
    }

    private static func isSafe(attribute name: String, value: String) -> Bool {
        if name.hasPrefix("on") { return false }
        if name == "href" || name.hasSuffix(":href") || name == "src" {
            let v = HTML.decodeEntities(value).lowercased().filter { !$0.isWhitespace }
            return v.hasPrefix("#")
        }
        if name == "style" {
            let v = value.lowercased()
            return !v.contains("url(") && !v.contains("expression(") && !v.contains("javascript:")
        }
        return true
    }
}
