/// A fingerprint of the code in a chapter's Markdown: every fenced block whose info string starts
/// with `swift` (fence lines included, so attributes count), or only the `save` ones (what the
/// book's library takes from a chapter), and nothing else.
///
/// The tangler writes the fingerprints of the chapters a program comes from into the program; the
/// program recomputes them at start and refuses to run code older than its chapter. Prose edits
/// leave the fingerprint alone. Both sides call this one function, so they cannot disagree.
public enum SourceFingerprint {
    public static func of(markdown text: String, savedCellsOnly: Bool = false) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add<S: StringProtocol>(_ line: S) {
            for byte in line.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            hash = (hash ^ 0x0a) &* 0x0000_0100_0000_01b3
        }
        var fence: (character: Character, length: Int, isSwift: Bool)?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // Container markers (block quotes, list indentation) do not matter here.
            let line = rawLine.drop { $0 == " " || $0 == "\t" || $0 == ">" }
            let marker = line.first.flatMap { $0 == "`" || $0 == "~" ? $0 : nil }
            let run = marker.map { m in line.prefix { $0 == m }.count } ?? 0
            let rest = line.dropFirst(run)
            if let open = fence {
                if open.isSwift { add(rawLine) }
                if marker == open.character, run >= open.length,
                    rest.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" })
                {
                    fence = nil
                }
                continue
            }
            guard let marker, run >= 3 else { continue }
            let info = rest.drop { $0 == " " || $0 == "\t" }
            let word = info.prefix { $0 != " " && $0 != "\t" && $0 != "\r" }
            let counts =
                word == "swift"
                && (!savedCellsOnly || info.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains("save"))
            fence = (marker, run, counts)
            if counts { add(rawLine) }
        }
        return String(hash, radix: 16)
    }
}
