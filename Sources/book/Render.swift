import ArgumentParser
import BookEngine
import Foundation

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the chapters (reusing cached outputs) and render the HTML book.",
        discussion:
            "With chapter names, only those chapters run and only their pages change; the rest of the site stays as it is."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: RunOptions

    @Option(help: "Folder to write the site into (replaced only once the new site is complete).")
    var output = "site"

    @Flag(help: "Say, for every chapter, why it runs again or why its cached outputs are current.")
    var explain = false

    @Flag(help: "Also ask every web address the book links to whether it answers (needs the network).")
    var checkLinks = false

    @Argument(help: "Chapters to run and render (all by default).")
    var chapters: [String] = []

    func run() throws {
        let clock = Date()
        let build = BookBuild(root: common.rootURL, settings: options.settings())
        if explain {
            let loaded = try common.handle { try build.load() }
            let runner = ChapterRunner(book: loaded.book, settings: build.settings)
            for chapter in try common.handle({ try BookBuild.select(chapters, from: loaded.book) }) {
                print("\(chapter.name): \(runner.explain(chapter))")
            }
        }
        let site = URL(fileURLWithPath: output, relativeTo: common.rootURL).standardizedFileURL
        var siteOptions = SiteOptions(bookRoot: common.rootURL)
        report(siteOptions.findDownloadTools())  // the PDF and the chapter packages, when this machine can make them
        let outcome = try common.handle {
            try build.render(into: site, chapters: chapters, force: options.force, siteOptions: siteOptions)
        }
        report(outcome.diagnostics)
        var linkErrors: [Diagnostic] = []
        if checkLinks {
            linkErrors = ExternalLinkChecker().check(LinkChecker(site: site, displayName: output).externalLinks())
            report(linkErrors)
        }
        let failures = outcome.diagnostics.filter { $0.severity == .error }.count + linkErrors.count
        print(
            String(
                format: "rendered %@ into %@ in %.1f s",
                chapters.isEmpty ? "the book" : chapters.joined(separator: ", "),
                output, Date().timeIntervalSince(clock)))
        if failures > 0 {
            FileHandle.standardError.write(Data("\(failures) error(s), listed above\n".utf8))
            throw ExitCode.failure
        }
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
        var settings = options.settings()
        if options.epochs == nil { settings.quick = true }  // doctests use small settings
        let build = BookBuild(root: common.rootURL, settings: settings)
        let results = try common.handle { try build.doctest(chapters: chapters) }
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
