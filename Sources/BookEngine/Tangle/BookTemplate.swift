import Foundation

/// `book init`: a new book from the template in `Template/` — Package.swift depending on this
/// engine's `BookSupport` by path, a first chapter with a cell, a doctest and a figure, the table of
/// contents, `book.json`, and the book's two commands (`./render.sh`, `./render.sh test`).
public struct BookTemplate {
    public var title: String
    /// The library target's name (book.json's `library`), a Swift identifier.
    public var library: String
    /// This engine's package folder, which the new book depends on.
    public var engine: URL

    public init(title: String, library: String, engine: URL) {
        self.title = title
        self.library = library
        self.engine = engine.standardizedFileURL
    }

    /// A library name from a folder name: `my-book` gives `MyBook`.
    public static func libraryName(for folder: String) -> String {
        let words = folder.split { !($0.isLetter || $0.isNumber) }
        var name = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if name.first.map({ !$0.isLetter }) ?? true { name = "Book" + name }
        return name
    }

    /// Why the settings cannot make a book (nil when they can).
    public func problem() -> String? {
        guard let first = library.first, first.isLetter || first == "_",
            library.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else {
            return "--library must be a Swift identifier (letters, digits, _), not '\(library)'"
        }
        if ["BookSupport", "BookEngine", "TensorKit", "ArgumentParser", "Foundation"].contains(library) {
            return "--library '\(library)' would clash with a module of the engine"
        }
        let manifest = engine.appendingPathComponent("Package.swift").path
        guard FileManager.default.fileExists(atPath: manifest),
            FileManager.default.fileExists(atPath: engine.appendingPathComponent("Sources/BookSupport").path)
        else {
            return
                "--engine \(engine.path) is not this book engine's package (no Package.swift with Sources/BookSupport)"
        }
        return nil
    }

    /// The template's files with their placeholders filled: path in the new book, contents.
    public func files() throws -> [(path: String, contents: Data)] {
        guard let template = Bundle.module.url(forResource: "Template", withExtension: nil) else {
            throw DiagnosticList([
                Diagnostic(SourceLocation(file: "Template", line: 0), "the engine's book template is missing")
            ])
        }
        // Names SwiftPM would misread inside the engine's own sources.
        let renamed = ["Package.swift.txt": "Package.swift", "gitignore.txt": ".gitignore"]
        let values = [
            "{{TITLE}}": title, "{{LIBRARY}}": library, "{{ENGINE}}": engine.path,
            "{{ENGINE_ID}}": engine.lastPathComponent.lowercased(),
        ]
        var files: [(String, Data)] = []
        let base = template.standardizedFileURL.path
        let walker = FileManager.default.enumerator(atPath: base)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory)
            guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: base + "/" + relative) else {
                continue
            }
            var contents = data
            if let text = String(data: data, encoding: .utf8) {
                contents = Data(values.reduce(text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }.utf8)
            }
            files.append((renamed[relative] ?? relative, contents))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// Writes the book into `folder`, which must not exist or be empty. The files are written
    /// into a temporary sibling first and moved in at the end, so a failure leaves nothing behind.
    public func write(into folder: URL) throws {
        if let problem = problem() {
            throw DiagnosticList([Diagnostic(SourceLocation(file: folder.path, line: 0), problem)])
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: folder.path, isDirectory: &isDirectory)
        if exists && (!isDirectory.boolValue || !((try? fm.contentsOfDirectory(atPath: folder.path)) ?? ["?"]).isEmpty)
        {
            throw DiagnosticList([
                Diagnostic(
                    SourceLocation(file: folder.path, line: 0),
                    "already exists and is not an empty folder; `book init` writes a new book only")
            ])
        }
        let staging = folder.deletingLastPathComponent()
            .appendingPathComponent(".\(folder.lastPathComponent).init-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: staging)
        do {
            for (path, contents) in try files() {
                let url = staging.appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try contents.write(to: url)
                if path.hasSuffix(".sh") { try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
            }
            if exists {
                for item in try fm.contentsOfDirectory(atPath: staging.path) {
                    try fm.moveItem(at: staging.appendingPathComponent(item), to: folder.appendingPathComponent(item))
                }
                try fm.removeItem(at: staging)
            } else {
                try fm.moveItem(at: staging, to: folder)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }
}
