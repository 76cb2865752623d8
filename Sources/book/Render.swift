import ArgumentParser
import BookEngine
import Foundation

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the chapters (reusing cached outputs) and render the HTML book.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: RunOptions

    @Option(help: "Folder to write the site into (replaced only once the new site is complete).")
    var output = "site"

    func run() throws {
        let clock = Date()
        let book = try common.loadBook()
        // The translations (book.json's languages after the first) are rendered into site/<code>/.
        let translated = TranslationLoader.load(book)
        let problems = BookChecker(book: book).run(includeGeneratedSources: false, translations: translated)
        report(problems)
        // Errors in the original stop here; errors in a translation do not keep the chapters
        // from running and rendering (the command still fails at the end).
        let translationFolders = book.config.languages.dropFirst().map { "\(BookLoader.chaptersFolder)/\($0.code)/" }
        let errors = problems.filter { $0.severity == .error }
        let translationErrors = errors.filter { error in translationFolders.contains { error.location.file.hasPrefix($0) } }
        if errors.count > translationErrors.count { throw ExitCode.failure }
        let translations = book.config.languages.dropFirst().compactMap { translated.books[$0.code] }
        try Tangler(book: book).write()

        let runner = ChapterRunner(book: book, settings: options.settings(book))
        let runs = runner.run(book.chapters, force: options.force)
        let failures = book.chapters.compactMap { chapter in runs[chapter.name]?.failure?.diagnostic(in: chapter) }

        let site = URL(fileURLWithPath: output, relativeTo: common.rootURL).standardizedFileURL
        var siteOptions = SiteOptions(bookRoot: book.root)
        report(siteOptions.findDownloadTools())
        let renderer = SiteRenderer(book: book, runs: runs, options: siteOptions, translations: translations)
        let warnings = try renderer.render(into: site)
        report(warnings)
        report(failures)
        let languages = translations.isEmpty ? "" : " (and \(translations.count) translation\(translations.count == 1 ? "" : "s"))"
        print(String(format: "rendered %d chapters%@ into %@ in %.1f s", book.chapters.count, languages, output,
                     Date().timeIntervalSince(clock)))
        if !translationErrors.isEmpty {
            FileHandle.standardError.write(Data("\(translationErrors.count) error(s) in translations (listed above)\n".utf8))
        }
        if !failures.isEmpty || !translationErrors.isEmpty { throw ExitCode.failure }
    }
}

struct Doctest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every cell whose expected output is written in its chapter.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: RunOptions

    @Argument(help: "Chapters to test (all by default).")
    var chapters: [String] = []

    func run() throws {
        let book = try common.loadBook()
        try Tangler(book: book).write()
        var settings = options.settings(book)
        if options.epochs == nil { settings.arguments = book.config.quickArguments }  // doctests use small settings
        let runner = ChapterRunner(book: book, settings: settings)
        runner.log = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        let results = DoctestRunner(runner: runner).run(try select(chapters, from: book))
        for result in results {
            if result.passed {
                print("ok    \(result.location) (cell \(result.cell))")
            } else {
                print("FAIL  \(result.location) (cell \(result.cell))")
                report([Diagnostic(result.location, "doctest of cell \(result.cell) failed\n\(result.detail)")])
            }
        }
        let failed = results.filter { !$0.passed }.count
        print("doctest: \(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }
}
