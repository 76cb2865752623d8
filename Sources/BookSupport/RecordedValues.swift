import BookContract
import Foundation

/// Values a chapter's cells record for its prose (`Book.record`), so that a number the text
/// quotes is the number this run produced.
///
/// In capture mode they are kept in `values.json` in the capture folder, rewritten (atomically)
/// after each record, so the values recorded before a trap survive it. A plain run keeps them
/// in memory only.
final class RecordedValues {
    private var values: [String: RecordedValue] = [:]

    func record(_ name: String, _ value: RecordedValue, in folder: URL?) {
        precondition(
            RunContract.isValidValueName(name),
            "Book.record: the name `\(name)` may hold only letters, digits, `_`, `-` and `.`")
        values[name] = value
        guard let folder else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(values) {
            try? data.write(to: folder.appendingPathComponent(RunContract.valuesFile), options: .atomic)
        }
    }
}

extension Book {
    // Recorded by the cells, which run one after another on the main thread.
    nonisolated(unsafe) static let recorded = RecordedValues()

    /// Records a number under `name` for the chapter's prose, which quotes it as :value:`name`.
    public static func record<T: BinaryFloatingPoint>(_ name: String, _ value: T) {
        recorded.record(name, .number(Double(value)), in: capture?.directory)
    }

    /// Records an integer under `name` for the chapter's prose.
    public static func record<T: BinaryInteger>(_ name: String, _ value: T) {
        recorded.record(name, .number(Double(value)), in: capture?.directory)
    }

    /// Records a piece of text (a prediction, a word) under `name` for the chapter's prose.
    public static func record(_ name: String, _ value: String) {
        recorded.record(name, .text(value), in: capture?.directory)
    }
}
