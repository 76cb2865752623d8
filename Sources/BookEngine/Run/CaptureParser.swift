import BookContract
import Foundation

/// Splits a chapter program's captured standard output into per-cell outputs.
///
/// Reads BookContract's `CaptureProtocol`, which the programs write: each marker is
/// `\u{1E}book:<token>:begin N`, `...:end N SECONDS` or `...:figure FILE`, on a
/// line of its own after a newline the program adds (so it is not part of the cell's text).
/// The token is random for each run, so a cell cannot print a marker; a figure is read
/// only from a plain file name inside the capture folder.
enum CaptureParser {
    static let environmentKey = CaptureProtocol.environmentKey
    static let tokenKey = CaptureProtocol.tokenKey

    /// A fresh token for one run: 128 random bits.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }

    /// The environment a chapter program is run with.
    static func environment(folder: URL, token: String) -> [String: String] {
        [environmentKey: folder.path, tokenKey: token]
    }

    struct Parsed {
        var cells: [CellOutput]
        /// The cell that began but did not end (where a trap happened).
        var unfinishedCell: Int?
    }

    /// `cellLimit`: bytes of text kept per cell; what is cut is counted in a note.
    static func parse(_ stdout: String, figures directory: URL, token: String, cellLimit: Int = 1 << 20) -> Parsed {
        let prefix = CaptureProtocol.prefix(token: token)
        var cells: [CellOutput] = []
        var current: CellOutput?
        var text = ""
        var kept = 0, cut = 0  // bytes of the current cell's text
        /// `atMarker`: a marker follows, so the newline the program wrote before it goes.
        func flushText(atMarker: Bool = true) {
            if atMarker, text.hasSuffix("\n") { text.removeLast() }
            if !text.isEmpty {
                current?.items.append(.text(text))
                text = ""
            }
        }
        func closeCell(atMarker: Bool = true) {
            flushText(atMarker: atMarker)
            if cut > 0 { current?.items.append(.text(cutNote(cut, limit: cellLimit))) }
            kept = 0
            cut = 0
        }
        var lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }  // the newline that ends the stream
        for line in lines {
            guard line.hasPrefix(prefix) else {
                guard current != nil else { continue }
                let size = line.utf8.count + 1
                if cut == 0 && kept + size <= cellLimit {
                    text += line + "\n"
                    kept += size
                } else {
                    cut += size
                }
                continue
            }
            let words = line.dropFirst(prefix.count).split(separator: " ", maxSplits: 2)
            guard let verb = words.first else { continue }
            switch verb {
            case "begin":
                closeCell()
                if let open = current { cells.append(open) }
                current = CellOutput(index: words.count > 1 ? Int(words[1]) ?? 0 : 0, items: [], seconds: nil)
            case "end":
                closeCell()
                if var open = current {
                    open.seconds =
                        words.count > 2 ? Double(words[2]).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } : nil
                    cells.append(open)
                    current = nil
                }
            case "figure":
                flushText()
                if words.count > 1, let file = figureFile(String(words[1]), in: directory),
                    let svg = try? String(contentsOf: file, encoding: .utf8)
                {
                    current?.items.append(.figure(svg: svg))
                }
            default:
                continue
            }
        }
        closeCell(atMarker: false)  // a trap or a stop: the stream just ends
        let unfinished = current?.index
        if let open = current { cells.append(open) }
        return Parsed(cells: cells, unfinishedCell: unfinished)
    }

    /// The line that replaces a cell's output beyond the limit.
    static func cutNote(_ bytes: Int, limit: Int) -> String {
        "[\(megabytes(bytes)) more output cut here: a page shows at most \(megabytes(limit)) of a cell's output]"
    }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

    /// The figure's file if `name` is a plain file name that resolves inside the capture
    /// folder (links followed), nil otherwise.
    static func figureFile(_ name: String, in directory: URL) -> URL? {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { return nil }
        let folder = directory.resolvingSymlinksInPath().standardizedFileURL.path
        let file = directory.appendingPathComponent(name).resolvingSymlinksInPath().standardizedFileURL
        return file.path.hasPrefix(folder + "/") ? file : nil
    }
}
