import Foundation

/// Checkpoints kept with the book (`Chapters/frozen/<chapter>/`), as Quarto's `freeze` keeps
/// expensive results: `book freeze` copies there the checkpoints whose keys match the chapter as
/// it is, and every run copies them back before the program starts. A clone of the book thus
/// restores its long experiments instead of computing them, and its pages say so (with the date
/// and cost of the run that made them). A key covers everything that produced a checkpoint, so
/// any change to that (a cell, the library, TensorKit, the toolchain) computes it afresh.
struct FrozenCheckpoints {
    let root: URL
    static let folder = "\(BookLoader.chaptersFolder)/frozen"

    func frozenFolder(_ chapter: String) -> URL {
        root.appendingPathComponent(Self.folder).appendingPathComponent(chapter)
    }

    /// Whether a file name is one the engine's checkpoints use: `<24 hex>-<name>.json`.
    static func isCheckpointFile(_ name: String) -> Bool {
        name.range(of: #"^[0-9a-f]{24}-[A-Za-z0-9_.-]+\.json$"#, options: .regularExpression) != nil
    }

    static func key(of file: String) -> String { String(file.prefix(24)) }

    private func files(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter(Self.isCheckpointFile)
            .sorted()
    }

    /// Copies the frozen checkpoints with current keys into the working folder (never over a newer one).
    func thaw(_ chapter: String, keys: Set<String>, into working: URL) {
        let frozen = frozenFolder(chapter)
        let wanted = files(in: frozen).filter { keys.contains(Self.key(of: $0)) }
        guard !wanted.isEmpty else { return }
        try? FileManager.default.createDirectory(at: working, withIntermediateDirectories: true)
        for file in wanted where !FileManager.default.fileExists(atPath: working.appendingPathComponent(file).path) {
            try? FileManager.default.copyItem(
                at: frozen.appendingPathComponent(file), to: working.appendingPathComponent(file))
        }
    }

    /// Makes the frozen folder hold exactly the working checkpoints whose keys are current; the
    /// files written and removed. Only checkpoint files are ever removed.
    func freeze(_ chapter: String, keys: Set<String>, from working: URL) throws -> (
        written: [String], removed: [String]
    ) {
        let frozen = frozenFolder(chapter)
        let current = files(in: working).filter { keys.contains(Self.key(of: $0)) }
        var written: [String] = [], removed: [String] = []
        if !current.isEmpty { try FileManager.default.createDirectory(at: frozen, withIntermediateDirectories: true) }
        for file in current {
            let data = try Data(contentsOf: working.appendingPathComponent(file))
            let target = frozen.appendingPathComponent(file)
            if FileManager.default.contents(atPath: target.path) != data {
                try AtomicFile.write(data, to: target)
                written.append(file)
            }
        }
        for file in files(in: frozen) where !current.contains(file) {
            try FileManager.default.removeItem(at: frozen.appendingPathComponent(file))
            removed.append(file)
        }
        return (written, removed)
    }
}
