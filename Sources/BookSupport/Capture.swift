import Foundation

/// The capture protocol between a chapter program and the book engine.
///
/// When `BOOK_CAPTURE_DIR` is set, the program writes marker lines to standard output around
/// each cell's output and saves figures into that directory; the engine splits the stream
/// by the markers. Every marker carries a random token the engine makes for each run and
/// passes in `BOOK_CAPTURE_TOKEN` (which the program then removes from its environment), so
/// no text a cell prints can pass for a marker: a marker is
/// `<RS>book:<token>:<verb> <arguments>` on a line of its own.
public enum CaptureProtocol {
    public static let environmentKey = "BOOK_CAPTURE_DIR"
    public static let tokenKey = "BOOK_CAPTURE_TOKEN"
    public static let marker = "\u{1E}book:"
    /// What every marker of a run starts with.
    public static func prefix(token: String) -> String { "\(marker)\(token):" }
    /// `<prefix>begin <cell>`
    public static func begin(_ cell: Int, token: String) -> String { "\(prefix(token: token))begin \(cell)" }
    /// `<prefix>end <cell> <seconds>`
    public static func end(_ cell: Int, seconds: Double, token: String) -> String { "\(prefix(token: token))end \(cell) \(seconds)" }
    /// `<prefix>figure <file name>` (a plain name inside the capture folder)
    public static func figure(_ file: String, token: String) -> String { "\(prefix(token: token))figure \(file)" }
}

final class Capture {
    let directory: URL
    let token: String
    var cell = 0
    var figures = 0

    init(directory: URL, token: String) {
        self.directory = directory
        self.token = token
    }

    /// Writes a marker on a line of its own, after whatever the cell left unfinished.
    func mark(_ line: String) {
        print("\n" + line)
    }

    func figure(_ svg: String) {
        figures += 1
        let name = "cell-\(cell)-\(figures).svg"
        do {
            try svg.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
            mark(CaptureProtocol.figure(name, token: token))
        } catch {
            print("[figure not saved: \(error.localizedDescription)]")
        }
    }
}
