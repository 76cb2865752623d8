import BookContract
import Foundation

/// What one run of a chapter's program produced, cell by cell.
public struct ChapterRun: Codable, Sendable {
    public var chapter: String
    /// Outputs of the cells that ran, by cell index.
    public var cells: [CellOutput]
    /// Set when the program failed to build or trapped.
    public var failure: RunFailure?
    public var record: RunRecord
    /// The values the cells recorded for the prose (`Book.record`), by name.
    public var values: [String: RecordedValue]
    /// For a failed run: the last good run with the same settings, whose outputs the page shows
    /// (marked as earlier) for the cells this run did not reach. Never cached.
    public var earlier: EarlierRun?

    public init(
        chapter: String, cells: [CellOutput], failure: RunFailure?, record: RunRecord,
        values: [String: RecordedValue] = [:]
    ) {
        self.chapter = chapter
        self.cells = cells
        self.failure = failure
        self.record = record
        self.values = values
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chapter = try c.decode(String.self, forKey: .chapter)
        cells = try c.decode([CellOutput].self, forKey: .cells)
        failure = try c.decodeIfPresent(RunFailure.self, forKey: .failure)
        record = try c.decode(RunRecord.self, forKey: .record)
        values = try c.decodeIfPresent([String: RecordedValue].self, forKey: .values) ?? [:]
        earlier = nil
    }

    private enum CodingKeys: String, CodingKey { case chapter, cells, failure, record, values }

    public func output(ofCell index: Int) -> CellOutput? { cells.first { $0.index == index } }
}

/// The output of one cell: text and figures in the order the cell produced them.
public struct CellOutput: Codable, Sendable, Equatable {
    public var index: Int
    public var items: [OutputItem]
    /// Wall-clock seconds the cell took (nil when it did not finish).
    public var seconds: Double?
    /// For a `trap` or `compile-fail` cell: whether its check ran, and the runtime's or the
    /// compiler's message (nil when the cell ran or compiled normally).
    public var expectedFailureChecked = false
    public var failureMessage: String?
    /// Checkpoints the cell restored instead of computing them (`Book.checkpoint`).
    public var restored: [RestoredCheckpoint] = []

    public init(index: Int, items: [OutputItem], seconds: Double?) {
        self.index = index
        self.items = items
        self.seconds = seconds
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        items = try c.decode([OutputItem].self, forKey: .items)
        seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
        expectedFailureChecked = try c.decodeIfPresent(Bool.self, forKey: .expectedFailureChecked) ?? false
        failureMessage = try c.decodeIfPresent(String.self, forKey: .failureMessage)
        restored = try c.decodeIfPresent([RestoredCheckpoint].self, forKey: .restored) ?? []
    }

    /// All text items joined: what the cell printed.
    public var text: String {
        items.compactMap { if case .text(let t) = $0 { return t } else { return nil } }.joined()
    }
}

public enum OutputItem: Codable, Sendable, Equatable {
    case text(String)
    /// An SVG figure's markup.
    case figure(svg: String)
}

/// Why a chapter's program did not finish.
public struct RunFailure: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case compile, trap, timeout, exit }
    public var kind: Kind
    /// The cell that failed, when known.
    public var cell: Int?
    /// The chapter line the failure points at, when known.
    public var line: Int?
    /// The compiler's or runtime's message, with build-machine paths removed.
    public var message: String

    public init(kind: Kind, cell: Int?, line: Int?, message: String) {
        self.kind = kind
        self.cell = cell
        self.line = line
        self.message = message
    }

    /// The failure as an error at its chapter line (`Chapters/x.md:12: error: cell 3 failed (trap): ...`).
    public func diagnostic(in chapter: Chapter) -> Diagnostic {
        let what = cell.map { "cell \($0) " } ?? ""
        return Diagnostic(chapter.location(line ?? 0), "\(what)failed (\(kind.rawValue)): \(message)")
    }
}

/// When and how a chapter's outputs were produced (shown on its page).
public struct RunRecord: Codable, Sendable, Equatable {
    public var date: Date
    public var seed: UInt64
    public var arguments: [String]
    public var toolchain: String
    /// Hash of everything that can change the outputs (the cache key).
    public var inputsHash: String
    public var seconds: Double
    /// The hash of each part of the inputs (a cell, a library chapter, a source folder...):
    /// comparing them says why a chapter ran again.
    public var inputs: [String: String]

    public init(
        date: Date, seed: UInt64, arguments: [String], toolchain: String, inputsHash: String, seconds: Double,
        inputs: [String: String] = [:]
    ) {
        self.date = date
        self.seed = seed
        self.arguments = arguments
        self.toolchain = toolchain
        self.inputsHash = inputsHash
        self.seconds = seconds
        self.inputs = inputs
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        date = try c.decode(Date.self, forKey: .date)
        seed = try c.decode(UInt64.self, forKey: .seed)
        arguments = try c.decode([String].self, forKey: .arguments)
        toolchain = try c.decode(String.self, forKey: .toolchain)
        inputsHash = try c.decode(String.self, forKey: .inputsHash)
        seconds = try c.decode(Double.self, forKey: .seconds)
        inputs = try c.decodeIfPresent([String: String].self, forKey: .inputs) ?? [:]
    }
}

/// The outputs of an earlier, successful run of a chapter.
public struct EarlierRun: Sendable {
    public var date: Date
    public var cells: [CellOutput]
    public var values: [String: RecordedValue]

    public func output(ofCell index: Int) -> CellOutput? { cells.first { $0.index == index } }
}
