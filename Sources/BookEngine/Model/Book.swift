import Foundation

/// The whole book: its settings and its chapters in table-of-contents order.
public struct Book: Sendable {
    /// The book's title (the first heading of `Chapters/SUMMARY.md`).
    public var title: String
    /// The project root: the folder holding `Chapters/`.
    public var root: URL
    public var config: BookConfig
    public var chapters: [Chapter]
    /// The language of this book's prose: the first of `config.languages` for the
    /// original, a translation's code otherwise.
    public var languageCode: String?
    /// The BibTeX entries `:cite:` and `:citet:` refer to (book.json's `bibliography`).
    public var bibliography = Bibliography()
    /// Warnings found while loading (unsupported d2l constructs): `book check` and `render` report them.
    public var warnings: [Diagnostic] = []

    public init(title: String, root: URL, config: BookConfig, chapters: [Chapter]) {
        self.title = title
        self.root = root
        self.config = config
        self.chapters = chapters
    }

    /// Every `save` cell of the book, in book order: the sources of the book's library.
    public var libraryCells: [(chapter: Chapter, cell: Cell)] {
        chapters.flatMap { chapter in chapter.cells.filter(\.isSaved).map { (chapter, $0) } }
    }

    public func chapter(named name: String) -> Chapter? { chapters.first { $0.name == name } }

    /// Whether any chapter has Swift to compile. A book without (prose, figures, other languages'
    /// code) needs no Package.swift: nothing is tangled, built or run.
    public var hasCode: Bool { chapters.contains { !$0.cells.filter { !$0.attributes.noRun }.isEmpty } }

    /// The language of this book's prose (a translation's, or the original's).
    public var language: BookConfig.Language {
        config.languages.first { $0.code == (languageCode ?? chapters.first?.language) } ?? config.languages[0]
    }
}

/// Settings read from `Chapters/book.json` (all optional).
public struct BookConfig: Codable, Sendable, Equatable {
    /// Name of the library target built from `save` cells.
    public var library: String = "D2L"
    /// Modules every chapter program imports (the library is added).
    public var programImports: [String] = ["Foundation", "BookSupport"]
    /// Modules every library file imports.
    public var libraryImports: [String] = ["Foundation", "BookSupport"]
    /// Statements a chapter program runs before its first cell (e.g. seeding).
    public var prologue: [String] = []
    /// Folder of generated chapter programs, relative to the root.
    public var programsPath: String = "Sources/Programs"
    /// Arguments `book run` passes to chapter programs when asked for a quick run.
    public var quickArguments: [String] = ["--epochs", "1"]
    /// The BibTeX file of citations, relative to `Chapters/` (d2l's `d2l.bib`); read when it exists.
    public var bibliography: String = "d2l.bib"
    /// Time limits in seconds for chapters whose full run takes longer than the default (a
    /// chapter with long experiments); `--timeout` on the command line overrides them.
    public var timeLimits: [String: Double] = [:]
    /// The book's languages; the first is the original's, the others are translations
    /// in `Chapters/<code>/`.
    public var languages: [Language] = [Language(code: "en", name: "English", title: nil)]

    public init() {}

    /// A language of the book.
    public struct Language: Codable, Sendable, Equatable {
        /// BCP 47 code (`en`, `zh`, `id`): the `lang` of its pages and its folder name.
        public var code: String
        /// Its own name for itself, for the language switcher (`中文`).
        public var name: String
        /// The book's title in that language (default: the original's).
        public var title: String?
        public init(code: String, name: String, title: String?) {
            self.code = code
            self.name = name
            self.title = title
        }
    }

    enum CodingKeys: String, CodingKey {
        case library, programImports, libraryImports, prologue, programsPath, quickArguments, languages, bibliography,
            timeLimits
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BookConfig()
        library = try c.decodeIfPresent(String.self, forKey: .library) ?? d.library
        programImports = try c.decodeIfPresent([String].self, forKey: .programImports) ?? d.programImports
        libraryImports = try c.decodeIfPresent([String].self, forKey: .libraryImports) ?? d.libraryImports
        prologue = try c.decodeIfPresent([String].self, forKey: .prologue) ?? d.prologue
        programsPath = try c.decodeIfPresent(String.self, forKey: .programsPath) ?? d.programsPath
        quickArguments = try c.decodeIfPresent([String].self, forKey: .quickArguments) ?? d.quickArguments
        languages = try c.decodeIfPresent([Language].self, forKey: .languages) ?? d.languages
        bibliography = try c.decodeIfPresent(String.self, forKey: .bibliography) ?? d.bibliography
        timeLimits = try c.decodeIfPresent([String: Double].self, forKey: .timeLimits) ?? d.timeLimits
        if languages.isEmpty { languages = d.languages }
    }
}
