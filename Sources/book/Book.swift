import ArgumentParser
import BookEngine
import Foundation

@main
struct BookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Tangle, run, render and test the runnable book in Chapters/.",
        subcommands: [
            Init.self, Tangle.self, Check.self, Run.self, Render.self, Doctest.self, Serve.self, Freeze.self,
            Sections.self,
        ])
}

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "The book's root folder (holding Chapters/).")
    var root: String = FileManager.default.currentDirectoryPath

    var rootURL: URL { URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL }

    /// Loads the book, printing every problem and exiting non-zero if there are errors.
    func loadBook() throws -> Book {
        try handle { try BookLoader.load(root: rootURL) }
    }

    /// Runs an engine call; its diagnostics are printed and end the command with a failure.
    func handle<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let list as DiagnosticList {
            report(list.diagnostics)
            throw ExitCode.failure
        }
    }
}

/// Prints diagnostics to standard error as `file:line: severity: message`.
func report(_ diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics {
        FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
    }
}

/// Options of the subcommands that run chapter programs.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed passed to every chapter program.")
    var seed: UInt64 = 0

    @Option(help: "Epochs for every chapter program instead of the chapters' own settings.")
    var epochs: Int?

    @Flag(help: "Quick run: one epoch per training (for tests).")
    var quick = false

    @Flag(help: "Run every chapter again, even when its cached outputs are current.")
    var force = false

    @Option(
        help:
            "Seconds a chapter may run before it is stopped (default 600, or the chapter's own limit in book.json's timeLimits)."
    )
    var timeout: Double?

    @Option(help: "Megabytes of memory a chapter's program may use before it is stopped.")
    var memoryLimit: Int = RunSettings().memoryLimit >> 20

    @Option(help: "SwiftPM build folder for the chapter programs.")
    var scratchPath: String?

    func settings() -> RunSettings {
        var settings = RunSettings()
        settings.seed = seed
        if let epochs { settings.arguments = ["--epochs", "\(epochs)"] } else if quick { settings.quick = true }
        if let timeout {
            settings.timeout = timeout
            settings.usesBookTimeLimits = false
        }
        settings.memoryLimit = memoryLimit << 20
        settings.scratchPath = scratchPath
        return settings
    }

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if memoryLimit <= 0 { throw ValidationError("--memory-limit must be positive") }
    }
}

/// Selects chapters by name (all when none are given).
func select(_ names: [String], from book: Book) throws -> [Chapter] {
    do {
        return try BookBuild.select(names, from: book)
    } catch let list as DiagnosticList {
        throw ValidationError(list.diagnostics.map(\.message).joined(separator: "\n"))
    }
}
