import ArgumentParser
import BookContract

/// The command line every chapter program accepts.
public struct ChapterOptions: ParsableArguments {
    @Option(help: "Train for this many epochs instead of the chapter's setting (e.g. 5 for a quick look).")
    public var epochs: Int?

    @Option(help: "Seed of the random number generator; the same seed gives the same numbers.")
    public var seed: UInt64 = 0

    /// Used by `book doctest`: run the chapter up to this cell, which is expected to trap.
    @Option(name: .customLong(String(CaptureProtocol.trapCellFlag.dropFirst(2))), help: .hidden)
    public var trapCell: Int?

    public init() {}

    public mutating func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    }
}

extension ChapterOptions {
    /// The chapter program as a command, so `--help` and errors name the program
    /// (`USAGE: deep-rnn [--epochs <epochs>] ...`) and say what the chapter is.
    struct Command: ParsableCommand {
        /// Set once, before parsing, by `ChapterOptions.parse(name:about:arguments:)`.
        nonisolated(unsafe) static var name = "chapter"
        nonisolated(unsafe) static var about = ""

        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: name, abstract: about)
        }

        @OptionGroup var options: ChapterOptions
    }

    /// The options of the chapter program `name` from `arguments`; prints the help or the error
    /// and exits on `--help` or a bad argument.
    public static func parse(name: String, about: String, arguments: [String]) -> ChapterOptions {
        Command.name = name
        Command.about = about
        do {
            return try Command.parse(arguments).options
        } catch {
            Command.exit(withError: error)
        }
    }

    /// What `--help` prints for the chapter program `name`.
    public static func help(name: String, about: String) -> String {
        Command.name = name
        Command.about = about
        return Command.helpMessage()
    }
}
