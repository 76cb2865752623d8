import BookContract
import Foundation

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
