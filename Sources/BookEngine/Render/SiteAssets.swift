import Foundation

/// Copies what pages load besides themselves: the theme, KaTeX, chapter images.
struct SiteAssets {
    let options: SiteOptions
    private var fm: FileManager { .default }

    static let katexFiles = ["katex.min.js", "katex.min.css"]

    /// Whether KaTeX's script, stylesheet and fonts are all where the options say.
    var katexAvailable: Bool { missingKaTeXFiles.isEmpty }

    var missingKaTeXFiles: [String] {
        var missing = Self.katexFiles.map { options.katexDirectory.appendingPathComponent($0) }
            .filter { !fm.fileExists(atPath: $0.path) }.map(\.path)
        let fonts = (try? fm.contentsOfDirectory(atPath: options.katexFontsDirectory.path)) ?? []
        if !fonts.contains(where: { $0.hasPrefix("KaTeX_") }) {
            missing.append(options.katexFontsDirectory.path + "/KaTeX_*")
        }
        return missing
    }

    /// The error for missing KaTeX files, naming the command that installs them.
    var missingKaTeXMessage: String {
        "KaTeX is missing (\(missingKaTeXFiles.joined(separator: ", "))); install it with: \(SiteOptions.katexInstallCommand)"
    }

    /// Copies KaTeX into `site/katex/` with its fonts in `site/katex/fonts/`, as its CSS expects.
    func copyKaTeX(into site: URL) throws {
        let folder = site.appendingPathComponent("katex")
        let fonts = folder.appendingPathComponent("fonts")
        try fm.createDirectory(at: fonts, withIntermediateDirectories: true)
        for file in Self.katexFiles {
            try copyContents(
                of: options.katexDirectory.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        for font in try fm.contentsOfDirectory(atPath: options.katexFontsDirectory.path).sorted()
        where font.hasPrefix("KaTeX_") {
            try copyContents(
                of: options.katexFontsDirectory.appendingPathComponent(font), to: fonts.appendingPathComponent(font))
        }
    }

    /// Copies the theme (CSS, scripts) into `site/theme/`.
    func copyTheme(into site: URL) throws {
        guard let theme = Bundle.module.url(forResource: "Theme", withExtension: nil) else {
            throw DiagnosticList([
                Diagnostic(SourceLocation(file: "Theme", line: 0), "the renderer's theme resources are missing")
            ])
        }
        let folder = site.appendingPathComponent("theme")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in try fm.contentsOfDirectory(atPath: theme.path).sorted() where !file.hasPrefix(".") {
            try copyContents(of: theme.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
    }

    /// Copies a figure's `file` to `sitePath` in the site (once: a figure shown in every
    /// language is copied for the first).
    func copyFile(_ file: URL, to sitePath: String, in site: URL) throws {
        let to = site.appendingPathComponent(sitePath)
        if fm.fileExists(atPath: to.path) { return }
        try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
        try copyContents(of: file, to: to)
    }

    /// Copies every file under `folder` (e.g. `Chapters/img`) to `site/<name>`.
    func copyFolder(_ folder: URL, named name: String, into site: URL) throws {
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        guard let walker = fm.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return }
        let base = folder.resolvingSymlinksInPath().path + "/"
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                !url.lastPathComponent.hasPrefix(".")
            else { continue }
            let path = url.resolvingSymlinksInPath().path
            guard path.hasPrefix(base) else { continue }
            let to = site.appendingPathComponent(name).appendingPathComponent(String(path.dropFirst(base.count)))
            try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !fm.fileExists(atPath: to.path) { try copyContents(of: url, to: to) }
        }
    }

    /// Copies a file's bytes (following symbolic links, which `copyItem` would copy as links);
    /// an SVG goes through the sanitizer, since a reader may open it on its own.
    private func copyContents(of from: URL, to: URL) throws {
        let data = try Data(contentsOf: from.resolvingSymlinksInPath())
        guard from.pathExtension.lowercased() == "svg" else { return try data.write(to: to) }
        switch SVGSanitizer.clean(String(decoding: data, as: UTF8.self)) {
        case .success(let svg): try Data(svg.utf8).write(to: to)
        case .failure(let problem):
            let name = from.pathComponents.suffix(2).joined(separator: "/")
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(name): \(problem)"])
        }
    }
}
