/// Hides `$...$` and `$$...$$` from cmark, which would read `_` and `*` in TeX as emphasis.
///
/// Math outside code is replaced by placeholders that keep the line count, so cmark's line
/// numbers stay those of the chapter; the TeX is kept aside for the renderer.
struct MathProtector {
    static let lineFiller: Character = "\u{E002}"

    private(set) var inlineMath: [String] = []
    private(set) var displayMath: [String] = []

    /// `codeLines` are the 1-based lines that belong to code blocks (left untouched).
    mutating func protect(_ text: String, codeLines: Set<Int>) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let chars = Array(text)
        var i = 0, line = 1, lineStart = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\n" {
                out.append(c)
                line += 1
                i += 1
                lineStart = i
                continue
            }
            if codeLines.contains(line) {
                out.append(c)
                i += 1
                continue
            }
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "$" {  // an escaped dollar stays for cmark
                out.append(c)
                out.append("$")
                i += 2
                continue
            }
            if c == "`" {  // an inline code span: copy it through unchanged
                var run = 0
                while i + run < chars.count, chars[i + run] == "`" { run += 1 }
                if let end = Self.closingBackticks(chars, from: i + run, count: run, line: line, codeLines: codeLines) {
                    for k in i..<end + run {
                        out.append(chars[k])
                        if chars[k] == "\n" { line += 1 }
                    }
                    i = end + run
                } else {
                    out.append(contentsOf: String(repeating: "`", count: run))
                    i += run
                }
                continue
            }
            if c == "$", i + 1 < chars.count, chars[i + 1] == "$",
                let end = Self.displayEnd(chars, from: i + 2, line: line, codeLines: codeLines)
            {
                // In a block quote, the `>` markers of the formula's lines belong to the quote.
                let before = chars[lineStart..<i]
                let quote = before.allSatisfy { " \t>".contains($0) } ? String(before) : ""
                let texLines = String(chars[(i + 2)..<end]).split(separator: "\n", omittingEmptySubsequences: false)
                let tex =
                    ([Substring(texLines[0])]
                    + texLines.dropFirst().map { Self.dropQuoteMarkers($0, depth: quote.filter { $0 == ">" }.count) })
                    .joined(separator: "\n")
                displayMath.append(tex)
                out += "\(Placeholder.open)dmath:\(displayMath.count - 1)"
                for _ in texLines.dropFirst() {
                    out += "\n\(quote)\(Self.lineFiller)"
                    line += 1
                }
                out.append(Placeholder.close)
                if let last = chars[i..<end].lastIndex(of: "\n") { lineStart = last + 1 }
                i = end + 2
                continue
            }
            if c == "$", i + 1 < chars.count, chars[i + 1] != " ", chars[i + 1] != "\n",
                let end = Self.inlineEnd(chars, from: i + 1),
                !codeLines.contains(line + 1) || !chars[i..<end].contains("\n")
            {
                let tex = String(chars[(i + 1)..<end])
                inlineMath.append(tex.replacingOccurrences(of: "\n", with: " "))
                out += Placeholder.math(inlineMath.count - 1)
                // A formula wrapped over two lines: keep the line count after it.
                for ch in tex where ch == "\n" {
                    out += "\n"
                    line += 1
                }
                i = end + 1
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// The closing `$$` of display math: within its paragraph, never across a blank line or
    /// into a code block (a `$$` in prose must not pair with one in a later cell).
    private static func displayEnd(_ chars: [Character], from start: Int, line: Int, codeLines: Set<Int>) -> Int? {
        var i = start, line = line
        while i + 1 < chars.count {
            if chars[i] == "\n" {
                line += 1
                if codeLines.contains(line) || blankLine(chars, after: i) { return nil }
            }
            if chars[i] == "\\" {
                i += 2
                continue
            }
            if chars[i] == "$" && chars[i + 1] == "$" { return i }
            i += 1
        }
        return nil
    }

    /// The closing `$` of inline math: not escaped, not after a space, on the same line or
    /// the next one (a wrapped paragraph), never across a blank line.
    private static func inlineEnd(_ chars: [Character], from start: Int) -> Int? {
        var i = start, newlines = 0
        while i < chars.count {
            if chars[i] == "\n" {
                newlines += 1
                if newlines > 1 || i + 1 >= chars.count || chars[i + 1] == "\n" { return nil }
            }
            if chars[i] == "\\" {
                i += 2
                continue
            }
            if chars[i] == "$" { return chars[i - 1] == " " || chars[i - 1] == "\n" ? nil : i }
            i += 1
        }
        return nil
    }

    /// The closing run of a code span: like cmark, never across a blank line (nor into code).
    private static func closingBackticks(
        _ chars: [Character], from start: Int, count: Int, line: Int, codeLines: Set<Int>
    ) -> Int? {
        var i = start, line = line
        while i < chars.count {
            if chars[i] == "`" {
                var run = 0
                while i + run < chars.count, chars[i + run] == "`" { run += 1 }
                if run == count { return i }
                i += run
            } else {
                if chars[i] == "\n" {
                    line += 1
                    if codeLines.contains(line) || blankLine(chars, after: i) { return nil }
                }
                i += 1
            }
        }
        return nil
    }

    /// A line without its first `depth` block-quote markers (`>` with the spaces around them).
    private static func dropQuoteMarkers(_ line: Substring, depth: Int) -> Substring {
        var rest = line, left = depth
        while left > 0 {
            let trimmed = rest.drop { $0 == " " || $0 == "\t" }
            guard trimmed.first == ">" else { break }
            rest = trimmed.dropFirst()
            if rest.first == " " { rest = rest.dropFirst() }
            left -= 1
        }
        return rest
    }

    /// Whether the line after the newline at `i` is blank (or the text ends there).
    private static func blankLine(_ chars: [Character], after i: Int) -> Bool {
        var j = i + 1
        while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
        return j >= chars.count || chars[j] == "\n"
    }

    /// The index of display math in a placeholder paragraph's text, if the text is only that.
    static func displayIndex(in text: String) -> Int? {
        let cleaned = text.filter { $0 != lineFiller && !$0.isWhitespace }
        guard cleaned.first == Placeholder.open, cleaned.last == Placeholder.close else { return nil }
        let body = cleaned.dropFirst().dropLast()
        guard body.hasPrefix("dmath:") else { return nil }
        return Int(body.dropFirst(6))
    }
}
