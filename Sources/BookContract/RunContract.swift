import Foundation

/// The contract between the book engine and the chapter programs it generates and runs.
///
/// Both sides import this module (it depends on nothing), so a name written here cannot drift
/// between the writer and the reader.
public enum RunContract {
    /// The calls the tangler writes into a chapter program, which BookSupport's `Chapter` answers.
    public enum GeneratedCall {
        public static let start = "Chapter.start"
        public static let cell = "Chapter.cell"
        public static let runsTrapCell = "Chapter.runsTrapCell"
        public static let trapCellReturned = "Chapter.trapCellReturned"
        public static let finish = "Chapter.finish"
    }

    /// The file in the capture folder that holds the values cells record for the prose.
    public static let valuesFile = "values.json"

    /// The environment variable with the folder where checkpoints are kept (set by the engine only).
    public static let checkpointFolderKey = "BOOK_CHECKPOINTS"
    /// The environment variable with each cell's key: `1=abc,2=def`, a hash of everything up to that cell.
    public static let cellKeysKey = "BOOK_CELL_KEYS"
    /// The file in the capture folder listing the checkpoints a run restored.
    public static let restoredFile = "restored.json"

    public static func cellKeys(_ keys: [Int: String]) -> String {
        keys.keys.sorted().map { "\($0)=\(keys[$0]!)" }.joined(separator: ",")
    }

    public static func parseCellKeys(_ text: String) -> [Int: String] {
        var keys: [Int: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let cell = Int(parts[0]), parts[1].allSatisfy(\.isHexDigit) {
                keys[cell] = String(parts[1])
            }
        }
        return keys
    }

    /// Whether `name` may name a recorded value: letters, digits, `_`, `-` and `.`.
    public static func isValidValueName<S: StringProtocol>(_ name: S) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "_-.".unicodeScalars.contains($0)
            }
    }
}

/// A checkpoint a chapter program restored instead of computing it (`Book.checkpoint`): the
/// page says so, with when the original run was made and how long it took.
public struct RestoredCheckpoint: Codable, Equatable, Sendable {
    public var cell: Int
    public var name: String
    public var date: Date
    public var seconds: Double

    public init(cell: Int, name: String, date: Date, seconds: Double) {
        self.cell = cell
        self.name = name
        self.date = date
        self.seconds = seconds
    }
}
