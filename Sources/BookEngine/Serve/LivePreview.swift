import Foundation

/// The engine behind `book serve`: renders the book into the served site after every change of
/// `Chapters/`, at once with the outputs it already has, and re-runs the chapters whose cells
/// changed on a worker thread; their pages meanwhile keep the previous outputs, marked stale
/// (through `state`), and the new outputs swap in when the run ends.
///
/// A prose edit therefore costs one load and one render, never a build. Each render goes to a
/// staging folder and only the files whose bytes changed are renamed into the site.
public final class LivePreview: @unchecked Sendable {
    public let root: URL
    public let site: URL
    public let settings: RunSettings
    public let siteOptions: SiteOptions
    /// What the served pages' script polls.
    public let state = ReloadState()
    /// Progress of chapter builds and runs (the driver's).
    public var progress: Progress {
        get { driver.progress }
        set { driver.progress = newValue }
    }
    /// Whether chapters whose cells changed are re-run; when false, pages show the cached outputs
    /// (`book serve --no-run`, for writing prose on a machine that should not train).
    public var runsChapters = true

    // Shared with the worker thread, under `lock`.
    private let lock = NSLock()
    /// The latest outputs of each chapter, and the cells they came from (`signature`).
    private var runs: [String: ChapterRun] = [:]
    private var ranSignature: [String: String] = [:]
    /// Chapters waiting to run, and the one running now.
    private var queue: [String] = []
    private var running: String?
    private var workerActive = false
    private var latest: BookBuild.Loaded?
    private var runFinished = false
    private var stopping = false
    /// Whether the site holds a full render (theme and KaTeX included); main thread only.
    private var hasRendered = false
    /// Site folders only a full render writes.
    static let sharedFolders = ["theme/", "katex/"]

    /// Loads, checks, tangles and runs as every other command does.
    private let driver: BookBuild

    public init(root: URL, site: URL, settings: RunSettings, siteOptions: SiteOptions) {
        driver = BookBuild(root: root, settings: settings)
        self.root = root
        self.site = site
        self.settings = settings
        self.siteOptions = siteOptions
    }

    /// Why `site` may not be served into (the book's own folders, or files the renderer did not make).
    public static func siteProblem(_ site: URL, root: URL) -> String? { GeneratedFolders.siteProblem(site, root: root) }

    /// Whether a chapter run ended since the last `update` (its outputs are waiting to be shown).
    public var hasFinishedRuns: Bool { lock.withLock { runFinished } }

    /// Whether a chapter is running or waiting to run.
    public var isRunning: Bool { lock.withLock { running != nil || !queue.isEmpty } }

    /// Renders the book as it is now and publishes what changed; queues the chapters whose cells
    /// changed. Returns the site files that changed. Errors are published, never thrown: the
    /// previous site stays served.
    @discardableResult
    public func update() -> [String] {
        lock.withLock { runFinished = false }
        // The driver's load and policy: errors in the original stop here (the last good site stays
        // served); errors in a translation are shown, and the original renders.
        let loaded: BookBuild.Loaded
        do {
            loaded = try driver.load()
        } catch let list as DiagnosticList {
            return fail(list.diagnostics.filter { $0.severity == .error })
        } catch {
            return fail([Diagnostic(SourceLocation(file: BookLoader.chaptersFolder, line: 0), "\(error)")])
        }
        let book = loaded.book, translations = loaded.translations, errors = loaded.translationErrors
        let current = queueChangedChapters(of: loaded)

        let stage = root.appendingPathComponent(".build-book/serve-stage/site")
        var changed: [String] = []
        var diagnostics =
            errors + book.chapters.compactMap { chapter in current[chapter.name]?.failure?.diagnostic(in: chapter) }
        // After the first render the theme and KaTeX are in the site: they are neither copied
        // again nor removed, and the links are checked once the page is shown (below).
        let quick = hasRendered
        do {
            // The staging folder is serve's own; a quick pass leaves it without the theme, which
            // the renderer's check of the folder it replaces would take for someone else's files.
            try? FileManager.default.removeItem(at: stage)
            var options = siteOptions
            options.previewPass = quick
            let renderer = SiteRenderer(book: book, runs: current, options: options, translations: translations)
            diagnostics += try renderer.render(into: stage).filter { $0.severity == .error }
            if let problem = Self.siteProblem(site, root: root) {
                throw DiagnosticList([Diagnostic(SourceLocation(file: site.lastPathComponent, line: 0), problem)])
            }
            changed = try SiteSync.sync(stage, into: site, keeping: quick ? Self.sharedFolders : [])
            hasRendered = true
        } catch let list as DiagnosticList {
            diagnostics += list.diagnostics.filter { $0.severity == .error }
        } catch {
            diagnostics.append(Diagnostic(SourceLocation(file: site.lastPathComponent, line: 0), "\(error)"))
        }
        state.publish(changed: changed, running: runningChapters(), errors: diagnostics.map(\.description))
        startWorker()
        if quick && !changed.isEmpty {
            let links = LinkChecker(
                site: site, displayName: site.lastPathComponent, forbiddenStrings: [root.standardizedFileURL.path]
            )
            .check().filter { $0.severity == .error }
            if !links.isEmpty {
                state.publish(changed: [], running: runningChapters(), errors: (diagnostics + links).map(\.description))
            }
        }
        return changed
    }

    /// Stops the worker: the chapter build or program running now is interrupted (its outputs
    /// are not kept), and waits (up to `timeout` s) for it.
    public func stop(timeout: Double = 2) {
        lock.withLock {
            stopping = true
            queue.removeAll()
        }
        Subprocess.running.signalAll(SIGINT)
        let deadline = Date().addingTimeInterval(timeout)
        while lock.withLock({ workerActive }), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }

    private func fail(_ diagnostics: [Diagnostic]) -> [String] {
        state.publish(changed: [], running: runningChapters(), errors: diagnostics.map(\.description))
        return []
    }

    /// What a chapter's outputs depend on in the book: its cells and the library's.
    static func signature(of chapter: Chapter, in book: Book) -> String {
        var hash = ContentHash()
        for cell in chapter.cells {
            hash.add("\(cell.index) \(cell.attributes)")
            hash.add(cell.source)
        }
        for (owner, cell) in book.libraryCells {
            hash.add(owner.path)
            hash.add(cell.source)
        }
        return hash.hex
    }

    /// Queues every chapter whose outputs are not those of its current cells (taking valid
    /// cached outputs on the way) and returns the outputs to render with now.
    private func queueChangedChapters(of loaded: BookBuild.Loaded) -> [String: ChapterRun] {
        let book = loaded.book
        let signatures = Dictionary(book.chapters.map { ($0.name, Self.signature(of: $0, in: book)) }) { a, _ in a }
        let firstTime = lock.withLock { latest == nil }
        var cachedRuns: [String: ChapterRun] = [:]
        if firstTime {
            // The first render shows what the cache holds; only what is missing or out of date runs.
            let runner = ChapterRunner(book: book, settings: settings)
            for chapter in book.chapters { cachedRuns[chapter.name] = runner.cached(chapter) }
        }
        return lock.withLock {
            latest = loaded
            for (name, run) in cachedRuns {
                runs[name] = run
                ranSignature[name] = signatures[name]
            }
            queue.removeAll { signatures[$0] == nil }
            // A chapter with nothing to run (prose only, `norun` cells) never waits for a run.
            for chapter in book.chapters
            where chapter.hasProgram && ranSignature[chapter.name] != signatures[chapter.name] {
                if !queue.contains(chapter.name) && running != chapter.name { queue.append(chapter.name) }
            }
            return runs.filter { signatures[$0.key] != nil }
        }
    }

    private func runningChapters() -> [String] {
        lock.withLock { runsChapters ? (running.map { [$0] } ?? []) + queue : [] }
    }

    private func startWorker() {
        let start = lock.withLock { () -> Bool in
            guard runsChapters, !workerActive, !queue.isEmpty, !stopping else { return false }
            workerActive = true
            return true
        }
        guard start else { return }
        let thread = Thread { [self] in work() }
        thread.name = "book serve: chapter runs"
        thread.start()
    }

    /// Runs queued chapters one at a time (building needs the tangled sources of one book state).
    private func work() {
        while true {
            let next = lock.withLock { () -> (String, BookBuild.Loaded)? in
                guard !stopping, !queue.isEmpty, let loaded = latest else {
                    workerActive = false
                    running = nil
                    return nil
                }
                let name = queue.removeFirst()
                running = name
                return (name, loaded)
            }
            guard let (name, loaded) = next else { return }
            guard let chapter = loaded.book.chapter(named: name) else { continue }
            let signature = Self.signature(of: chapter, in: loaded.book)
            var run: ChapterRun?
            do {
                run = try driver.run(loaded, chapters: [chapter]).runs[name]
            } catch {
                // Shown on the page like a compile error, and not retried until the cells change.
                run = ChapterRun(
                    chapter: name, cells: [],
                    failure: RunFailure(
                        kind: .compile, cell: nil, line: nil,
                        message: "cannot write the generated sources: \(error)"),
                    record: RunRecord(
                        date: Date(), seed: settings.seed, arguments: settings.arguments,
                        toolchain: "", inputsHash: "", seconds: 0))
            }
            lock.withLock {
                running = nil
                if !stopping {
                    runs[name] = run
                    ranSignature[name] = signature
                }
                runFinished = true
            }
        }
    }
}
