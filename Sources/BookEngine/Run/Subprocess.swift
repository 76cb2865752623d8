import Foundation

/// Runs a program to completion, collecting its output, with optional limits: time, memory
/// (resident, sampled ten times a second) and standard output. A program over a limit is killed.
struct Subprocess {
    struct Result {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var stdout: String
        var stderr: String
        var seconds: Double
        /// Killed for using more memory than `memoryLimit`.
        var memoryExceeded = false
        /// Killed for printing more than `outputLimit` bytes.
        var outputExceeded = false
    }

    static func run(
        _ executable: String, _ arguments: [String], in directory: URL,
        environment: [String: String] = [:], timeout: Double? = nil,
        memoryLimit: Int? = nil, outputLimit: Int? = nil,
        echoStderr: Bool = false,
        onStdoutLine: (@Sendable (Substring) -> Void)? = nil,
        onStderrLine: (@Sendable (Substring) -> Void)? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice

        let group = DispatchGroup()
        // Written by one reader thread each, read after `group.wait()`.
        let outData = Box(Data()), errData = Box(Data()), timedOut = Box(false)
        let memoryExceeded = Box(false), outputExceeded = Box(false)
        // Each stream's unfinished last line, for the line callbacks (progress as it happens).
        let stdoutLines = LineSplitter(), stderrLines = LineSplitter()
        group.enter()
        DispatchQueue.global().async {
            let handle = out.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                if let outputLimit, outData.value.count + chunk.count > outputLimit {
                    // Keep reading (so the program is not blocked before it dies), keep nothing more.
                    if !outputExceeded.value {
                        outputExceeded.value = true
                        kill(process.processIdentifier, SIGKILL)
                    }
                    continue
                }
                outData.value.append(chunk)
                if let onStdoutLine { stdoutLines.feed(chunk, onStdoutLine) }
            }
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            let handle = err.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                errData.value.append(chunk)
                if let onStderrLine { stderrLines.feed(chunk, onStderrLine) }
                if echoStderr { FileHandle.standardError.write(chunk) }
            }
            group.leave()
        }
        let clock = Date()
        try process.run()
        running.insert(process.processIdentifier)
        defer { running.remove(process.processIdentifier) }
        if let timeout {
            let deadline = DispatchTime.now() + timeout
            DispatchQueue.global().asyncAfter(deadline: deadline) {
                guard process.isRunning else { return }
                timedOut.value = true
                process.terminate()
                DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
                    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                }
            }
        }
        if let memoryLimit {
            let pid = process.processIdentifier
            DispatchQueue.global().async {
                while process.isRunning {
                    if let bytes = residentBytes(of: pid), bytes > memoryLimit {
                        memoryExceeded.value = true
                        kill(pid, SIGKILL)
                        return
                    }
                    usleep(100_000)
                }
            }
        }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut.value,
            stdout: String(decoding: outData.value, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self),
            seconds: Date().timeIntervalSince(clock),
            memoryExceeded: memoryExceeded.value,
            outputExceeded: outputExceeded.value)
    }

    /// The resident memory of a running process (Linux: `VmRSS` in `/proc/<pid>/status`).
    static func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kB = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kB * 1024
    }

    /// The programs running now (`book serve` stops them on Ctrl-C: Foundation starts each in
    /// its own process group, which a terminal's Ctrl-C does not reach).
    static let running = RunningProcesses()

    /// The full path of a program on PATH.
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// Process ids of running subprocesses (each leads its own process group).
final class RunningProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var ids = Set<Int32>()
    func insert(_ id: Int32) { lock.withLock { _ = ids.insert(id) } }
    func remove(_ id: Int32) { lock.withLock { _ = ids.remove(id) } }
    /// Sends `signal` to each one's whole process group (a build's compilers too).
    func signalAll(_ signal: Int32) { for id in lock.withLock({ ids }) { kill(-id, signal) } }
}

/// Cuts a stream's chunks into lines for a callback, keeping the unfinished last line.
final class LineSplitter: @unchecked Sendable {
    private var pending = Data()

    func feed(_ chunk: Data, _ line: (Substring) -> Void) {
        pending.append(chunk)
        guard let last = pending.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let complete = String(decoding: pending[..<last], as: UTF8.self)
        pending.removeSubrange(...last)
        for piece in complete.split(separator: "\n", omittingEmptySubsequences: false) { line(piece) }
    }
}

/// A mutable value shared with a background thread; callers order access themselves.
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
