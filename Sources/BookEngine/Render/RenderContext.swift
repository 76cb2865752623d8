import Foundation

/// What every page renderer reads (the book, its runs, the label table) and where warnings go.
final class RenderContext {
    let book: Book
    let runs: [String: ChapterRun]
    let options: SiteOptions
    let labels: [String: LabelTarget]
    /// Whether the site has KaTeX (pages link it only then).
    let hasKaTeX: Bool
    private(set) var diagnostics: [Diagnostic] = []

    init(book: Book, runs: [String: ChapterRun], options: SiteOptions, hasKaTeX: Bool) {
        self.book = book
        self.runs = runs
        self.options = options
        self.labels = book.labels
        self.hasKaTeX = hasKaTeX
    }

    func warn(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, message, severity: .warning))
    }

    func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, message, severity: .error))
    }

    /// The page file of a chapter.
    static func pageName(of chapter: String) -> String { "\(chapter).html" }

    /// File names the renderer writes itself, which no chapter may take.
    static let reservedPages: Set<String> = ["index", "search", "search-index"]
}
