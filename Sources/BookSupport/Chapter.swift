#if canImport(Glibc)
@preconcurrency import Glibc  // `stdout`, a C global
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import Foundation

/// The calls `book tangle` puts into a chapter program around its cells.
public enum Chapter {
    // Which cell is running: updated between cells, which run in order on the main thread.
    nonisolated(unsafe) private static var current = 0
    nonisolated(unsafe) private static var cellClock = Stopwatch()

    /// Parses the command line (exits on `--help` or bad flags) and sets up capture.
    public static func start(name: String, about: String) {
        Book.chapterName = name
        Book.options = ChapterOptions.parse(name: name, about: about, arguments: Array(CommandLine.arguments.dropFirst()))
        if let dir = ProcessInfo.processInfo.environment[CaptureProtocol.environmentKey], !dir.isEmpty {
            Book.capture = Capture(directory: URL(fileURLWithPath: dir, isDirectory: true))
        }
        setvbuf(stdout, nil, _IOLBF, 0)
    }

    /// Marks the start of cell `index` (1-based, in chapter order).
    public static func cell(_ index: Int) {
        finishCell()
        current = index
        Book.capture?.cell = index
        Book.capture?.figures = 0
        cellClock = Stopwatch()
        if Book.capture != nil { print(CaptureProtocol.begin(index)) }
    }

    /// Marks the end of the program's last cell.
    public static func finish() {
        finishCell()
        fflush(stdout)
    }

    private static func finishCell() {
        Book.clearProgress()
        guard current > 0 else { return }
        if Book.capture != nil { print(CaptureProtocol.end(current, seconds: cellClock.seconds)) }
        current = 0
    }

    /// True when this run was asked (by `book doctest`) to run the trap cell `index`.
    public static func runsTrapCell(_ index: Int) -> Bool { Book.options.trapCell == index }

    /// Called after a trap cell's code when it did not trap.
    public static func trapCellReturned(_ index: Int) -> Never {
        fflush(stdout)
        FileHandle.standardError.write(Data("book: cell \(index) was expected to trap but finished normally\n".utf8))
        exit(3)
    }
}
