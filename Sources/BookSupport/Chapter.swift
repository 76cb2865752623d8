import BookContract

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
    /// The cell running now (its index, from 1; 0 before the first).
    static var currentCell: Int { current }
    nonisolated(unsafe) private static var cellClock = Stopwatch()

    /// Parses the command line (exits on `--help` or bad flags) and sets up capture.
    ///
    /// `sources` holds the code fingerprint of each chapter file the program was generated from
    /// (all the code of its own chapter, the `save` cells of the others: see `SourceFingerprint`),
    /// and `generatedFile` the program's path
    /// in the book; when those chapter files are there and their code changed since, the
    /// program refuses to run stale code and says how to refresh it.
    public static func start(
        name: String, about: String, sources: [String: String] = [:],
        generatedFile: String? = nil, filePath: String = #filePath
    ) {
        Book.chapterName = name
        if let generatedFile, let root = bookRoot(filePath: filePath, generatedFile: generatedFile) {
            refuseIfStale(sources, root: root, ownChapter: sources.keys.first { $0.hasSuffix("/\(name).md") })
        }
        Book.options = ChapterOptions.parse(
            name: name, about: about, arguments: Array(CommandLine.arguments.dropFirst()))
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment[CaptureProtocol.environmentKey], !dir.isEmpty {
            Book.capture = Capture(
                directory: URL(fileURLWithPath: dir, isDirectory: true),
                token: environment[CaptureProtocol.tokenKey] ?? "")
            unsetenv(CaptureProtocol.tokenKey)  // cells have no business with it
        }
        setvbuf(stdout, nil, _IOLBF, 0)
    }

    /// The book's root folder: the program's source path without its path in the book.
    static func bookRoot(filePath: String, generatedFile: String) -> URL? {
        guard filePath.hasSuffix("/" + generatedFile) else { return nil }
        return URL(fileURLWithPath: String(filePath.dropLast(generatedFile.count + 1)), isDirectory: true)
    }

    /// Exits with the command to run when a chapter's code no longer matches this program.
    static func refuseIfStale(_ sources: [String: String], root: URL, ownChapter: String?) {
        let changed = sources.keys.sorted().filter { path in
            // A chapter file that is not there (a copied program) cannot be checked.
            guard let text = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) else {
                return false
            }
            return SourceFingerprint.of(markdown: text, savedCellsOnly: path != ownChapter) != sources[path]
        }
        guard !changed.isEmpty else { return }
        FileHandle.standardError.write(
            Data(
                """
                error: the code in \(changed.joined(separator: ", ")) changed since this program was generated from it, \
                so it would run old code.
                Refresh the generated sources, then run it again:
                    swift run book tangle

                """.utf8))
        exit(2)
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
        if let capture = Book.capture {
            capture.mark(CaptureProtocol.end(current, seconds: cellClock.seconds, token: capture.token))
        }
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
