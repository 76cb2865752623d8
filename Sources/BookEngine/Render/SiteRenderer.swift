import Foundation

/// Renders a book and its captured runs to a static HTML site.
///
/// The site is built in a sibling folder and swapped in only when complete and checked, so the
/// previous good site stays in place whenever a render fails.
public struct SiteRenderer {
    public var book: Book
    public var runs: [String: ChapterRun]
    public var options: SiteOptions

    public init(book: Book, runs: [String: ChapterRun], options: SiteOptions) {
        self.book = book
        self.runs = runs
        self.options = options
    }

    /// Writes the site into `site` and returns the warnings; throws `DiagnosticList` on errors.
    public func render(into site: URL) throws -> [Diagnostic] {
        let site = site.standardizedFileURL
        let fm = FileManager.default
        let assets = SiteAssets(options: options)
        let siteName = site.lastPathComponent
        let global = SourceLocation(file: siteName, line: 0)
        var early: [Diagnostic] = []
        if !assets.katexAvailable {
            if options.requireKaTeX { throw DiagnosticList([Diagnostic(global, assets.missingKaTeXMessage)]) }
            early.append(Diagnostic(global, assets.missingKaTeXMessage + "; math is shown as TeX", severity: .warning))
        }

        let parent = site.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let temporary = parent.appendingPathComponent("\(siteName).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: temporary)
        try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
        do {
            let context = RenderContext(book: book, runs: runs, options: options, hasKaTeX: assets.katexAvailable)
            try write(into: temporary, context: context, assets: assets)
            let checker = LinkChecker(site: temporary, displayName: siteName, forbiddenStrings: forbiddenPaths(temporary: temporary))
            let diagnostics = early + context.diagnostics + checker.check()
            if diagnostics.contains(where: { $0.severity == .error }) { throw DiagnosticList(diagnostics) }
            try swap(temporary, into: site)
            return diagnostics
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
    }

    /// Paths of the build machine that must not appear in the site.
    private func forbiddenPaths(temporary: URL) -> [String] {
        var paths = [book.root.standardizedFileURL.path, options.bookRoot.standardizedFileURL.path, temporary.path]
        paths = paths.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        // "/" alone would match every link; a root that short is not a build path worth hiding.
        return Array(Set(paths.filter { $0.count > 1 }))
    }

    private func write(into folder: URL, context: RenderContext, assets: SiteAssets) throws {
        for chapter in book.chapters where RenderContext.reservedPages.contains(chapter.name) {
            context.error(SourceLocation(file: chapter.path, line: 1),
                          "a chapter may not be named `\(chapter.name)`: the site's own page has that name")
        }
        // Render every chapter first: the sidebar of each page lists the sections of all of them.
        var results: [String: ChapterRenderer.Result] = [:]
        var sections: [String: [SectionEntry]] = [:]
        for chapter in book.chapters {
            let result = ChapterRenderer(context: context, chapter: chapter).render()
            results[chapter.name] = result
            sections[chapter.name] = result.sections
        }
        let template = PageTemplate(context: context, sections: sections)
        let pages = BookPages(context: context, template: template)
        try write(pages.index(), to: folder.appendingPathComponent("index.html"))
        try write(pages.search(), to: folder.appendingPathComponent("search.html"))

        var searchEntries: [SearchIndex.Entry] = []
        for (i, chapter) in book.chapters.enumerated() {
            guard let result = results[chapter.name] else { continue }
            let previous = i == 0
                ? PageTemplate.Link(href: "index.html", label: book.title)
                : link(to: book.chapters[i - 1])
            let next = i + 1 < book.chapters.count ? link(to: book.chapters[i + 1]) : nil
            let html = template.page(.chapter(chapter.name), title: "\(chapter.number). \(chapter.title)",
                                     body: result.article, previous: previous, next: next)
            try write(html, to: folder.appendingPathComponent(RenderContext.pageName(of: chapter.name)))
            searchEntries += SearchIndex.entries(chapter: chapter, sections: result.sections)

            let chapterFolder = book.root.appendingPathComponent(chapter.path).deletingLastPathComponent()
            for image in result.images {
                if let problem = assets.copyImage(image.source, chapterFolder: chapterFolder, into: folder) {
                    context.error(chapter.location(image.line), problem)
                }
            }
        }
        try write(try SearchIndex.script(searchEntries), to: folder.appendingPathComponent("search-index.js"))

        // Images the prose shows with plain Markdown live in the chapters' img folders too.
        let chapterFolders = Set(book.chapters.map { ($0.path as NSString).deletingLastPathComponent })
        for chapterFolder in chapterFolders.sorted() {
            try assets.copyFolder(book.root.appendingPathComponent(chapterFolder).appendingPathComponent("img"),
                                  named: "img", into: folder)
        }
        try assets.copyTheme(into: folder)
        if context.hasKaTeX { try assets.copyKaTeX(into: folder) }
    }

    private func link(to chapter: Chapter) -> PageTemplate.Link {
        PageTemplate.Link(href: RenderContext.pageName(of: chapter.name), label: "\(chapter.number). \(chapter.title)")
    }

    private func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    /// Replaces `site` by `fresh`: the old site is moved aside first and deleted only once the new one is in.
    private func swap(_ fresh: URL, into site: URL) throws {
        let fm = FileManager.default
        let old = site.deletingLastPathComponent()
            .appendingPathComponent("\(site.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: old)
        let hadSite = fm.fileExists(atPath: site.path)
        if hadSite { try fm.moveItem(at: site, to: old) }
        do {
            try fm.moveItem(at: fresh, to: site)
        } catch {
            if hadSite { try? fm.moveItem(at: old, to: site) }
            throw error
        }
        if hadSite { try? fm.removeItem(at: old) }
    }
}
