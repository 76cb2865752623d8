import ArgumentParser
import BookEngine
import Foundation

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build and run chapters in capture mode and print each cell's output.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: RunOptions

    @Argument(help: "Chapters to run (all by default).")
    var chapters: [String] = []

    func run() throws {
        let build = BookBuild(root: common.rootURL, settings: options.settings())
        let loaded = try common.handle { try build.load() }
        report(loaded.diagnostics)
        let selected = try common.handle { try BookBuild.select(chapters, from: loaded.book) }
        let runs = try common.handle { try build.run(loaded, chapters: selected, force: options.force).runs }
        var failed = false
        for chapter in selected {
            guard let run = runs[chapter.name] else { continue }
            for cell in run.cells {
                print(
                    "--- \(chapter.path) cell \(cell.index)\(cell.seconds.map { String(format: " (%.2f s)", $0) } ?? "")"
                )
                for item in cell.items {
                    switch item {
                    case .text(let text): print(text, terminator: "")
                    case .figure(let svg): print("[figure: \(svg.utf8.count) bytes of SVG]")
                    }
                }
            }
            if let failure = run.failure {
                failed = true
                report([failure.diagnostic(in: chapter)])
            }
        }
        if failed { throw ExitCode.failure }
    }
}
