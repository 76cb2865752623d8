import Foundation

/// Prints a page to PDF with headless Chromium: the book's PDF is made from the same HTML as
/// the site (no TeX), with KaTeX's math typeset by the page's own script first.
///
/// Chromium (105 and later) builds the PDF's outline from the page's headings with
/// `--generate-pdf-document-outline`, keeps links to ids inside the page as links inside the
/// PDF, and draws the page numbers the print stylesheet puts in `@page` margin boxes (131 and
/// later); its own header and footer are turned off.
public struct PDFPrinter: Sendable {
    /// The browser's executable.
    public var chromium: URL
    /// How long a page may take to print, in seconds.
    public var timeout: Double = 300
    /// Where printed PDFs are kept under a hash of everything they are printed from, so that
    /// rendering again with nothing changed does not print again; nil keeps none.
    public var cacheFolder: URL?

    public init(chromium: URL) { self.chromium = chromium }

    /// Chromium found on `PATH` (as `chromium`, `chromium-browser` or `google-chrome`), or nil.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> PDFPrinter? {
        if let explicit = environment["CHROMIUM"], !explicit.isEmpty {
            return executable(explicit, path: environment["PATH"]).map(PDFPrinter.init)
        }
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let url = executable(name, path: environment["PATH"]) { return PDFPrinter(chromium: url) }
        }
        return nil
    }

    /// The command that installs what `find` looks for.
    public static let installCommand = "apt-get install -y chromium"

    private static func executable(_ name: String, path: String?) -> URL? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        for folder in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Prints the HTML file `page` to `pdf` (written beside it under a temporary name first), or
    /// copies `cached` (`cacheFile`: the PDF printed before from the same page and assets) if it
    /// exists; a new print is kept there.
    func print(_ page: URL, to pdf: URL, cachedAs cached: URL?) throws {
        if let cached, try copy(cached, to: pdf) { return }
        try print(page, to: pdf)
        if let cached, let folder = cacheFolder {
            // Only a cache: failing to fill it is not an error.
            let fm = FileManager.default
            try? fm.createDirectory(at: folder, withIntermediateDirectories: true)
            let partial = folder.appendingPathComponent(".\(cached.lastPathComponent).partial")
            if (try? fm.copyItem(at: pdf, to: partial)) != nil { try? fm.moveItem(at: partial, to: cached) }
        }
    }

    /// Puts a copy of `cached` at `pdf` (complete or not at all); false if `cached` does not exist.
    func copy(_ cached: URL, to pdf: URL) throws -> Bool {
        let fm = FileManager.default
        guard fm.fileExists(atPath: cached.path) else { return false }
        let partial = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).partial")
        try? fm.removeItem(at: partial)
        try fm.copyItem(at: cached, to: partial)
        if fm.fileExists(atPath: pdf.path) { try fm.removeItem(at: pdf) }
        try fm.moveItem(at: partial, to: pdf)
        return true
    }

    /// Where the cache keeps the PDF of `page` with these assets; nil without a cache.
    func cacheFile(_ page: URL, assets: [URL]) throws -> URL? {
        guard let cacheFolder else { return nil }
        var hash = ContentHash()
        hash.add(chromium.path)
        hash.add(Self.installedFonts)
        hash.add(try Data(contentsOf: page))
        for folder in assets { hash.addFiles(under: folder) }
        return cacheFolder.appendingPathComponent("\(hash.hex).pdf")
    }

    /// The names of the machine's font files: a font installed later (a CJK font for the
    /// Chinese PDF) changes what Chromium prints.
    static let installedFonts: String = {
        var names: [String] = []
        for folder in [
            "/usr/share/fonts", "/usr/local/share/fonts", NSHomeDirectory() + "/.fonts",
            NSHomeDirectory() + "/.local/share/fonts",
        ] {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            while let name = walker.nextObject() as? String { names.append(folder + "/" + name) }
        }
        return names.sorted().joined(separator: "\n")
    }()

    private func print(_ page: URL, to pdf: URL) throws {
        let fm = FileManager.default
        let profile = fm.temporaryDirectory.appendingPathComponent("book-pdf-profile-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: profile) }
        let partial = pdf.deletingLastPathComponent().appendingPathComponent(".\(pdf.lastPathComponent).partial")
        try? fm.removeItem(at: partial)
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=\(profile.path)",
            // The page's scripts (KaTeX) run before printing; virtual time does not wait for the clock.
            "--virtual-time-budget=30000", "--run-all-compositor-stages-before-draw",
            "--no-pdf-header-footer", "--generate-pdf-document-outline",
            "--print-to-pdf=\(partial.path)", page.absoluteURL.absoluteString,
        ]
        let result = try Subprocess.run(
            chromium.path, arguments, in: page.deletingLastPathComponent(), timeout: timeout)
        guard !result.timedOut, result.status == 0, let data = fm.contents(atPath: partial.path),
            data.starts(with: Array("%PDF".utf8))
        else {
            try? fm.removeItem(at: partial)
            let why = result.timedOut ? "timed out after \(Int(timeout)) s" : "exited with status \(result.status)"
            let log = result.stderr.split(separator: "\n").filter { !$0.contains("dbus") }.suffix(5).joined(
                separator: "\n")
            throw Failure(
                description:
                    "Chromium (\(chromium.path)) could not print \(page.lastPathComponent) to PDF: \(why)\n\(log)")
        }
        if fm.fileExists(atPath: pdf.path) { try fm.removeItem(at: pdf) }
        try fm.moveItem(at: partial, to: pdf)
    }
}
