import ArgumentParser
import BookEngine
import Dispatch

#if canImport(Glibc)
@preconcurrency import Glibc  // `stdout`, a C global
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import Foundation

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the book, serve it on 127.0.0.1 and re-render on every save in Chapters/ (live reload).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: RunOptions

    @Option(help: "Port on 127.0.0.1 (0: any free port).")
    var port: UInt16 = 4000

    @Option(help: "Folder to render into and serve.")
    var output = "site"

    @Flag(help: "Never run chapters: show the outputs the cache holds (a prose-only preview).")
    var noRun = false

    @Option(help: "Seconds between two looks at Chapters/ for changes.")
    var poll: Double = 0.1

    func validate() throws {
        if poll <= 0 || poll > 10 { throw ValidationError("--poll must be between 0 and 10 seconds") }
    }

    func run() throws {
        let root = common.rootURL
        let chapters = root.appendingPathComponent(BookLoader.chaptersFolder)
        guard FileManager.default.fileExists(atPath: chapters.path) else {
            throw ValidationError("no \(BookLoader.chaptersFolder)/ folder in \(root.path) (use --root)")
        }
        let site = URL(fileURLWithPath: output, relativeTo: root).standardizedFileURL
        // Files are synced into the site one by one and removed when the book no longer makes
        // them, so the folder must be one the renderer made (or a new one).
        if let problem = LivePreview.siteProblem(site, root: root) { throw ValidationError(problem) }
        // The settings are those of `book render`, so the cache is shared with it.
        let settings = options.settings()
        let preview = LivePreview(root: root, site: site, settings: settings, siteOptions: SiteOptions(bookRoot: root))
        // Plain lines, not a status line: the log of the saves goes to the same terminal.
        preview.progress = Progress(style: .lines) { text in FileHandle.standardOutput.write(Data(text.utf8)) }
        preview.runsChapters = !noRun

        // Ctrl-C (and SIGTERM) only set a flag: the loop stops between two renders, so the site is
        // never left half-synced. Chapter programs get the signal themselves (same process group).
        let stop = StopFlag()
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.set() }
            source.resume()
            sources.append(source)
        }

        let server = try PreviewServer(site: site, state: preview.state, port: port)
        let started = Waiter<Result<UInt16, Error>>()
        Task { started.set(await Result { try await server.start() }) }
        let actualPort: UInt16
        switch started.wait() {
        case .success(let value)?: actualPort = value
        case .failure(let error)?: throw ValidationError("cannot listen on 127.0.0.1:\(port): \(error)")
        case nil: throw ValidationError("the server did not start listening on 127.0.0.1:\(port) within 30 s")
        }
        // Listen first, so a busy port fails before minutes of work; until the first render ends
        // the previous site/ (if any) is served.
        let clock = Date()
        var watcher = FolderWatcher(folder: chapters)
        preview.update()
        print(String(format: "rendered into %@ in %.2f s", output, Date().timeIntervalSince(clock)))

        print("serving \(output) at http://127.0.0.1:\(actualPort)/ (Ctrl-C stops)")
        fflush(stdout)

        while !stop.isSet {
            Thread.sleep(forTimeInterval: poll)
            let changes = watcher.changes()
            guard !changes.isEmpty || preview.hasFinishedRuns, !stop.isSet else { continue }
            let clock = Date(), cpu = cpuSeconds()
            let changed = preview.update()
            let what = changes.isEmpty ? "outputs ready" : changes.joined(separator: ", ")
            // CPU time too: on a busy machine the wall time says more about the neighbours.
            let errors = preview.state.snapshot(page: "", since: .max).errors
            print(
                String(
                    format: "%@: %d site file(s) updated in %.2f s (%.2f s of CPU)%@", what, changed.count,
                    Date().timeIntervalSince(clock), cpuSeconds() - cpu,
                    errors.isEmpty ? "" : "; \(errors.count) error(s):\n  " + errors.joined(separator: "\n  ")))
            fflush(stdout)
        }
        print("stopping")
        preview.stop()
        let stopped = Waiter<Void>()
        Task {
            await server.stop()
            stopped.set(())
        }
        _ = stopped.wait(timeout: 0.5)  // open long polls are not waited for
        try? FileManager.default.removeItem(at: root.appendingPathComponent(".build-book/serve-stage"))
        _ = sources
    }
}

/// CPU seconds this process has used (all threads).
private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Set once from a signal handler, read by the loop.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Hands one value from an async task to the synchronous command.
private final class Waiter<Value>: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var value: Value?
    func set(_ value: Value) {
        self.value = value
        semaphore.signal()
    }
    func wait(timeout: Double = 30) -> Value? {
        _ = semaphore.wait(timeout: .now() + timeout)
        return value
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
