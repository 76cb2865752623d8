import Foundation

/// Compares a cell's actual output with the output written in the chapter.
///
/// Plain comparison ignores trailing spaces and trailing blank lines. Options (from the
/// cell's attributes): `ellipsis` (`...` matches any text), `normalize-whitespace` (runs of
/// spaces and newlines are one space), `tolerance=REL` (every number compared with that
/// relative tolerance); and in the text, `≈ 1.02 ± 0.05` matches one number within ±0.05.
public struct OutputMatcher {
    public var ellipsis = false
    public var normalizeWhitespace = false
    public var tolerance: Double?

    public init(ellipsis: Bool = false, normalizeWhitespace: Bool = false, tolerance: Double? = nil) {
        self.ellipsis = ellipsis
        self.normalizeWhitespace = normalizeWhitespace
        self.tolerance = tolerance
    }

    public init(_ attributes: CellAttributes) {
        self.init(
            ellipsis: attributes.ellipsis, normalizeWhitespace: attributes.normalizeWhitespace,
            tolerance: attributes.tolerance)
    }

    /// The text both sides are reduced to before comparison.
    public func normalized(_ text: String) -> String {
        if normalizeWhitespace {
            return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var l = String(line)
            while l.last == " " || l.last == "\t" { l.removeLast() }
            return l
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    public func matches(expected: String, actual: String) -> Bool {
        let expected = normalized(expected), actual = normalized(actual)
        if !ellipsis && tolerance == nil && !expected.contains("≈") { return expected == actual }
        return patternMatch(Self.segments(expected, ellipsis: ellipsis, tolerance: tolerance), actual[...])
    }

    enum Segment: Equatable {
        case literal(String)
        case anything
        /// A number within `absolute` of `value`.
        case number(value: Double, absolute: Double)
    }

    static let numberPattern = "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?"

    /// Splits the expected text into literals, ellipses and numbers.
    static func segments(_ text: String, ellipsis: Bool, tolerance: Double?) -> [Segment] {
        var special = ["≈\\s*(\(numberPattern))\\s*±\\s*(\(numberPattern))"]
        if ellipsis { special.append("\\.\\.\\.") }
        if tolerance != nil { special.append(numberPattern) }
        guard let regex = try? NSRegularExpression(pattern: special.joined(separator: "|")) else {
            return [.literal(text)]
        }
        var segments: [Segment] = []
        var cursor = text.startIndex
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            if cursor < range.lowerBound { segments.append(.literal(String(text[cursor..<range.lowerBound]))) }
            let token = String(text[range])
            if let v = Range(match.range(at: 1), in: text), let t = Range(match.range(at: 2), in: text),
                let value = Double(text[v]), let tol = Double(text[t])
            {
                segments.append(.number(value: value, absolute: tol))
            } else if token == "..." {
                segments.append(.anything)
            } else if let value = Double(token), let tolerance {
                segments.append(.number(value: value, absolute: tolerance * abs(value)))
            } else {
                segments.append(.literal(token))
            }
            cursor = range.upperBound
        }
        if cursor < text.endIndex { segments.append(.literal(String(text[cursor...]))) }
        return segments
    }

    /// Backtracking match of segments against the whole of `actual`.
    private func patternMatch(_ segments: [Segment], _ actual: Substring) -> Bool {
        guard let first = segments.first else { return actual.isEmpty }
        let rest = Array(segments.dropFirst())
        switch first {
        case .literal(let text):
            return actual.hasPrefix(text) && patternMatch(rest, actual.dropFirst(text.count))
        case .anything:
            var tail = actual
            while true {
                if patternMatch(rest, tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        case .number(let value, let absolute):
            guard let (number, tail) = Self.leadingNumber(actual) else { return false }
            return abs(number - value) <= absolute + 1e-12 && patternMatch(rest, tail)
        }
    }

    private static let leading = try? NSRegularExpression(pattern: "^" + numberPattern)

    static func leadingNumber(_ text: Substring) -> (Double, Substring)? {
        let s = String(text)
        guard let regex = leading, let m = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
            let r = Range(m.range, in: s), let value = Double(s[r])
        else { return nil }
        return (value, text.dropFirst(s.distance(from: s.startIndex, to: r.upperBound)))
    }
}
