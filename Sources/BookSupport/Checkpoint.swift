import BookContract
import Foundation

/// Results of expensive cells kept between runs: `Book.checkpoint("training") { ... }` runs its
/// body once, stores what it returned (any `Codable` value: trained parameters, a history) and
/// what it printed and drew, under a key the engine derives from everything that produced it
/// (the chapter's cells up to this one, the library code they reach, TensorKit, settings,
/// toolchain). A later run with the same key restores the value and replays the output instead
/// of computing it again, so editing a cell after a training does not wait for the training.
///
/// Only runs made by the book engine use checkpoints (it passes the folder and the keys); a
/// plain run of a chapter program always computes.
final class Checkpoints {
    let folder: URL
    /// The key of each cell (by index): a hash of everything up to and including that cell.
    let cellKeys: [Int: String]
    /// The checkpoints this run restored, for the page (written beside the capture).
    private var restored: [RestoredCheckpoint] = []

    init?(environment: [String: String]) {
        guard let path = environment[RunContract.checkpointFolderKey], !path.isEmpty,
            let keys = environment[RunContract.cellKeysKey]
        else { return nil }
        folder = URL(fileURLWithPath: path, isDirectory: true)
        cellKeys = RunContract.parseCellKeys(keys)
    }

    /// What a checkpoint file holds.
    struct Stored<Value: Codable>: Codable {
        var value: Value
        var events: [Event]
        var date: Date
        var seconds: Double
        /// The program state the book declared (`Book.keepInCheckpoints`), as the body left it.
        var state: [UInt64]?
    }

    enum Event: Codable {
        case text(String)
        case figure(String)
    }

    func file(cell: Int, name: String) -> URL? {
        guard let key = cellKeys[cell], RunContract.isValidValueName(name) else { return nil }
        return folder.appendingPathComponent("\(key)-\(name).json")
    }

    func restore<Value: Codable>(_ type: Value.Type, cell: Int, name: String) -> Stored<Value>? {
        guard let url = file(cell: cell, name: name), let data = FileManager.default.contents(atPath: url.path) else {
            return nil
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Stored<Value>.self, from: data)
    }

    func store<Value: Codable>(_ stored: Stored<Value>, cell: Int, name: String) {
        guard let url = file(cell: cell, name: name) else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(stored) else { return }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? data.write(to: url, options: .atomic)
    }

    func noteRestored(cell: Int, name: String, date: Date, seconds: Double, captureFolder: URL?) {
        restored.append(RestoredCheckpoint(cell: cell, name: name, date: date, seconds: seconds))
        guard let captureFolder else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        if let data = try? encoder.encode(restored) {
            try? data.write(to: captureFolder.appendingPathComponent(RunContract.restoredFile), options: .atomic)
        }
    }
}

extension Book {
    nonisolated(unsafe) static var checkpoints = Checkpoints(environment: ProcessInfo.processInfo.environment)
    nonisolated(unsafe) static var checkpointState: (save: () -> [UInt64], restore: ([UInt64]) -> Void)?

    /// Declares global state that a checkpoint must carry besides its value, such as the random
    /// generator's (`book.json`'s prologue does it): a restored body leaves it as computing did,
    /// so the cells after it draw the same random numbers either way.
    public static func keepInCheckpoints(save: @escaping () -> [UInt64], restore: @escaping ([UInt64]) -> Void) {
        checkpointState = (save, restore)
    }
    /// The recording in progress, while a checkpoint's body runs (figures cut it into events).
    nonisolated(unsafe) static var recording: (recorder: OutputRecorder, events: [Checkpoints.Event])?

    /// Runs `compute` and keeps its result, or restores the result of an earlier run whose cells up
    /// to this one (and everything else they depend on) were the same, printing and drawing again
    /// what that run printed and drew. `name` tells apart the checkpoints of one cell.
    public static func checkpoint<Value: Codable>(_ name: String, _ compute: () throws -> Value) rethrows -> Value {
        let cell = Chapter.currentCell
        guard let checkpoints, recording == nil else { return try compute() }  // plain runs compute; no nesting
        if let stored = checkpoints.restore(Value.self, cell: cell, name: name) {
            for event in stored.events {
                switch event {
                case .text(let text): print(text, terminator: "")
                case .figure(let svg): show(svg: svg)
                }
            }
            if let state = stored.state { checkpointState?.restore(state) }
            checkpoints.noteRestored(
                cell: cell, name: name, date: stored.date, seconds: stored.seconds,
                captureFolder: capture?.directory)
            return stored.value
        }
        guard let recorder = OutputRecorder() else { return try compute() }
        recording = (recorder, [])
        let clock = Stopwatch()
        let value: Value
        do {
            value = try compute()
        } catch {
            _ = stopRecording()
            throw error
        }
        let events = stopRecording()
        checkpoints.store(
            Checkpoints.Stored(
                value: value, events: events, date: Date(), seconds: clock.seconds,
                state: checkpointState?.save()), cell: cell, name: name)
        return value
    }

    /// Ends the recording in progress; its events.
    private static func stopRecording() -> [Checkpoints.Event] {
        guard let (recorder, events) = recording else { return [] }
        recording = nil
        let text = recorder.stop()
        return text.isEmpty ? events : events + [.text(text)]
    }

    /// Called by `show(svg:)` before it shows a figure: a figure drawn while recording is an
    /// event of its own, and the figure's own output is not recorded. Returns whether to resume.
    static func pauseRecording(figure svg: String) -> Bool {
        guard let (recorder, events) = recording else { return false }
        let text = recorder.stop()
        recording = (recorder, events + (text.isEmpty ? [] : [.text(text)]) + [.figure(svg)])
        return true
    }

    /// Called by `show(svg:)` after it showed a figure.
    static func resumeRecording() {
        guard let (_, events) = recording else { return }
        if let recorder = OutputRecorder() { recording = (recorder, events) } else { recording = nil }
    }
}
