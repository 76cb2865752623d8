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
    /// A quick render for `book serve` after its first one: the theme and KaTeX (which do not
    /// change while it runs) are not copied and the links are not checked (it checks the served
    /// site itself, after the page is shown).
    public var previewPass = false

    public static let defaultKaTeXDirectory = URL(fileURLWithPath: "/usr/share/javascript/katex")
    public static let defaultKaTeXFontsDirectory = URL(fileURLWithPath: "/usr/share/fonts/truetype/katex")
    /// The command that installs the KaTeX files where the defaults look.
    public static let katexInstallCommand = "apt-get install -y libjs-katex fonts-katex"

    public init(bookRoot: URL,
                katexDirectory: URL = SiteOptions.defaultKaTeXDirectory,
                katexFontsDirectory: URL = SiteOptions.defaultKaTeXFontsDirectory,
                requireKaTeX: Bool = true,
                language: String? = nil) {
        self.bookRoot = bookRoot
        self.katexDirectory = katexDirectory
        self.katexFontsDirectory = katexFontsDirectory
        self.requireKaTeX = requireKaTeX
        self.language = language
    }
}
