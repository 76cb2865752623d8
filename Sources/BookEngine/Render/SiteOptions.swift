import Foundation

/// Where the renderer finds what it copies into the site, and how strict it is about it.
public struct SiteOptions: Sendable {
    /// The book's root folder: chapter images are read from `<root>/<chapter folder>/...`.
    public var bookRoot: URL
    /// Folder holding `katex.min.js` and `katex.min.css` (Debian's libjs-katex).
    public var katexDirectory: URL
    /// Folder holding KaTeX's fonts (Debian's fonts-katex).
    public var katexFontsDirectory: URL
    /// Whether missing KaTeX files are an error (they are only a warning in tests).
    public var requireKaTeX: Bool
    /// The `lang` of the original's pages; nil uses the book's language (`Book.language`).
    /// A translation's pages always take its own language.
    public var language: String?
    /// Prints each language's `book-print.html` to its PDF; nil makes no PDF (and no links to one).
    public var pdfPrinter: PDFPrinter?
    /// Zips each chapter as a runnable package; nil makes none (and no links to them).
    public var packager: ChapterPackager?
    /// A quick render for `book serve` after its first one: the theme and KaTeX (which do not
    /// change while it runs) are not copied and the links are not checked (it checks the served
    /// site itself, after the page is shown).
    public var previewPass = false

    public static let defaultKaTeXDirectory = URL(fileURLWithPath: "/usr/share/javascript/katex")
    public static let defaultKaTeXFontsDirectory = URL(fileURLWithPath: "/usr/share/fonts/truetype/katex")
    /// The command that installs the KaTeX files where the defaults look.
    public static let katexInstallCommand = "apt-get install -y libjs-katex fonts-katex"

    public init(
        bookRoot: URL,
        katexDirectory: URL = SiteOptions.defaultKaTeXDirectory,
        katexFontsDirectory: URL = SiteOptions.defaultKaTeXFontsDirectory,
        requireKaTeX: Bool = true,
        language: String? = nil,
        pdfPrinter: PDFPrinter? = nil,
        packager: ChapterPackager? = nil
    ) {
        self.bookRoot = bookRoot
        self.katexDirectory = katexDirectory
        self.katexFontsDirectory = katexFontsDirectory
        self.requireKaTeX = requireKaTeX
        self.language = language
        self.pdfPrinter = pdfPrinter
        self.packager = packager
    }

    /// Sets up the book's PDF (headless Chromium) and the chapters' packages (`zip`, and the
    /// sources they carry); returns a warning for each that cannot be made on this machine.
    public mutating func findDownloadTools() -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        pdfPrinter = PDFPrinter.find()
        pdfPrinter?.cacheFolder = bookRoot.appendingPathComponent(".build-book/pdf")
        if pdfPrinter == nil {
            warnings.append(
                Diagnostic(
                    SourceLocation(file: "site", line: 0),
                    "Chromium is not installed: the site has no PDF of the book (install it with: \(PDFPrinter.installCommand))",
                    severity: .warning))
        }
        switch ChapterPackager.find(projectRoot: bookRoot) {
        case .success(var found):
            found.cacheFolder = bookRoot.appendingPathComponent(".build-book/packages")
            packager = found
        case .failure(let problems):
            warnings += problems.diagnostics.map {
                Diagnostic($0.location, $0.message + "; the chapters have no packages", severity: .warning)
            }
        }
        return warnings
    }
}
