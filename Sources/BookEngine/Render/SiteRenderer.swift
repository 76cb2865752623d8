import Foundation

/// Renders a book, its translations and the captured runs to a static HTML site.
///
/// The original's pages are at the site's root and each translation's in `<code>/` under the same
/// names; the theme, KaTeX and images are shared at the root. The site is built in a sibling
/// folder and swapped in only when complete and checked, so the previous good site stays in
/// place whenever a render fails (in any language).
public struct SiteRenderer {
    public var book: Book
    public var runs: [String: ChapterRun]
    public var options: SiteOptions
    /// The translated books (`TranslationLoader`), in the order of the switcher. Their cells are
    /// the original's, so the outputs are looked up in the same `runs`.
    public var translations: [Book]
    /// Chapters whose pages already in the site are kept byte for byte (`book render <chapter>`
    /// renders only the chapters it names); a kept chapter with no page yet is rendered.
    public var keptPages: Set<String> = []
    /// Where the renderer says what it does after the pages are in place (printing the PDFs).
    public var log: ((String) -> Void)?

    public init(book: Book, runs: [String: ChapterRun], options: SiteOptions, translations: [Book] = []) {
        self.book = book
        self.runs = runs
        self.options = options
        self.translations = translations
    }

    /// Writes the site into `site` and returns the warnings and the failures the pages show (errors,
    /// after the site is written); throws `DiagnosticList` on errors that keep the site from being written.
    public func render(into site: URL) throws -> [Diagnostic] {
        let site = site.standardizedFileURL
        let fm = FileManager.default
        let assets = SiteAssets(options: options)
        let siteName = site.lastPathComponent
        let global = SourceLocation(file: siteName, line: 0)
        var early: [Diagnostic] = []
        if let problem = GeneratedFolders.siteProblem(site, root: options.bookRoot) {
            throw DiagnosticList([Diagnostic(global, problem)])
        }
        if !assets.katexAvailable {
            if options.requireKaTeX { throw DiagnosticList([Diagnostic(global, assets.missingKaTeXMessage)]) }
            early.append(Diagnostic(global, assets.missingKaTeXMessage + "; math is shown as TeX", severity: .warning))
        }
        let (languages, languageProblems) = siteLanguages()
        early += languageProblems
        if early.contains(where: { $0.severity == .error }) { throw DiagnosticList(early) }

        let parent = site.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let temporary = parent.appendingPathComponent("\(siteName).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: temporary)
        try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
        do {
            let contexts = languages.map {
                RenderContext(
                    language: $0, languages: languages, original: book, runs: runs, options: options,
                    hasKaTeX: assets.katexAvailable)
            }
            try write(into: temporary, contexts: contexts, assets: assets)
            keepPages(from: site, into: temporary, contexts: contexts)
            let pending = preparePDFs(in: temporary, previous: site, contexts: contexts)
            let checker = LinkChecker(
                site: temporary, displayName: siteName, forbiddenStrings: forbiddenPaths(temporary: temporary))
            let diagnostics = early + contexts.flatMap(\.diagnostics) + (options.previewPass ? [] : checker.check())
            if diagnostics.contains(where: { $0.severity == .error }) { throw DiagnosticList(diagnostics) }
            try swap(temporary, into: site)
            // Failures of the run's content are on the pages; the caller fails after writing them.
            return diagnostics + contexts.flatMap(\.failures) + printPending(pending, in: site)
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
    }

    /// The site's languages, the original first, and the problems with the translations' codes.
    func siteLanguages() -> ([SiteLanguage], [Diagnostic]) {
        let config = book.config
        let code = options.language ?? book.language.code
        let name = config.languages.first { $0.code == code }?.name ?? book.language.name
        var languages = [SiteLanguage(code: code, name: name, folder: "", book: book)]
        var problems: [Diagnostic] = []
        for translation in translations {
            // A chapter that has no translation yet is the original's, in the original's language.
            let code =
                translation.chapters.map(\.language).first { $0 != book.language.code } ?? translation.language.code
            let location = SourceLocation(file: "\(BookLoader.chaptersFolder)/\(code)", line: 0)
            guard SiteLanguage.isValidCode(code), !RenderContext.reservedFolders.contains(code) else {
                problems.append(
                    Diagnostic(
                        location,
                        "a translation's language code must name a folder of the site "
                            + "(letters, digits, `-`; not \(RenderContext.reservedFolders.sorted().joined(separator: ", "))), not `\(code)`"
                    ))
                continue
            }
            guard !languages.contains(where: { $0.code == code }) else {
                problems.append(
                    Diagnostic(
                        location,
                        "the site has the language `\(code)` twice "
                            + "(a translation with no translated chapter takes the original's language)"))
                continue
            }
            let name = config.languages.first { $0.code == code }?.name ?? code
            languages.append(SiteLanguage(code: code, name: name, folder: code, book: translation))
        }
        return (languages, problems)
    }

    /// Paths of the build machine that must not appear in the site.
    private func forbiddenPaths(temporary: URL) -> [String] {
        var paths = [book.root.standardizedFileURL.path, options.bookRoot.standardizedFileURL.path, temporary.path]
        paths += translations.map { $0.root.standardizedFileURL.path }
        paths = paths.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        // "/" alone would match every link; a root that short is not a build path worth hiding.
        return Array(Set(paths.filter { $0.count > 1 }))
    }

    private func write(into site: URL, contexts: [RenderContext], assets: SiteAssets) throws {
        guard let originalContext = contexts.first else { return }
        for chapter in book.chapters where RenderContext.reservedPages.contains(chapter.name) {
            originalContext.error(
                SourceLocation(file: chapter.path, line: 1),
                "a chapter may not be named `\(chapter.name)`: the site's own page has that name")
        }
        // Render every chapter of every language first: the sidebar of each page lists the sections
        // of all chapters, and the language switcher keeps the reader at a section both pages have.
        var results: [String: [String: ChapterRenderer.Result]] = [:]
        for context in contexts {
            for chapter in context.book.chapters {
                results[context.language.code, default: [:]][chapter.name] = ChapterRenderer(
                    context: context, chapter: chapter
                ).render()
            }
        }
        let sections = results.mapValues { $0.mapValues(\.sections) }

        var copiedImages = Set<String>()
        var imageFolders = Set<[String]>()
        for context in contexts {
            let language = context.language
            let folder = language.folder.isEmpty ? site : site.appendingPathComponent(language.folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let book = context.book
            let template = PageTemplate(
                context: context, sections: sections[language.code] ?? [:], siteSections: sections)
            let pages = BookPages(context: context, template: template)
            try write(pages.index(), to: folder.appendingPathComponent("index.html"))
            try write(pages.search(), to: folder.appendingPathComponent("search.html"))
            let bibliography = BibliographyPage(context: context, template: template)
            if !bibliography.citedKeys.isEmpty {
                try write(bibliography.page(), to: folder.appendingPathComponent(BibliographyPage.pageName))
            }

            var searchEntries: [SearchIndex.Entry] = []
            for (i, chapter) in book.chapters.enumerated() {
                guard let result = results[language.code]?[chapter.name] else { continue }
                let previous =
                    i == 0
                    ? PageTemplate.Link(href: "index.html", label: book.title)
                    : link(to: book.chapters[i - 1])
                let next = i + 1 < book.chapters.count ? link(to: book.chapters[i + 1]) : nil
                let html = template.page(
                    .chapter(chapter.name), title: "\(chapter.number). \(chapter.title)",
                    body: result.article, previous: previous, next: next)
                try write(html, to: folder.appendingPathComponent(RenderContext.pageName(of: chapter.name)))
                searchEntries += SearchIndex.entries(chapter: chapter, sections: result.sections)

                for image in result.images where copiedImages.insert(image.sitePath).inserted {
                    do {
                        try assets.copyFile(image.file, to: image.sitePath, in: site)
                    } catch {
                        context.error(
                            chapter.location(image.line),
                            "could not copy figure `\(image.sitePath)`: \(error.localizedDescription)")
                    }
                }
                // Images the prose shows with plain Markdown live in the chapters' img folders too.
                imageFolders.insert([
                    (chapter.path as NSString).deletingLastPathComponent, context.siteFolder(of: chapter),
                ])
            }
            try write(try SearchIndex.script(searchEntries), to: folder.appendingPathComponent("search-index.js"))
            // The whole book on one page: printed to the PDF, and printable from a browser.
            let articles = (results[language.code] ?? [:]).mapValues(\.article)
            let print = PrintPage(context: context, sections: sections[language.code] ?? [:])
            try write(print.html(articles: articles), to: folder.appendingPathComponent(PrintPage.pageName))
        }
        if let packager = options.packager {
            for chapter in book.chapters {
                do {
                    try packager.write(
                        chapter, of: book, to: site.appendingPathComponent(ChapterPackager.sitePath(of: chapter.name)))
                } catch {
                    originalContext.error(
                        SourceLocation(file: chapter.path, line: 0), "could not write the chapter's package: \(error)")
                }
            }
        }
        for pair in imageFolders.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let destination = pair[1].isEmpty ? site : site.appendingPathComponent(pair[1])
            try assets.copyFolder(
                book.root.appendingPathComponent(pair[0]).appendingPathComponent("img"),
                named: "img", into: destination)
        }
        if options.previewPass { return }
        try assets.copyTheme(into: site)
        if originalContext.hasKaTeX { try assets.copyKaTeX(into: site) }
    }

    /// A PDF whose page changed: printed into the site after the new pages are in place.
    struct PendingPDF {
        var page: String
        var pdf: String
        var language: SiteLanguage
        /// Where the printer's cache keeps it (the hash of the page and its assets, taken once).
        var cache: URL?
    }

    /// Gives each language its PDF in the new site. A PDF printed before from the same page
    /// comes from the printer's cache. Otherwise the previous site's PDF stands in for it, and
    /// the new one is printed once the pages are in place (`printPending`): printing takes
    /// seconds per language, and a reader who changed a cell wants the page first. Without a
    /// previous PDF it is printed now.
    private func preparePDFs(in fresh: URL, previous site: URL, contexts: [RenderContext]) -> [PendingPDF] {
        guard let printer = options.pdfPrinter else { return [] }
        let fm = FileManager.default
        var pending: [PendingPDF] = []
        for context in contexts {
            let language = context.language
            var job = PendingPDF(
                page: language.path(PrintPage.pageName), pdf: language.path(PrintPage.pdfName(of: language)),
                language: language)
            let page = fresh.appendingPathComponent(job.page), pdf = fresh.appendingPathComponent(job.pdf)
            // What the page loads: the theme, KaTeX and the figures (the plots are in the page).
            let assets = ["theme", "katex", "img", language.path("img")].map { fresh.appendingPathComponent($0) }
            let old = site.appendingPathComponent(job.pdf)
            do {
                job.cache = try printer.cacheFile(page, assets: assets)
                if let cache = job.cache, try printer.copy(cache, to: pdf) { continue }
                if fm.fileExists(atPath: old.path) {
                    try fm.copyItem(at: old, to: pdf)
                    pending.append(job)
                    continue
                }
                try printer.print(page, to: pdf, cachedAs: job.cache)
            } catch {
                context.error(SourceLocation(file: job.page, line: 0), "\(error)")
            }
        }
        return pending
    }

    /// Prints the PDFs that `preparePDFs` left for later into `site`, each replacing the previous
    /// one only when complete; the errors (the previous PDF stays).
    private func printPending(_ pending: [PendingPDF], in site: URL) -> [Diagnostic] {
        guard let printer = options.pdfPrinter, !pending.isEmpty else { return [] }
        let name = site.lastPathComponent, codes = pending.map(\.language.code).joined(separator: ", ")
        log?("the pages are in \(name); printing the PDF (\(codes)), meanwhile \(name) has the previous one")
        var diagnostics: [Diagnostic] = []
        for job in pending {
            do {
                try printer.print(
                    site.appendingPathComponent(job.page), to: site.appendingPathComponent(job.pdf), cachedAs: job.cache
                )
            } catch {
                diagnostics.append(
                    Diagnostic(SourceLocation(file: job.page, line: 0), "\(error); \(job.pdf) is the previous render's")
                )
            }
        }
        return diagnostics
    }

    /// Puts back the pages of the chapters not rendered this time, as they were in `site`.
    private func keepPages(from site: URL, into fresh: URL, contexts: [RenderContext]) {
        guard !keptPages.isEmpty else { return }
        let fm = FileManager.default
        for context in contexts {
            let folder = context.language.folder
            for name in keptPages.sorted() {
                let page = (folder.isEmpty ? "" : folder + "/") + RenderContext.pageName(of: name)
                let old = site.appendingPathComponent(page), new = fresh.appendingPathComponent(page)
                guard fm.fileExists(atPath: old.path) else { continue }
                try? fm.removeItem(at: new)
                try? fm.copyItem(at: old, to: new)
            }
        }
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
