import BookContract
import Foundation

/// What a chapter's code asks of the book: settings from the command line, figures, progress.
public enum Book {
    // A chapter program's state: set by `Chapter.start` before its first cell, then read and
    // updated by the cells, which run one after another on the main thread (top-level code).
    nonisolated(unsafe) static var options = ChapterOptions()
    nonisolated(unsafe) static var chapterName = "chapter"
    nonisolated(unsafe) static var capture: Capture?

    /// The number of epochs to train: the reader's `--epochs` if given, else the chapter's value.
    public static func epochs(_ chapterDefault: Int) -> Int { options.epochs ?? chapterDefault }

    /// The seed given with `--seed` (0 by default).
    public static var seed: UInt64 { options.seed }

    /// True while the book engine is recording this run's outputs.
    public static var isCapturing: Bool { capture != nil }

    /// Shows a figure: the book places it under the current cell; a plain run saves it under
    /// `./figures/` and prints where.
    public static func show(svg: String) {
        let resume = pauseRecording(figure: svg)  // inside a checkpoint's first run
        defer { if resume { resumeRecording() } }
        if let capture {
            capture.figure(svg)
            return
        }
        figureCount += 1
        let dir = URL(fileURLWithPath: "figures", isDirectory: true)
        let file = dir.appendingPathComponent("\(chapterName)-\(figureCount).svg")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try svg.write(to: file, atomically: true, encoding: .utf8)
            print("[figure saved to figures/\(file.lastPathComponent)]")
        } catch {
            print("[figure not saved: \(error.localizedDescription)]")
        }
    }
    nonisolated(unsafe) static var figureCount = 0

    /// A live status line on a terminal (rewritten in place on stderr); never part of the book.
    public static func progress(_ line: String) {
        if capture != nil {
            // The engine shows it in its own status line.
            FileHandle.standardError.write(
                Data((CaptureProtocol.progress(line.replacingOccurrences(of: "\n", with: " ")) + "\n").utf8))
            return
        }
        guard isatty(STDERR_FILENO) != 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        progressShown = true
    }
    nonisolated(unsafe) static var progressShown = false

    static func clearProgress() {
        guard progressShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        progressShown = false
    }

    /// An aligned plain-text table, ready to print.
    public static func table(_ headers: [String], _ rows: [[String]]) -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in
            all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            widths.indices.map { i in
                let cell = i < cells.count ? cells[i] : ""
                return cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// Measures elapsed wall-clock time.
public struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    /// Seconds since the stopwatch was made.
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
