import BookContract
import Foundation

/// How chapter programs are built and run.
public struct RunSettings: Sendable {
    /// Extra arguments for every chapter program (e.g. `--epochs 1` for a quick run).
    public var arguments: [String] = []
    public var seed: UInt64 = 0
    /// Seconds a chapter may run before it is stopped.
    public var timeout: Double = 1800
    /// SwiftPM's build folder, when not the default `.build`.
    public var scratchPath: String?
    /// `release` for real runs; tests of the engine use `debug` to build faster.
    public var configuration = "release"
    /// Where cached outputs live, relative to the book root.
    public var cacheFolder = ".build-book/outputs"
    /// Sources (relative to the root) whose changes invalidate every chapter's outputs.
    public var dependencies = ["Package.swift", "Sources/TensorKit", "Sources/BookSupport", "Sources/CBLAS"]

    public init() {}
}

/// Builds each chapter's program in release mode, runs it in capture mode, and caches what
/// it printed under a hash of everything that can change it.
public final class ChapterRunner {
    public let book: Book
    public let settings: RunSettings
    /// Progress messages (building, running, cached).
    public var log: (String) -> Void = { print($0) }

    public init(book: Book, settings: RunSettings) {
        self.book = book
        self.settings = settings
    }

    private lazy var swift: String = Subprocess.which("swift") ?? "/usr/bin/swift"
    public private(set) lazy var toolchain: String = {
        let result = try? Subprocess.run(swift, ["--version"], in: book.root)
        return result?.stdout.split(separator: "\n").first.map(String.init) ?? "unknown"
    }()

    private var buildArguments: [String] {
        ["build", "-c", settings.configuration] + (settings.scratchPath.map { ["--scratch-path", $0] } ?? [])
    }

    /// The arguments a chapter program gets.
    public var programArguments: [String] { ["--seed", "\(settings.seed)"] + settings.arguments }

    /// The cache key of a chapter's outputs.
    public func inputsHash(_ chapter: Chapter) -> String {
        var hash = ContentHash()
        hash.add(toolchain)
        hash.add(programArguments.joined(separator: "\u{0}"))
        // Only the settings that shape the programs (not, e.g., the list of translations).
        let config = book.config
        hash.add([config.library, config.programsPath].joined(separator: "\u{0}"))
        hash.add((config.programImports + ["|"] + config.libraryImports + ["|"] + config.prologue).joined(separator: "\u{0}"))
        for cell in chapter.cells { hash.add("\(cell.index) \(cell.attributes)"); hash.add(cell.source) }
        for (owner, cell) in book.libraryCells { hash.add(owner.path); hash.add(cell.source) }
        for dependency in settings.dependencies {
            let url = book.root.appendingPathComponent(dependency)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
            if isDir.boolValue { hash.addFiles(under: url) } else if let data = FileManager.default.contents(atPath: url.path) { hash.add(data) }
        }
        return hash.hex
    }

    private func cacheURL(_ chapter: Chapter) -> URL {
        var tag = ContentHash()
        tag.add(programArguments.joined(separator: " "))
        return book.root.appendingPathComponent(settings.cacheFolder)
            .appendingPathComponent("\(chapter.name)-\(tag.hex.prefix(8)).json")
    }

    /// The stored outputs of a chapter if they are still valid.
    public func cached(_ chapter: Chapter) -> ChapterRun? {
        guard let data = FileManager.default.contents(atPath: cacheURL(chapter).path),
              let run = try? Self.decoder.decode(ChapterRun.self, from: data),
              run.failure == nil, run.record.inputsHash == inputsHash(chapter) else { return nil }
        return run
    }

    /// Runs (or takes from the cache) each chapter. A chapter that fails does not stop the others.
    public func run(_ chapters: [Chapter], force: Bool = false) -> [String: ChapterRun] {
        var runs: [String: ChapterRun] = [:]
        for chapter in chapters {
            if !force, let hit = cached(chapter) {
                log("\(chapter.name): outputs unchanged (cached)")
                runs[chapter.name] = hit
                continue
            }
            let run = buildAndRun(chapter)
            runs[chapter.name] = run
            if run.failure == nil { store(run, for: chapter) }
        }
        return runs
    }

    private func store(_ run: ChapterRun, for chapter: Chapter) {
        let url = cacheURL(chapter)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(try Self.encoder.encode(run), to: url)
        } catch {
            log("warning: cannot cache the outputs of \(chapter.name): \(error)")
        }
    }

    private func record(_ chapter: Chapter, seconds: Double) -> RunRecord {
        RunRecord(date: Date(), seed: settings.seed, arguments: settings.arguments, toolchain: toolchain,
                  inputsHash: inputsHash(chapter), seconds: seconds)
    }

    func buildAndRun(_ chapter: Chapter) -> ChapterRun {
        if let failure = build(chapter) {
            return ChapterRun(chapter: chapter.name, cells: [], failure: failure, record: record(chapter, seconds: 0))
        }
        var run = execute(chapter)
        guard run.failure == nil else { return run }
        for cell in chapter.cells where cell.attributes.trap || cell.attributes.compileFail {
            var output = run.output(ofCell: cell.index) ?? CellOutput(index: cell.index, items: [], seconds: nil)
            output.expectedFailureChecked = true
            output.failureMessage = expectedFailure(of: cell, in: chapter)
            run.cells.removeAll { $0.index == cell.index }
            run.cells.append(output)
        }
        run.cells.sort { $0.index < $1.index }
        return run
    }

    /// Runs a `trap` cell (the program up to it, with `--trap-cell`) or type-checks a
    /// `compile-fail` cell; the runtime's or compiler's message, nil if it ran or compiled.
    func expectedFailure(of cell: Cell, in chapter: Chapter) -> String? {
        if cell.attributes.trap {
            let run = execute(chapter, extraArguments: ["--trap-cell", "\(cell.index)"])
            guard let failure = run.failure else { return nil }
            return failure.kind == .trap ? failure.message : "the program failed otherwise (\(failure.kind.rawValue)):\n\(failure.message)"
        }
        let config = book.config
        var source = (config.programImports + [config.library]).map { "import \($0)\n" }.joined()
        source += "#sourceLocation(file: \"\(chapter.path)\", line: \(cell.codeLine))\n\(cell.source)"
        do {
            let (succeeded, output) = try typecheck(source)
            return succeeded ? nil : output
        } catch {
            return "cannot run the compiler: \(error)"
        }
    }

    /// Builds a chapter's program (release); the failure, if it does not compile.
    public func build(_ chapter: Chapter) -> RunFailure? {
        log("\(chapter.name): building")
        do {
            let build = try Subprocess.run(swift, buildArguments + ["--product", chapter.name], in: book.root)
            return build.status == 0 ? nil : compileFailure(chapter, build.stdout + build.stderr)
        } catch {
            return RunFailure(kind: .compile, cell: nil, line: nil, message: "cannot start `swift build`: \(error)")
        }
    }

    /// Type-checks `source` alone against the built library modules; the compiler's output
    /// and whether it succeeded. (For `compile-fail` doctests.)
    public func typecheck(_ source: String) throws -> (succeeded: Bool, output: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("book-typecheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cell.swift")
        try source.write(to: file, atomically: true, encoding: .utf8)
        var arguments = ["-frontend", "-typecheck", file.path, "-I", "\(binPath)/Modules", "-I", binPath]
        // System-library modules (cmark, BLAS) that the library's modules import.
        if let sources = try? FileManager.default.contentsOfDirectory(atPath: book.root.appendingPathComponent("Sources").path) {
            for name in sources.sorted() {
                let map = book.root.appendingPathComponent("Sources/\(name)/module.modulemap")
                if FileManager.default.fileExists(atPath: map.path) { arguments += ["-Xcc", "-fmodule-map-file=\(map.path)"] }
            }
        }
        let swiftc = URL(fileURLWithPath: swift).deletingLastPathComponent().appendingPathComponent("swiftc").path
        let result = try Subprocess.run(swiftc, arguments, in: book.root)
        let output = relativize(result.stdout + result.stderr).replacingOccurrences(of: file.path, with: "cell.swift")
        return (result.status == 0, output)
    }

    /// The folder SwiftPM puts release binaries in.
    public private(set) lazy var binPath: String = {
        let result = try? Subprocess.run(swift, buildArguments + ["--show-bin-path"], in: book.root)
        return result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ".build/release"
    }()

    /// Runs a built chapter program in capture mode.
    public func execute(_ chapter: Chapter, extraArguments: [String] = []) -> ChapterRun {
        log("\(chapter.name): running \(([chapter.name] + programArguments + extraArguments).joined(separator: " "))")
        let figures = FileManager.default.temporaryDirectory.appendingPathComponent("book-capture-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: figures) }
        let program = "\(binPath)/\(chapter.name)"
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(program, programArguments + extraArguments, in: book.root,
                                        environment: ["BOOK_CAPTURE_DIR": figures.path], timeout: settings.timeout)
        } catch {
            return ChapterRun(chapter: chapter.name, cells: [], failure: RunFailure(kind: .exit, cell: nil, line: nil,
                              message: "cannot start \(program): \(error)"), record: record(chapter, seconds: 0))
        }
        let parsed = CaptureParser.parse(result.stdout, figures: figures)
        var failure: RunFailure?
        if result.timedOut {
            failure = RunFailure(kind: .timeout, cell: parsed.unfinishedCell, line: line(of: parsed.unfinishedCell, in: chapter),
                                 message: "stopped after \(Int(settings.timeout)) s (the time limit)")
        } else if result.status != 0 || result.signalled {
            failure = trapFailure(chapter, stderr: result.stderr, cell: parsed.unfinishedCell, signalled: result.signalled, status: result.status)
        }
        return ChapterRun(chapter: chapter.name, cells: parsed.cells, failure: failure, record: record(chapter, seconds: result.seconds),
                          values: Self.recordedValues(in: figures))
    }

    /// The values the program recorded for the prose (none if it recorded none).
    static func recordedValues(in captureFolder: URL) -> [String: RecordedValue] {
        guard let data = FileManager.default.contents(atPath: captureFolder.appendingPathComponent(RunContract.valuesFile).path),
              let values = try? decoder.decode([String: RecordedValue].self, from: data) else { return [:] }
        return values.filter { RunContract.isValidValueName($0.key) }
    }

    private func line(of cell: Int?, in chapter: Chapter) -> Int? {
        guard let cell else { return nil }
        return chapter.cells.first { $0.index == cell }?.codeLine
    }

    /// Removes the book root from paths, so no page shows where it was built.
    func relativize(_ text: String) -> String {
        text.replacingOccurrences(of: book.root.standardizedFileURL.path + "/", with: "")
    }

    func compileFailure(_ chapter: Chapter, _ output: String) -> RunFailure {
        let lines = relativize(output).split(separator: "\n").map(String.init)
        let errors = lines.filter { $0.contains(": error: ") }
        var line: Int?, cell: Int?
        let marker = "\(chapter.path):"
        if let first = errors.first(where: { $0.hasPrefix(marker) }) ?? errors.first(where: { $0.contains(marker) }),
           let range = first.range(of: marker) {
            line = Int(first[range.upperBound...].prefix { $0.isNumber })
            cell = chapter.cells.last { $0.codeLine <= (line ?? 0) }?.index
        }
        let message = (errors.isEmpty ? Array(lines.suffix(20)) : errors).joined(separator: "\n")
        return RunFailure(kind: .compile, cell: cell, line: line, message: message)
    }

    func trapFailure(_ chapter: Chapter, stderr: String, cell: Int?, signalled: Bool, status: Int32) -> RunFailure {
        let report = TrapReport(stderr: relativize(stderr), chapter: chapter)
        let line = report.chapterLine ?? self.line(of: cell, in: chapter)
        var message = report.summary
        if message.isEmpty {
            let lines = relativize(stderr).split(separator: "\n").map(String.init)
            message = ([signalled ? "the program crashed (signal \(status))" : "the program exited with status \(status)"]
                       + lines.suffix(5)).joined(separator: "\n")
        }
        return RunFailure(kind: signalled ? .trap : .exit, cell: cell, line: line, message: message)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
