import Foundation

/// What every page renderer of one language reads (its book, the runs, the label table, the
/// site's languages) and where warnings go.
final class RenderContext {
    /// The book of this language (the original, or a translation).
    let book: Book
    /// The original book: a translation's failures and figures are found through its chapters.
    let original: Book
    let runs: [String: ChapterRun]
    let options: SiteOptions
    let labels: [String: LabelTarget]
    /// Whether the site has KaTeX (pages link it only then).
    let hasKaTeX: Bool
    /// This language, and every language of the site (the original first).
    let language: SiteLanguage
    let languages: [SiteLanguage]
    /// The renderer's own words in this language.
    let ui: UIText
    private(set) var diagnostics: [Diagnostic] = []
    /// Errors in what the run produced (a doctest that disagrees, a claim a value breaks): the
    /// page shows them and is written, and the command fails.
    private(set) var failures: [Diagnostic] = []

    init(
        language: SiteLanguage, languages: [SiteLanguage], original: Book, runs: [String: ChapterRun],
        options: SiteOptions, hasKaTeX: Bool
    ) {
        self.book = language.book
        self.original = original
        self.runs = runs
        self.options = options
        self.labels = language.book.labels
        self.hasKaTeX = hasKaTeX
        self.language = language
        self.languages = languages
        self.ui = UIText(language: language.code)
    }

    func warn(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, message, severity: .warning))
    }

    func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, message, severity: .error))
    }

    func fail(_ location: SourceLocation, _ message: String) {
        failures.append(Diagnostic(location, message, severity: .error))
    }

    /// The run whose outputs a chapter of this language shows (its original's run).
    func run(of chapter: Chapter) -> ChapterRun? { runs[sourceChapter(of: chapter).name] }

    /// A file of the site's shared assets (`theme/book.css`) as pages of this language link it.
    func asset(_ path: String) -> String { language.toRoot + path }

    /// The original's chapter a chapter of this language translates (itself in the original).
    /// Run failures point at its lines.
    func sourceChapter(of chapter: Chapter) -> Chapter { original.chapter(named: chapter.name) ?? chapter }

    /// The chapter's folder relative to its original's folder: `zh` for `Chapters/zh/x.md`
    /// translating `Chapters/x.md`, empty for an original chapter. The site mirrors that layout.
    func siteFolder(of chapter: Chapter) -> String {
        let base = (sourceChapter(of: chapter).path as NSString).deletingLastPathComponent
        let folder = (chapter.path as NSString).deletingLastPathComponent
        if folder == base { return "" }
        if base.isEmpty { return folder }
        return folder.hasPrefix(base + "/") ? String(folder.dropFirst(base.count + 1)) : ""
    }

    /// The file a chapter's figure shows and its path in the site, or why there is none.
    ///
    /// The path is relative to the chapter's file; a translation may also name the original's
    /// file as the original does (`img/x.svg` from `Chapters/zh/` finds `Chapters/img/x.svg`).
    func figureFile(_ source: String, of chapter: Chapter) -> Result<(file: URL, sitePath: String), FigureProblem> {
        if source.contains(":") || source.hasPrefix("/") {
            return .failure(
                FigureProblem(
                    "figure `\(source)` must be a file beside the chapter (a relative path), not a URL or absolute path"
                ))
        }
        let base = book.root.appendingPathComponent(
            (sourceChapter(of: chapter).path as NSString).deletingLastPathComponent)
        let folder = siteFolder(of: chapter)
        var candidates = [LinkChecker.normalize(folder.isEmpty ? source : "\(folder)/\(source)")]
        if !folder.isEmpty { candidates.append(LinkChecker.normalize(source)) }
        let paths = candidates.compactMap { $0 }.filter { !$0.isEmpty }
        for path in paths {
            let file = base.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: file.path) { return .success((file, path)) }
        }
        if let found = Self.d2lImageFile(source, root: book.root) { return .success(found) }
        guard !paths.isEmpty else {
            return .failure(FigureProblem("figure `\(source)` points outside the chapters' folder"))
        }
        return .failure(FigureProblem("figure file `\(source)` not found"))
    }

    /// d2l's layout keeps figures in `img/` beside the chapters' folders and writes `../img/x.svg`:
    /// that finds `Chapters/img/x.svg`, or `img/x.svg` at the book's root; in the site it is `img/x.svg`.
    static func d2lImageFile(_ source: String, root: URL) -> (file: URL, sitePath: String)? {
        guard source.hasPrefix("../img/"), let inner = LinkChecker.normalize(String(source.dropFirst(3))) else {
            return nil
        }
        for base in [root.appendingPathComponent(BookLoader.chaptersFolder), root] {
            let file = base.appendingPathComponent(inner)
            if FileManager.default.fileExists(atPath: file.path) { return (file, inner) }
        }
        return nil
    }

    struct FigureProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The page file of a chapter.
    static func pageName(of chapter: String) -> String { "\(chapter).html" }

    /// File names the renderer writes itself, which no chapter may take.
    static let reservedPages: Set<String> = ["index", "search", "search-index", "bibliography", "book-print"]

    /// Folder names of the site's root that no translation's code may take.
    static let reservedFolders: Set<String> = ["theme", "katex", "img", ChapterPackager.folder]
}
