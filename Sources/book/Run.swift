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
        let book = try common.loadBook()
        try Tangler(book: book).write()
        let runner = ChapterRunner(book: book, settings: options.settings(book))
        let selected = try select(chapters, from: book)
        let runs = runner.run(selected, force: options.force)
        var failed = false
        for chapter in selected {
            guard let run = runs[chapter.name] else { continue }
            for cell in run.cells {
                print("--- \(chapter.path) cell \(cell.index)\(cell.seconds.map { String(format: " (%.2f s)", $0) } ?? "")")
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
