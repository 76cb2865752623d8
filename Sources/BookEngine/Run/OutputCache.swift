import Foundation

/// Chapter outputs kept under the hash of their inputs, several entries per chapter, so undoing
/// an edit finds the earlier outputs again (`.build-book/outputs/<chapter>/<hash>.json`).
struct OutputCache {
    let folder: URL
    /// Entries kept per chapter (the most recent ones).
    var keep = 12

    func entry(_ chapter: String, hash: String) -> ChapterRun? {
        read(folder.appendingPathComponent(chapter).appendingPathComponent("\(hash).json"))
    }

    /// The most recent good run of `chapter` made with `arguments`, whatever its inputs.
    func latest(_ chapter: String, arguments: [String]) -> ChapterRun? {
        entries(chapter).lazy.compactMap(read).first { $0.record.arguments == arguments && $0.failure == nil }
    }

    func store(_ run: ChapterRun) throws {
        let directory = folder.appendingPathComponent(run.chapter)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(
            try ChapterRunner.encoder.encode(run), to: directory.appendingPathComponent("\(run.record.inputsHash).json")
        )
        for old in entries(run.chapter).dropFirst(keep) { try? FileManager.default.removeItem(at: old) }
    }

    /// The chapter's entry files, newest first.
    private func entries(_ chapter: String) -> [URL] {
        let directory = folder.appendingPathComponent(chapter)
        let files =
            (try? FileManager.default.contentsOfDirectory(
                at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        func date(_ url: URL) -> Date {
            (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate ?? .distantPast
        }
        // Only the engine's own entries: a hash and `.json`.
        return files.filter {
            $0.pathExtension == "json" && $0.deletingPathExtension().lastPathComponent.allSatisfy(\.isHexDigit)
        }
        .sorted { date($0) > date($1) }
    }

    private func read(_ url: URL) -> ChapterRun? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? ChapterRunner.decoder.decode(ChapterRun.self, from: data)
    }
}
