import Foundation

/// The book's pipeline and its policy, in one place for `book render`, `run`, `doctest` and
/// `serve` (in the spirit of mdBook's `MDBook::build`): load, check, tangle, build and run,
/// render, doctest.
///
/// What blocks what:
/// - errors in the original's sources stop before anything is written;
/// - errors in a translation do not keep the chapters from running and rendering (the outcome
///   still fails);
/// - a chapter that fails does not stop the others, and its page shows the failure;
/// - a broken site (a link to nowhere) keeps the previous site in place;
/// - a run that disagrees with the text (an output block, a claim in the prose) is written onto
///   the pages, and the outcome fails.
public final class BookBuild {
    public let root: URL
    public var settings: RunSettings
    /// Progress and notes (building, running which cell, epochs, cached, why a chapter runs).
    public var progress = Progress.forStandardError()
    public var log: (String) -> Void { { [progress] in progress.note($0) } }

    public init(root: URL, settings: RunSettings) {
        self.root = root
        self.settings = settings
    }

    /// The book, its translations, and what checking them found.
    public struct Loaded {
        public var book: Book
        /// The translated books, in `book.json`'s order.
        public var translations: [Book]
        /// Warnings and errors of the book and its translations.
        public var diagnostics: [Diagnostic]
        /// The errors that are in translations (they fail the outcome but block nothing).
        public var translationErrors: [Diagnostic]
    }

    /// What a command did: every diagnostic to report, the runs, and whether it failed.
    public struct Outcome {
        public var diagnostics: [Diagnostic] = []
        public var runs: [String: ChapterRun] = [:]
        public var failed: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Loads and checks the book and its translations; throws `DiagnosticList` when the
    /// original has errors (nothing is written then).
    public func load() throws -> Loaded {
        let book = try BookLoader.load(root: root)
        let translated = TranslationLoader.load(book)
        let problems = BookChecker(book: book).run(includeGeneratedSources: false, translations: translated)
        let folders = book.config.languages.dropFirst().map { "\(BookLoader.chaptersFolder)/\($0.code)/" }
        let errors = problems.filter { $0.severity == .error }
        let translationErrors = errors.filter { error in folders.contains { error.location.file.hasPrefix($0) } }
        if errors.count > translationErrors.count { throw DiagnosticList(problems) }
        let translations = book.config.languages.dropFirst().compactMap { translated.books[$0.code] }
        return Loaded(
            book: book, translations: translations, diagnostics: problems, translationErrors: translationErrors)
    }

    /// The chapters named (all when none are), or an error naming the unknown one.
    public static func select(_ names: [String], from book: Book) throws -> [Chapter] {
        if names.isEmpty { return book.chapters }
        return try names.map { name in
            guard let chapter = book.chapter(named: name) else {
                throw DiagnosticList([
                    Diagnostic(
                        SourceLocation(file: "\(BookLoader.chaptersFolder)/SUMMARY.md", line: 0),
                        "no chapter named '\(name)' (chapters: \(book.chapters.map(\.name).joined(separator: ", ")))")
                ])
            }
            return chapter
        }
    }

    /// Tangles the generated sources, then builds and runs the chapters (cached outputs reused).
    public func run(_ loaded: Loaded, chapters: [Chapter], force: Bool = false) throws -> (
        runner: ChapterRunner, runs: [String: ChapterRun]
    ) {
        try Tangler(book: loaded.book).write()
        let runner = ChapterRunner(book: loaded.book, settings: settings)
        runner.log = log
        runner.progress = progress
        return (runner, runner.run(chapters, force: force))
    }

    /// Runs the named chapters (all when none are) and renders the site into `site`. With names,
    /// the other chapters do not run and their pages in `site` are left as they are.
    public func render(
        into site: URL, chapters names: [String] = [], force: Bool = false,
        siteOptions: SiteOptions? = nil
    ) throws -> Outcome {
        var outcome = Outcome()
        let loaded = try load()
        outcome.diagnostics += loaded.diagnostics
        let book = loaded.book
        let selected = try Self.select(names, from: book)
        let (runner, runs) = try run(loaded, chapters: selected, force: force)
        outcome.runs = runs
        var shown = runs
        let kept = Set(book.chapters.map(\.name)).subtracting(selected.map(\.name))
        for chapter in book.chapters where kept.contains(chapter.name) {
            shown[chapter.name] = runner.cached(chapter)
        }
        var renderer = SiteRenderer(
            book: book, runs: shown, options: siteOptions ?? SiteOptions(bookRoot: book.root),
            translations: loaded.translations)
        renderer.keptPages = kept
        renderer.log = log
        outcome.diagnostics += try renderer.render(into: site)
        outcome.diagnostics += selected.compactMap { chapter in runs[chapter.name]?.failure?.diagnostic(in: chapter) }
        return outcome
    }

    /// Runs every doctest of the named chapters (all when none are), with the book's quick
    /// settings unless the settings name epochs.
    public func doctest(chapters names: [String]) throws -> [DoctestResult] {
        let loaded = try load()
        try Tangler(book: loaded.book).write()
        let runner = ChapterRunner(book: loaded.book, settings: settings)
        runner.log = log
        runner.progress = progress
        return DoctestRunner(runner: runner).run(try Self.select(names, from: loaded.book))
    }
}
