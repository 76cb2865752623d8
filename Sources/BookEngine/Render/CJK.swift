/// Chinese and Japanese text in HTML: words are not separated by spaces.
enum CJK {
    /// `html` with the line breaks between two Chinese or Japanese characters removed.
    ///
    /// A translator wraps long paragraphs in the Markdown source; a browser shows each of those line
    /// breaks as a space, which is wrong between two ideographs (and splits words for search).
    /// Tags between the two characters (`</em>`) are looked through; spaces around the break go too.
    static func joinLines(_ html: String) -> String {
        guard html.contains("\n"), html.unicodeScalars.contains(where: isWide) else { return html }
        let scalars = Array(html.unicodeScalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            guard c == "\n" else {
                out.append(c)
                i += 1
                continue
            }
            // The blanks around this line break.
            var end = i + 1
            while end < scalars.count, scalars[end] == " " || scalars[end] == "\t" { end += 1 }
            var kept = out.count
            while kept > 0, out[kept - 1] == " " || out[kept - 1] == "\t" { kept -= 1 }
            if end < scalars.count, scalars[end] != "\n",
                let before = visible(in: out[..<kept].reversed(), open: ">", close: "<"), isWide(before),
                let after = visible(in: scalars[end...], open: "<", close: ">"), isWide(after)
            {
                out.removeSubrange(kept...)
                i = end
            } else {
                out.append(c)
                i += 1
            }
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: out)
        return String(text)
    }

    /// The first character of `scalars` outside a tag (which runs from `open` to `close`: the
    /// scalars may be read backwards).
    private static func visible<S: Sequence>(in scalars: S, open: Unicode.Scalar, close: Unicode.Scalar) -> Unicode
        .Scalar?
    where S.Element == Unicode.Scalar {
        var inTag = false
        for c in scalars {
            if inTag {
                if c == close { inTag = false }
            } else if c == open {
                inTag = true
            } else {
                return c
            }
        }
        return nil
    }

    /// Ideographs, kana, CJK punctuation and full-width forms: characters written without spaces
    /// between them. (Hangul is not: Korean separates words with spaces.)
    static func isWide(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x2E80...0x2FDF, 0x3000...0x303F, 0x3040...0x30FF, 0x31C0...0x31FF, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x20000...0x3134F:
            return true
        default:
            return false
        }
    }
}
