import Foundation

/// The calls `book tangle` puts into a chapter program around its cells.
public enum Chapter {
    private static var current = 0
    private static var cellClock = Stopwatch()

    /// Parses the command line (exits on `--help` or bad flags) and sets up capture.
    public static func start(name: String, about: String) {
        Book.chapterName = name
        do {
            var args = Array(CommandLine.arguments.dropFirst())
            if args.contains("--help") || args.contains("-h") {
                print("\(name): \(about)\n")
                args = ["--help"]
            }
            Book.options = try ChapterOptions.parse(args)
        } catch {
            ChapterOptions.exit(withError: error)
        }
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment[CaptureProtocol.environmentKey], !dir.isEmpty {
            Book.capture = Capture(directory: URL(fileURLWithPath: dir, isDirectory: true),
                                   token: environment[CaptureProtocol.tokenKey] ?? "")
            unsetenv(CaptureProtocol.tokenKey)  // cells have no business with it
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
        if let capture = Book.capture { capture.mark(CaptureProtocol.begin(index, token: capture.token)) }
    }

    /// Marks the end of the program's last cell.
    public static func finish() {
        finishCell()
        fflush(stdout)
    }

    private static func finishCell() {
        Book.clearProgress()
        guard current > 0 else { return }
        if let capture = Book.capture { capture.mark(CaptureProtocol.end(current, seconds: cellClock.seconds, token: capture.token)) }
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
