import Foundation

/// How times and dates appear on the pages.
enum Format {
    /// A duration for a reader: `0.04 s`, `12.3 s`, `2 min 05 s`.
    static func seconds(_ s: Double) -> String {
        if s < 0.01 { return "< 0.01 s" }
        if s < 10 { return String(format: "%.2f s", s) }
        if s < 60 { return String(format: "%.1f s", s) }
        let total = Int(s.rounded())
        if total < 3600 { return String(format: "%d min %02d s", total / 60, total % 60) }
        return String(format: "%d h %02d min", total / 3600, (total % 3600) / 60)
    }

    /// A date in UTC, e.g. `2025-11-23 07:05 UTC`.
    static func date(_ date: Date) -> String { formatter("yyyy-MM-dd HH:mm 'UTC'").string(from: date) }

    /// A date for `<time datetime>`.
    static func isoDate(_ date: Date) -> String { formatter("yyyy-MM-dd'T'HH:mm:ss'Z'").string(from: date) }

    private static func formatter(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = format
        return f
    }

    /// Command-line arguments as a shell would show them.
    static func arguments(_ args: [String]) -> String {
        args.map { arg in
            arg.isEmpty || arg.contains(where: { " \t\"'$\\".contains($0) })
                ? "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'" : arg
        }.joined(separator: " ")
    }

    /// Captured terminal text as it looked: ANSI escapes removed, `\r` overwrites applied.
    static func terminalText(_ text: String) -> String {
        var cleaned = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let c = iterator.next() {
            if c == "\u{1B}" {
                // CSI sequences end with a letter; other escapes are two characters long.
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let d = iterator.next(), !(("@"..."~").contains(d)) {}
                }
                continue
            }
            cleaned.unicodeScalars.append(c)
        }
        let lines = cleaned.replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                guard line.contains("\r") else { return line }
                return line.split(separator: "\r", omittingEmptySubsequences: false).last(where: { !$0.isEmpty }) ?? ""
            }
        return lines.joined(separator: "\n")
    }
}
