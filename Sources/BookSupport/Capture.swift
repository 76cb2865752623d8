import Foundation

/// The capture protocol between a chapter program and the book engine.
///
/// When `BOOK_CAPTURE_DIR` is set, the program writes marker lines to standard output around
/// each cell's output and saves figures into that directory; the engine splits the stream
/// by the markers. The markers start with an ASCII record separator, which ordinary output
/// never contains.
public enum CaptureProtocol {
    public static let environmentKey = "BOOK_CAPTURE_DIR"
    public static let marker = "\u{1E}book:"
    /// `<marker>begin <cell>`
    public static func begin(_ cell: Int) -> String { "\(marker)begin \(cell)" }
    /// `<marker>end <cell> <seconds>`
    public static func end(_ cell: Int, seconds: Double) -> String { "\(marker)end \(cell) \(seconds)" }
    /// `<marker>figure <file name>`
    public static func figure(_ file: String) -> String { "\(marker)figure \(file)" }
}

final class Capture {
    let directory: URL
    var cell = 0
    var figures = 0

    init(directory: URL) { self.directory = directory }

    func figure(_ svg: String) {
        figures += 1
        let name = "cell-\(cell)-\(figures).svg"
        do {
            try svg.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
            print(CaptureProtocol.figure(name))
        } catch {
            print("[figure not saved: \(error.localizedDescription)]")
        }
    }
}
