import BookContract
import Foundation

/// How chapter programs are built and run.
public struct RunSettings: Sendable {
    /// Extra arguments for every chapter program (e.g. `--epochs 1` for a quick run).
    public var arguments: [String] = []
    /// Run with the book's quick settings (`book.json`'s `quickArguments`) instead of `arguments`.
    public var quick = false
    public var seed: UInt64 = 0
    /// Seconds a chapter may run before it is stopped (the whole book renders in minutes).
    public var timeout: Double = 600
    /// Whether `book.json`'s `timeLimits` for single chapters apply (not when `--timeout` is given).
    public var usesBookTimeLimits = true
    /// Resident memory a chapter's program may use before it is stopped.
    public var memoryLimit = 4 << 30
    /// Bytes a chapter's program may print in all before it is stopped.
    public var outputLimit = 64 << 20
    /// Bytes of one cell's output a page shows; the rest is cut, with a note.
    public var cellOutputLimit = 1 << 20
    /// SwiftPM's build folder, when not the default `.build`.
    public var scratchPath: String?
    /// `release` for real runs; tests of the engine use `debug` to build faster.
    public var configuration = "release"
    /// Where cached outputs live, relative to the book root.
    public var cacheFolder = ".build-book/outputs"
    /// Where chapter programs keep checkpoints (`Book.checkpoint`), relative to the book root.
    public var checkpointFolder = ".build-book/checkpoints"
    /// Sources (relative to the root) whose changes invalidate every chapter's outputs; nil means
    /// every folder of `Sources/` that a chapter program can link (all but the engine, the bench
    /// and the generated targets), `Package.swift` (less its generated chapter list) and the data.
    public var dependencies: [String]?

    public init() {}

    /// The settings with `quick` turned into the book's quick arguments.
    public func resolved(for book: Book) -> RunSettings {
        var settings = self
        if quick {
            settings.arguments = book.config.quickArguments
            settings.quick = false
        }
        return settings
    }
}

/// Builds each chapter's program in release mode, runs it in capture mode, and caches what
/// it printed under a hash of everything that can change it.
public final class ChapterRunner {
    public let book: Book
    public let settings: RunSettings
    /// Progress messages (building, running, cached).
    public var log: (String) -> Void = { print($0) }
    /// Where a running program's progress goes (its cells, its epochs), if anywhere.
    public var progress: Progress?

    public init(book: Book, settings: RunSettings) {
        self.book = book
        self.settings = settings.resolved(for: book)
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

    /// The cache key of a chapter's outputs: a hash of all its input parts.
    public func inputsHash(_ chapter: Chapter) -> String { Self.hash(of: inputs(chapter)) }

    static func hash(of inputs: [String: String]) -> String {
        var hash = ContentHash()
        for key in inputs.keys.sorted() {
            hash.add(key)
            hash.add(inputs[key]!)
        }
        return hash.hex
    }

    /// Everything that can change a chapter's outputs, part by part, each hashed: its cells, the
    /// library chapters its code reaches, the sources programs link, the settings, the toolchain.
    /// Prose, translations and chapters it does not reach are not among them.
    public func inputs(_ chapter: Chapter) -> [String: String] {
        func hashed(_ parts: String...) -> String {
            var hash = ContentHash()
            for part in parts { hash.add(part) }
            return String(hash.hex.prefix(16))
        }
        var parts: [String: String] = [:]
        parts["toolchain"] = hashed(toolchain)
        parts["arguments"] = hashed(programArguments.joined(separator: "\u{0}"))
        let config = book.config
        parts["settings"] = hashed(
            config.library, config.programsPath,
            (config.programImports + ["|"] + config.libraryImports + ["|"] + config.prologue).joined(separator: "\u{0}")
        )
        for cell in chapter.cells { parts["cell \(cell.id)"] = hashed("\(cell.index) \(cell.attributes)", cell.source) }
        for name in reach.libraryChapters(reachedBy: chapter.name) {
            guard let library = book.chapter(named: name) else { continue }
            parts["library \(library.path)"] = hashed(
                library.cells.filter(\.isSaved).map(\.source).joined(separator: "\u{0}"))
        }
        for dependency in dependencies { parts["sources \(dependency)"] = dependencyHashes[dependency] }
        return parts.compactMapValues { $0 }
    }

    /// Each cell's checkpoint key: a hash of every input but the cells, and the cells up to it.
    /// A checkpoint stored under it is valid exactly as long as what produced it is unchanged.
    public func cellKeys(_ chapter: Chapter) -> [Int: String] {
        let all = inputs(chapter)
        var hash = ContentHash()
        for key in all.keys.sorted() where !key.hasPrefix("cell ") {
            hash.add(key)
            hash.add(all[key]!)
        }
        var keys: [Int: String] = [:]
        for cell in chapter.cells.sorted(by: { $0.index < $1.index }) {
            hash.add("cell \(cell.id)")
            hash.add(all["cell \(cell.id)"] ?? "")
            keys[cell.index] = String(hash.hex.prefix(24))
        }
        return keys
    }

    /// The seconds a chapter may run: its own limit in `book.json`, else the default.
    public func timeLimit(_ chapter: Chapter) -> Double {
        settings.usesBookTimeLimits ? book.config.timeLimits[chapter.name] ?? settings.timeout : settings.timeout
    }

    /// Where a chapter's program keeps its checkpoints.
    func checkpointFolder(_ chapter: Chapter) -> URL {
        book.root.appendingPathComponent(settings.checkpointFolder).appendingPathComponent(chapter.name)
    }

    /// `book freeze`: keeps the chapter's current checkpoints with the book (`Chapters/frozen/`).
    public func freeze(_ chapter: Chapter) throws -> (written: [String], removed: [String]) {
        try FrozenCheckpoints(root: book.root).freeze(
            chapter.name, keys: Set(cellKeys(chapter).values), from: checkpointFolder(chapter))
    }

    private lazy var reach = LibraryReach(book: book)

    /// The folders and files whose changes invalidate every chapter (see `RunSettings.dependencies`).
    lazy var dependencies: [String] = {
        if let listed = settings.dependencies { return listed }
        let generated: Set<String> = [
            book.config.library,
            book.config.programsPath.split(separator: "/").dropFirst().first.map(String.init) ?? "",
        ]
        let engine: Set<String> = ["BookEngine", "book", "bench"]
        let sources =
            (try? FileManager.default.contentsOfDirectory(atPath: book.root.appendingPathComponent("Sources").path))
            ?? []
        return ["Package.swift", "Chapters/data"]
            + sources.sorted().filter { !generated.contains($0) && !engine.contains($0) && !$0.hasPrefix(".") }
            .map { "Sources/\($0)" }
    }()

    /// Each dependency's hash, computed once per runner.
    private lazy var dependencyHashes: [String: String] = {
        var out: [String: String] = [:]
        for dependency in dependencies {
            let url = book.root.appendingPathComponent(dependency)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
            var hash = ContentHash()
            if isDir.boolValue {
                hash.addFiles(under: url)
            } else if var text = try? String(contentsOf: url, encoding: .utf8) {
                // The tangler's chapter list in Package.swift: a new chapter re-runs only itself.
                if let begin = text.range(of: "// BEGIN chapter programs"),
                    let end = text.range(of: "// END chapter programs"), begin.upperBound < end.lowerBound
                {
                    text.removeSubrange(begin.upperBound..<end.lowerBound)
                }
                hash.add(text)
            }
            out[dependency] = String(hash.hex.prefix(16))
        }
        return out
    }()

    private var cache: OutputCache { OutputCache(folder: book.root.appendingPathComponent(settings.cacheFolder)) }

    /// The stored outputs of a chapter if they are still valid.
    public func cached(_ chapter: Chapter) -> ChapterRun? {
        guard let run = cache.entry(chapter.name, hash: inputsHash(chapter)), run.failure == nil else { return nil }
        return run
    }

    /// Why a chapter's outputs are current, or what changed since its last run with these settings.
    public func explain(_ chapter: Chapter) -> String {
        if let hit = cached(chapter) { return "unchanged since its run of \(Self.dateText(hit.record.date))" }
        guard let last = cache.latest(chapter.name, arguments: settings.arguments), !last.record.inputs.isEmpty else {
            return "no earlier run with these settings"
        }
        let now = inputs(chapter)
        let keys = Set(now.keys).union(last.record.inputs.keys).sorted()
        let changed = keys.filter { now[$0] != last.record.inputs[$0] }.map { key -> String in
            if now[key] == nil { return "\(key) (removed)" }
            if last.record.inputs[key] == nil { return "\(key) (new)" }
            return key
        }
        // Many changed cells read better as a count.
        let cells = changed.filter { $0.hasPrefix("cell ") }
        let shown = cells.count > 3 ? ["\(cells.count) cells"] + changed.filter { !$0.hasPrefix("cell ") } : changed
        return "changed since its run of \(Self.dateText(last.record.date)): "
            + (shown.isEmpty ? "nothing visible" : shown.joined(separator: ", "))
    }

    static func dateText(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: date)
    }

    /// Runs (or takes from the cache) each chapter. A chapter that fails does not stop the others;
    /// its run carries the last good run's outputs (`earlier`) for the page.
    public func run(_ chapters: [Chapter], force: Bool = false) -> [String: ChapterRun] {
        var runs: [String: ChapterRun] = [:]
        for chapter in chapters where chapter.hasProgram {
            if !force, let hit = cached(chapter) {
                log("\(chapter.name): outputs unchanged (cached)")
                runs[chapter.name] = hit
                continue
            }
            if !force {
                log(
                    "\(chapter.name): runs, because it \(explain(chapter).replacingOccurrences(of: "no earlier", with: "has no earlier"))"
                )
            }
            var run = buildAndRun(chapter)
            if run.failure == nil {
                store(run)
            } else if let last = cache.latest(chapter.name, arguments: settings.arguments) {
                run.earlier = EarlierRun(date: last.record.date, cells: last.cells, values: last.values)
            }
            runs[chapter.name] = run
        }
        return runs
    }

    private func store(_ run: ChapterRun) {
        do {
            try cache.store(run)
        } catch {
            log("warning: cannot cache the outputs of \(run.chapter): \(error)")
        }
    }

    private func record(_ chapter: Chapter, seconds: Double) -> RunRecord {
        let inputs = inputs(chapter)
        return RunRecord(
            date: Date(), seed: settings.seed, arguments: settings.arguments, toolchain: toolchain,
            inputsHash: Self.hash(of: inputs), seconds: seconds, inputs: inputs)
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
            let run = execute(chapter, extraArguments: [CaptureProtocol.trapCellFlag, "\(cell.index)"])
            guard let failure = run.failure else { return nil }
            return failure.kind == .trap
                ? failure.message : "the program failed otherwise (\(failure.kind.rawValue)):\n\(failure.message)"
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
            let progress = self.progress
            progress?.building(chapter.name)
            defer { progress?.finished() }
            let name = chapter.name  // the line handler is @Sendable: it captures the name, not the chapter
            var onLine: (@Sendable (Substring) -> Void)?
            if let progress { onLine = { line in progress.building(name, line: line) } }
            let build = try Subprocess.run(
                swift, buildArguments + ["--product", chapter.name], in: book.root,
                onStdoutLine: onLine)
            return build.status == 0 ? nil : compileFailure(chapter, build.stdout + build.stderr)
        } catch {
            return RunFailure(kind: .compile, cell: nil, line: nil, message: "cannot start `swift build`: \(error)")
        }
    }

    /// Type-checks `source` alone against the built library modules; the compiler's output
    /// and whether it succeeded. (For `compile-fail` doctests.)
    public func typecheck(_ source: String) throws -> (succeeded: Bool, output: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "book-typecheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cell.swift")
        try source.write(to: file, atomically: true, encoding: .utf8)
        var arguments = ["-frontend", "-typecheck", file.path, "-I", "\(binPath)/Modules", "-I", binPath]
        // System-library modules (cmark, BLAS) that the library's modules import.
        if let sources = try? FileManager.default.contentsOfDirectory(
            atPath: book.root.appendingPathComponent("Sources").path)
        {
            for name in sources.sorted() {
                let map = book.root.appendingPathComponent("Sources/\(name)/module.modulemap")
                if FileManager.default.fileExists(atPath: map.path) {
                    arguments += ["-Xcc", "-fmodule-map-file=\(map.path)"]
                }
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
        let token = CaptureParser.newToken()
        progress?.running(
            chapter.name, estimate: cache.latest(chapter.name, arguments: settings.arguments)?.record.seconds)
        defer { progress?.finished() }
        let result: Subprocess.Result
        do {
            let checkpoints = checkpointFolder(chapter)
            let keys = cellKeys(chapter)
            FrozenCheckpoints(root: book.root).thaw(chapter.name, keys: Set(keys.values), into: checkpoints)
            result = try Subprocess.run(
                program, programArguments + extraArguments, in: book.root,
                environment: CaptureParser.environment(folder: figures, token: token).merging([
                    RunContract.checkpointFolderKey: checkpoints.path,
                    RunContract.cellKeysKey: RunContract.cellKeys(keys),
                ]) { $1 },
                timeout: timeLimit(chapter), memoryLimit: settings.memoryLimit, outputLimit: settings.outputLimit,
                onStdoutLine: progressOfStdout(chapter, token: token),
                onStderrLine: progressOfStderr())
        } catch {
            return ChapterRun(
                chapter: chapter.name, cells: [],
                failure: RunFailure(
                    kind: .exit, cell: nil, line: nil,
                    message: "cannot start \(program): \(error)"), record: record(chapter, seconds: 0))
        }
        var parsed = CaptureParser.parse(
            result.stdout, figures: figures, token: token, cellLimit: settings.cellOutputLimit)
        for restored in Self.restoredCheckpoints(in: figures) {
            guard let i = parsed.cells.firstIndex(where: { $0.index == restored.cell }) else { continue }
            parsed.cells[i].restored.append(restored)
        }
        var failure: RunFailure?
        let at = line(of: parsed.unfinishedCell, in: chapter)
        if result.timedOut {
            failure = RunFailure(
                kind: .timeout, cell: parsed.unfinishedCell, line: at,
                message: "stopped after \(Int(timeLimit(chapter))) s (the time limit; `--timeout SECONDS` changes it)")
        } else if result.memoryExceeded {
            failure = RunFailure(
                kind: .exit, cell: parsed.unfinishedCell, line: at,
                message:
                    "stopped: it used more than \(settings.memoryLimit >> 20) MB of memory (the memory limit; `--memory-limit MB` changes it)"
            )
        } else if result.outputExceeded {
            failure = RunFailure(
                kind: .exit, cell: parsed.unfinishedCell, line: at,
                message: "stopped: it printed more than \(settings.outputLimit >> 20) MB (the output limit)")
        } else if result.status != 0 || result.signalled {
            failure = trapFailure(
                chapter, stderr: result.stderr, cell: parsed.unfinishedCell, signalled: result.signalled,
                status: result.status)
        }
        return ChapterRun(
            chapter: chapter.name, cells: parsed.cells, failure: failure,
            record: record(chapter, seconds: result.seconds),
            values: Self.recordedValues(in: figures))
    }

    /// Follows a running program's standard output: the cell it is in, its epoch lines.
    private func progressOfStdout(_ chapter: Chapter, token: String) -> (@Sendable (Substring) -> Void)? {
        guard let progress else { return nil }
        let begin = CaptureProtocol.prefix(token: token) + "begin "
        let lines = Dictionary(chapter.cells.map { ($0.index, chapter.location($0.codeLine).description) }) { a, _ in a
        }
        return { line in
            if line.hasPrefix(begin), let index = Int(line.dropFirst(begin.count)) {
                progress.cell(index, at: lines[index] ?? chapter.path)
            } else {
                progress.programLine(line, isReport: false)
            }
        }
    }

    /// Follows a running program's progress reports (`Book.progress`) on standard error.
    private func progressOfStderr() -> (@Sendable (Substring) -> Void)? {
        guard let progress else { return nil }
        return { line in
            if line.hasPrefix(CaptureProtocol.progressPrefix) {
                progress.programLine(line.dropFirst(CaptureProtocol.progressPrefix.count), isReport: true)
            }
        }
    }

    /// The checkpoints the program restored instead of computing them.
    static func restoredCheckpoints(in captureFolder: URL) -> [RestoredCheckpoint] {
        guard
            let data = FileManager.default.contents(
                atPath: captureFolder.appendingPathComponent(RunContract.restoredFile).path)
        else { return [] }
        return (try? decoder.decode([RestoredCheckpoint].self, from: data)) ?? []
    }

    /// The values the program recorded for the prose (none if it recorded none).
    static func recordedValues(in captureFolder: URL) -> [String: RecordedValue] {
        guard
            let data = FileManager.default.contents(
                atPath: captureFolder.appendingPathComponent(RunContract.valuesFile).path),
            let values = try? decoder.decode([String: RecordedValue].self, from: data)
        else { return [:] }
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
            let range = first.range(of: marker)
        {
            line = Int(first[range.upperBound...].prefix { $0.isNumber })
            cell = line.flatMap(chapter.cell(atLine:))?.index
        }
        let message = (errors.isEmpty ? Array(lines.suffix(20)) : errors).joined(separator: "\n")
        return RunFailure(kind: .compile, cell: cell, line: line, message: message)
    }

    func trapFailure(_ chapter: Chapter, stderr: String, cell: Int?, signalled: Bool, status: Int32) -> RunFailure {
        let stderr = stderr.split(separator: "\n").filter { !$0.hasPrefix(CaptureProtocol.progressPrefix) }.joined(
            separator: "\n")
        let report = TrapReport(stderr: relativize(stderr), chapter: chapter)
        let line = report.chapterLine ?? self.line(of: cell, in: chapter)
        var message = report.summary
        if message.isEmpty {
            let lines = relativize(stderr).split(separator: "\n").map(String.init)
            message =
                ([signalled ? "the program crashed (signal \(status))" : "the program exited with status \(status)"]
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
