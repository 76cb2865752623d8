import Foundation

/// Splits a chapter program's captured standard output into per-cell outputs.
///
/// Mirrors BookSupport's `CaptureProtocol` (the engine does not link BookSupport):
/// `\u{1E}book:begin N`, `\u{1E}book:end N SECONDS`, `\u{1E}book:figure FILE`.
enum CaptureParser {
    static let marker = "\u{1E}book:"

    struct Parsed {
        var cells: [CellOutput]
        /// The cell that began but did not end (where a trap happened).
        var unfinishedCell: Int?
    }

    static func parse(_ stdout: String, figures directory: URL) -> Parsed {
        var cells: [CellOutput] = []
        var current: CellOutput?
        var text = ""
        func flushText() {
            if !text.isEmpty { current?.items.append(.text(text)); text = "" }
        }
        var lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }  // the newline that ends the stream
        for line in lines {
            guard line.hasPrefix(marker) else {
                if current != nil { text += line + "\n" }
                continue
            }
            let words = line.dropFirst(marker.count).split(separator: " ", maxSplits: 2)
            guard let verb = words.first else { continue }
            switch verb {
            case "begin":
                flushText()
                if let open = current { cells.append(open) }
                current = CellOutput(index: words.count > 1 ? Int(words[1]) ?? 0 : 0, items: [], seconds: nil)
            case "end":
                flushText()
                if var open = current {
                    open.seconds = words.count > 2 ? Double(words[2]) : nil
                    cells.append(open)
                    current = nil
                }
            case "figure":
                flushText()
                if words.count > 1, let svg = try? String(contentsOf: directory.appendingPathComponent(String(words[1])), encoding: .utf8) {
                    current?.items.append(.figure(svg: svg))
                }
            default:
                continue
            }
        }
        flushText()
        let unfinished = current?.index
        if let open = current { cells.append(open) }
        return Parsed(cells: cells, unfinishedCell: unfinished)
    }
}
