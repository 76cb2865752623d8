import Foundation

/// Runs a program to completion, collecting its output, with an optional time limit.
struct Subprocess {
    struct Result {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL,
                    environment: [String: String] = [:], timeout: Double? = nil,
                    echoStderr: Bool = false) throws -> Result {
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
        group.enter()
        DispatchQueue.global().async { outData.value = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async {
            let handle = err.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                errData.value.append(chunk)
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
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      signalled: process.terminationReason == .uncaughtSignal,
                      timedOut: timedOut.value,
                      stdout: String(decoding: outData.value, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self),
                      seconds: Date().timeIntervalSince(clock))
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

/// A mutable value shared with a background thread; callers order access themselves.
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
