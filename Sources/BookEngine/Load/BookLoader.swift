import CCmark
import Foundation

/// Loads the book from `<root>/Chapters`: the table of contents, `book.json`, every chapter.
public enum BookLoader {
    public static let chaptersFolder = "Chapters"
    public static let summaryFile = "SUMMARY.md"

    /// The loaded book; throws `DiagnosticList` with every problem found.
    public static func load(root: URL) throws -> Book {
        var diagnostics: [Diagnostic] = []
        let chaptersURL = root.appendingPathComponent(chaptersFolder, isDirectory: true)
        let summaryPath = "\(chaptersFolder)/\(summaryFile)"

        var config = BookConfig()
        let configURL = chaptersURL.appendingPathComponent("book.json")
        if let data = FileManager.default.contents(atPath: configURL.path) {
            let (read, problems) = BookSettingsFile.read(data, root: root)
            config = read
            diagnostics += problems
        }

        let summaryText: String
        switch SourceText.read(chaptersURL.appendingPathComponent(summaryFile), path: summaryPath) {
        case .success(let text): summaryText = text
        case .failure(let problem): throw DiagnosticList([problem])
        }
        let (title, entries, summaryProblems) = parseSummary(summaryText, path: summaryPath)
        diagnostics += summaryProblems

        var bibliography = Bibliography()
        let bibPath = "\(chaptersFolder)/\(config.bibliography)"
        bibliography.path = bibPath
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(bibPath).path) {
            switch SourceText.read(root.appendingPathComponent(bibPath), path: bibPath) {
            case .failure(let problem): diagnostics.append(problem)
            case .success(let text):
                let (parsed, problems) = Bibliography.parse(text, path: bibPath)
                bibliography = parsed
                diagnostics += problems
            }
        }
        let takenNames = ChapterNames.taken(root: root, config: config)
        var chapters: [Chapter] = []
        var warnings: [Diagnostic] = []
        var listed = Set<String>()
        for entry in entries {
            let file = entry.file
            guard file.hasSuffix(".md"), !file.contains("/") else {
                diagnostics.append(
                    Diagnostic(
                        SourceLocation(file: summaryPath, line: entry.line),
                        "'\(file)' must name a .md file in \(chaptersFolder)/"))
                continue
            }
            if !listed.insert(file).inserted {
                diagnostics.append(
                    Diagnostic(SourceLocation(file: summaryPath, line: entry.line), "'\(file)' is listed twice"))
                continue
            }
            let path = "\(chaptersFolder)/\(file)"
            if let problem = ChapterNames.problem(String(file.dropLast(3)), taken: takenNames) {
                diagnostics.append(
                    Diagnostic(SourceLocation(file: summaryPath, line: entry.line), "\(path): \(problem)"))
                continue
            }
            let url = chaptersURL.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                diagnostics.append(
                    Diagnostic(
                        SourceLocation(file: summaryPath, line: entry.line),
                        "chapter '\(file)' is listed but \(path) does not exist"))
                continue
            }
            switch SourceText.read(url, path: path) {
            case .failure(let problem): diagnostics.append(problem)
            case .success(let text):
                var loader = ChapterLoader(name: String(file.dropLast(3)), path: path, number: chapters.count + 1)
                loader.bibliography = bibliography
                let chapter = loader.load(text)
                diagnostics += loader.diagnostics.filter { $0.severity == .error }
                warnings += loader.diagnostics.filter { $0.severity == .warning }
                if let chapter { chapters.append(chapter) }
            }
        }

        let files = (try? FileManager.default.contentsOfDirectory(atPath: chaptersURL.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".md") && file != summaryFile && !listed.contains(file) {
            diagnostics.append(
                Diagnostic(
                    SourceLocation(file: "\(chaptersFolder)/\(file)", line: 1),
                    "this chapter is not listed in \(summaryPath)"))
        }
        if diagnostics.contains(where: { $0.severity == .error }) { throw DiagnosticList(diagnostics + warnings) }
        var book = Book(title: title ?? "Untitled", root: root, config: config, chapters: chapters)
        book.bibliography = bibliography
        book.warnings = warnings
        return book
    }

    /// The `#` title and the linked files of the table of contents, in order.
    static func parseSummary(_ text: String, path: String) -> (String?, [(file: String, line: Int)], [Diagnostic]) {
        let document = MarkdownDocument(parsing: text)
        var title: String?
        var entries: [(String, Int)] = []
        for node in document.allNodes {
            if node.type == CMARK_NODE_HEADING, node.headingLevel == 1, title == nil { title = node.plainText }
            if node.type == CMARK_NODE_LINK { entries.append((node.url, node.startLine)) }
        }
        var problems: [Diagnostic] = []
        if entries.isEmpty {
            problems.append(
                Diagnostic(
                    SourceLocation(file: path, line: 1),
                    "the table of contents lists no chapters (use `- [Title](file.md)`)"))
        }
        return (title, entries, problems)
    }
}
