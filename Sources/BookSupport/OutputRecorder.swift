#if canImport(Glibc)
@preconcurrency import Glibc  // `stdout`, a C global
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import Foundation

/// Records what the program prints to standard output while still printing it: standard output
/// goes through a pipe that a reader thread copies to the real output and keeps. (For
/// checkpoints: a restored cell prints again what its first run printed.)
final class OutputRecorder {
    /// What the reader thread fills; read once it has finished.
    private final class Sink: @unchecked Sendable {
        let finished = DispatchSemaphore(value: 0)
        var data = Data()
    }

    private let saved: Int32
    private let sink = Sink()

    /// Starts recording, or returns nil if standard output cannot be redirected.
    init?() {
        fflush(stdout)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        let saved = dup(STDOUT_FILENO)
        guard saved >= 0, dup2(fds[1], STDOUT_FILENO) >= 0 else { return nil }
        close(fds[1])
        self.saved = saved
        let readEnd = fds[0], sink = self.sink
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n <= 0 { break }
                var written = 0
                while written < n {
                    let w = buffer[written..<n].withUnsafeBytes { write(saved, $0.baseAddress, $0.count) }
                    if w <= 0 { break }
                    written += w
                }
                sink.data.append(contentsOf: buffer[0..<n])
            }
            close(readEnd)
            sink.finished.signal()
        }
    }

    /// Stops recording: standard output is the real one again; what was printed meanwhile.
    func stop() -> String {
        fflush(stdout)
        dup2(saved, STDOUT_FILENO)  // closes the pipe's last write end: the reader sees its end
        sink.finished.wait()  // the reader has copied everything out and is done with `data`
        close(saved)
        return String(decoding: sink.data, as: UTF8.self)
    }
}
