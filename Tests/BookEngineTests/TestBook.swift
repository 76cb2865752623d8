import Foundation

@testable import BookEngine

/// Builds a throwaway book on disk from chapter texts, for loader and tangler tests.
struct TestBook {
    let root: URL

    init(chapters: [(name: String, text: String)], summary: String? = nil, extraFiles: [String: Data] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("testbook-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("Chapters")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let toc = summary ?? "# Test Book\n\n" + chapters.map { "- [\($0.name)](\($0.name).md)\n" }.joined()
        try toc.write(to: folder.appendingPathComponent("SUMMARY.md"), atomically: true, encoding: .utf8)
        for (name, text) in chapters {
            try text.write(to: folder.appendingPathComponent("\(name).md"), atomically: true, encoding: .utf8)
        }
        for (path, data) in extraFiles {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
    }

    func load() throws -> Book { try BookLoader.load(root: root) }

    /// The diagnostics loading produces (empty if it loads).
    func problems() -> [Diagnostic] {
        do {
            _ = try load()
            return []
        } catch let list as DiagnosticList { return list.diagnostics } catch { return [] }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Loads one chapter from text.
func loadChapter(_ text: String) throws -> Chapter {
    let book = try TestBook(chapters: [("one", text)])
    defer { book.remove() }
    return try book.load().chapters[0]
}
