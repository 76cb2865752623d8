/// The capture protocol between a chapter program and the book engine.
///
/// When `BOOK_CAPTURE_DIR` is set, the program writes marker lines to standard output around
/// each cell's output and saves figures into that directory; the engine splits the stream
/// by the markers. Every marker carries a random token the engine makes for each run and
/// passes in `BOOK_CAPTURE_TOKEN` (which the program then removes from its environment), so
/// no text a cell prints can pass for a marker: a marker is
/// `<RS>book:<token>:<verb> <arguments>` on a line of its own.
public enum CaptureProtocol {
    /// The flag that asks a program to run its `trap` cell (`book doctest` and the render's trap check).
    public static let trapCellFlag = "--trap-cell"
    public static let environmentKey = "BOOK_CAPTURE_DIR"
    public static let tokenKey = "BOOK_CAPTURE_TOKEN"
    public static let marker = "\u{1E}book:"
    /// What every marker of a run starts with.
    public static func prefix(token: String) -> String { "\(marker)\(token):" }
    /// `<prefix>begin <cell>`
    public static func begin(_ cell: Int, token: String) -> String { "\(prefix(token: token))begin \(cell)" }
    /// `<prefix>end <cell> <seconds>`
    public static func end(_ cell: Int, seconds: Double, token: String) -> String {
        "\(prefix(token: token))end \(cell) \(seconds)"
    }
    /// A progress report (`epoch 3/100 ...`) on standard error, for the engine's status line; not
    /// part of any output, and harmless if forged, so it carries no token.
    public static let progressPrefix = "\u{1E}book:progress "
    public static func progress(_ text: String) -> String { progressPrefix + text }
    /// `<prefix>figure <file name>` (a plain name inside the capture folder)
    public static func figure(_ file: String, token: String) -> String { "\(prefix(token: token))figure \(file)" }
}
