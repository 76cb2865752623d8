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
