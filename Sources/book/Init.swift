import ArgumentParser
import BookEngine
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new book: Package.swift, a first chapter, SUMMARY.md, book.json and ./render.sh.")

    @Argument(help: "The new book's folder (must not exist, or be empty).")
    var folder: String

    @Option(help: "The book's title.")
    var title = "My Runnable Book"

    @Option(help: "The library target built from the `save` cells (default: from the folder's name).")
    var library: String?

    @Option(help: "This engine's package folder, which the new book depends on by path.")
    var engine: String = BookCommand.enginePath

    func run() throws {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        let template = BookTemplate(
            title: title, library: library ?? BookTemplate.libraryName(for: url.lastPathComponent),
            engine: URL(fileURLWithPath: engine, isDirectory: true))
        do {
            try template.write(into: url)
        } catch let list as DiagnosticList {
            report(list.diagnostics)
            throw ExitCode.failure
        }
        print(
            """
            wrote a new book into \(folder) (library \(template.library), engine \(template.engine.path))
              cd \(folder) && ./render.sh        # run the chapters and render site/
              cd \(folder) && ./render.sh test   # check, doctests, quick render
            """)
    }
}

extension BookCommand {
    /// The engine's package folder, from where this file was compiled (Sources/book/Init.swift).
    static let enginePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}
