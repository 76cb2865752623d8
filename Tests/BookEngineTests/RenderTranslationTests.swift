import XCTest

@testable import BookEngine

/// The fixture book `Books/render-i18n` (English, with Chinese and Indonesian translations) loaded
/// by `BookLoader` and `TranslationLoader` and rendered as one site: the original at the root,
/// each translation in `<code>/`.
final class RenderTranslationTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Books/render-i18n")
    var site: URL!

    override func setUp() {
        site = FileManager.default.temporaryDirectory.appendingPathComponent("render-i18n-\(UUID().uuidString)/site")
    }
    override func tearDown() { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }

    static let record = RunRecord(
        date: Date(timeIntervalSince1970: 1_700_000_000), seed: 0, arguments: [],
        toolchain: "Swift version 6.3.1", inputsHash: "feedfacefeedface", seconds: 1.25)

    var runs: [String: ChapterRun] = [
        "basics": ChapterRun(
            chapter: "basics",
            cells: [
                CellOutput(index: 1, items: [.text("hello, world\n")], seconds: 0.02),
                CellOutput(index: 2, items: [.text("2\n")], seconds: 0.01),
            ], failure: nil, record: record),
        "stacking": ChapterRun(
            chapter: "stacking", cells: [CellOutput(index: 1, items: [.text("layers: 2\n")], seconds: 0.01)],
            failure: nil, record: record),
    ]

    /// The original and its translations, as `book render` loads them.
    func load() throws -> (Book, [Book]) {
        let book = try BookLoader.load(root: Self.fixture)
        let (books, problems) = TranslationLoader.load(book)
        XCTAssertEqual(problems.filter { $0.severity == .error }, [])
        return (book, book.config.languages.dropFirst().compactMap { books[$0.code] })
    }

    var options: SiteOptions {
        SiteOptions(
            bookRoot: Self.fixture, katexDirectory: site.appendingPathComponent("none"),
            katexFontsDirectory: site.appendingPathComponent("none"), requireKaTeX: false)
    }

    @discardableResult
    func render(_ change: (inout Book, inout [Book]) -> Void = { _, _ in }) throws -> [Diagnostic] {
        var (book, translations) = try load()
        change(&book, &translations)
        return try SiteRenderer(book: book, runs: runs, options: options, translations: translations).render(into: site)
    }

    func page(_ name: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(name), encoding: .utf8)
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: site.appendingPathComponent(name).path)
    }

    // MARK: - Pages and assets

    func testEveryLanguageHasItsPagesAndTheAssetsAreShared() throws {
        let warnings = try render()
        XCTAssertEqual(warnings.filter { !$0.message.contains("KaTeX") }, [], "\(warnings)")
        for code in ["", "zh/", "id/"] {
            for file in ["index.html", "search.html", "search-index.js", "basics.html", "stacking.html"] {
                XCTAssertTrue(exists(code + file), code + file)
            }
        }
        for file in ["theme/book.css", "theme/book.js", "theme/search.js", "img/grid.svg"] {
            XCTAssertTrue(exists(file), file)
        }
        for folder in ["zh/theme", "zh/img/grid.svg", "id/theme", "id/img", "zh/katex"] {
            XCTAssertFalse(exists(folder), folder)
        }

        let zh = try page("zh/basics.html")
        XCTAssertTrue(zh.contains("<html lang=\"zh\">"))
        XCTAssertTrue(try page("id/basics.html").contains("<html lang=\"id\">"))
        XCTAssertTrue(try page("basics.html").contains("<html lang=\"en\">"))
        XCTAssertTrue(zh.contains("<link rel=\"stylesheet\" href=\"../theme/book.css\">"))
        XCTAssertTrue(zh.contains("<script src=\"../theme/theme.js\"></script>"))
        XCTAssertTrue(zh.contains("<script defer src=\"../theme/book.js\"></script>"))
        XCTAssertTrue(zh.contains("<title>1. 基础 · 小书</title>"))
        // The figure is the original's file, whether the translation names it from its own folder
        // (zh: ../img/grid.svg) or as the original does (id: img/grid.svg).
        XCTAssertTrue(zh.contains("<img src=\"../img/grid.svg\" alt=\"循环层的两个时间步。\">"), zh)
        XCTAssertTrue(try page("id/basics.html").contains("<img src=\"../img/grid.svg\""))
        XCTAssertTrue(try page("basics.html").contains("<img src=\"img/grid.svg\""))
        // Pages of a language link within it.
        XCTAssertTrue(zh.contains("<a class=\"pager-next\" href=\"stacking.html\">"))
        XCTAssertTrue(zh.contains("<form class=\"search-form\" action=\"search.html\""))
        XCTAssertTrue(
            try page("zh/stacking.html").contains(
                "<a class=\"ref ref-section\" href=\"basics.html#sec_recurrence\" title=\"递推\">第 1.1 节</a>"))
    }

    func testTranslatedPageShowsTheSameCodeAndOutputs() throws {
        try render()
        let english = try page("basics.html")
        for translated in [try page("zh/basics.html"), try page("id/basics.html")] {
            for cell in ["basics-1", "basics-2"] {
                let code = try XCTUnwrap(
                    english.between("id=\"cell-\(cell)\"", "</pre>")?.components(separatedBy: "<pre").last)
                XCTAssertTrue(translated.contains(code), "the code of \(cell)")
            }
            XCTAssertTrue(translated.contains("<pre class=\"output-text\">hello, world</pre>"))
            XCTAssertTrue(english.contains("<pre class=\"output-text\">hello, world</pre>"))
            XCTAssertTrue(translated.contains("<pre class=\"output-text\">2</pre>"), "the doctest's expected output")
        }
        XCTAssertTrue(try page("zh/stacking.html").contains("layers: 2"))
    }

    func testATranslationsOwnImagesAreBesideItsPages() throws {
        try render()
        XCTAssertTrue(exists("zh/img/stack-zh.svg"))
        XCTAssertFalse(exists("img/stack-zh.svg"))
        XCTAssertTrue(try page("zh/stacking.html").contains("<img src=\"img/stack-zh.svg\" alt=\"层\" />"))
    }

    func testAChapterNotTranslatedYetIsTheOriginalsInTheTranslationsFrame() throws {
        try render { book, translations in translations[0].chapters[0] = book.chapters[0] }
        let zh = try page("zh/basics.html")
        XCTAssertTrue(zh.contains("<html lang=\"zh\">"))
        XCTAssertTrue(zh.contains("<article class=\"chapter\" lang=\"en\">"))
        XCTAssertTrue(zh.contains("<h2 id=\"sec_recurrence\"><span class=\"section-number\">1.1</span> Recurrence"))
        XCTAssertTrue(zh.contains("<img src=\"../img/grid.svg\""))
        XCTAssertTrue(zh.contains(">上一页</span>"), "the frame is the translation's")
        XCTAssertFalse(try page("zh/stacking.html").contains("<article class=\"chapter\" lang="))
    }

    // MARK: - Language switcher

    func testSwitcherLinksToTheSameChapterInEveryLanguage() throws {
        try render()
        let english = try page("basics.html")
        let switcher = try XCTUnwrap(
            english.between("<nav class=\"language-switcher\" aria-label=\"Language\">", "</nav>"))
        XCTAssertTrue(
            switcher.contains(
                "<a href=\"basics.html\" hreflang=\"en\" lang=\"en\" aria-current=\"page\"><span class=\"language-name\">English</span>"
            ))
        XCTAssertTrue(
            switcher.contains(
                "<a href=\"zh/basics.html\" hreflang=\"zh\" lang=\"zh\" data-anchors=\"sec_recurrence running-it\"><span class=\"language-name\">中文</span>"
            ), switcher)
        // The Indonesian `Menjalankannya` records no :original:, so its anchor is its own: not offered.
        XCTAssertTrue(
            switcher.contains(
                "<a href=\"id/basics.html\" hreflang=\"id\" lang=\"id\" data-anchors=\"sec_recurrence\"><span class=\"language-name\">Bahasa Indonesia</span>"
            ), switcher)
        XCTAssertTrue(english.contains("<link rel=\"alternate\" hreflang=\"zh\" href=\"zh/basics.html\">"))

        let zh = try XCTUnwrap(
            try page("zh/basics.html").between("<nav class=\"language-switcher\" aria-label=\"语言\">", "</nav>"))
        XCTAssertTrue(
            zh.contains(
                "<a href=\"../basics.html\" hreflang=\"en\" lang=\"en\" data-anchors=\"sec_recurrence running-it\">"),
            zh)
        XCTAssertTrue(zh.contains("<a href=\"basics.html\" hreflang=\"zh\" lang=\"zh\" aria-current=\"page\">"))
        XCTAssertTrue(
            zh.contains("<a href=\"../id/basics.html\" hreflang=\"id\" lang=\"id\" data-anchors=\"sec_recurrence\">"))

        // The index and search pages switch to the other language's index and search.
        XCTAssertTrue(try page("index.html").contains("<a href=\"zh/index.html\" hreflang=\"zh\" lang=\"zh\">"))
        XCTAssertTrue(try page("zh/search.html").contains("<a href=\"../search.html\" hreflang=\"en\" lang=\"en\">"))
        XCTAssertTrue(try page("id/search.html").contains("<a href=\"../zh/search.html\" hreflang=\"zh\" lang=\"zh\">"))
    }

    func testEverySwitcherAnchorIsASectionOfTheTargetPage() throws {
        try render()
        var checked = 0
        for source in ["basics.html", "stacking.html", "zh/basics.html", "zh/stacking.html", "id/basics.html"] {
            let html = try page(source)
            let folder = (source as NSString).deletingLastPathComponent
            for (value, _) in LinkChecker.anchorLinks(in: html) {
                let parts = value.split(separator: "#").map(String.init)
                let target = LinkChecker.normalize(folder.isEmpty ? parts[0] : "\(folder)/\(parts[0])") ?? ""
                XCTAssertTrue(try page(target).contains("<h2 id=\"\(parts[1])\">"), "\(source) → \(value)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 8)
    }

    func testLinkCheckerRejectsASwitcherAnchorTheTargetLacks() throws {
        let folder = site.deletingLastPathComponent().appendingPathComponent("links")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("zh"), withIntermediateDirectories: true)
        try "<nav><a href=\"zh/a.html\" hreflang=\"zh\" data-anchors=\"here gone\">中文</a></nav>"
            .write(to: folder.appendingPathComponent("a.html"), atomically: true, encoding: .utf8)
        try "<h2 id=\"here\">这里</h2>".write(
            to: folder.appendingPathComponent("zh/a.html"), atomically: true, encoding: .utf8)
        let problems = LinkChecker(site: folder).check()
        XCTAssertEqual(problems.map(\.message), ["broken link: zh/a.html#gone (no id `gone` in zh/a.html)"])
    }

    // MARK: - Search, words, CJK

    func testEachLanguageSearchesItsOwnIndex() throws {
        try render()
        let zh = try page("zh/search-index.js")
        XCTAssertTrue(zh.contains("\"title\":\"1.1 递推\""), zh)
        XCTAssertTrue(zh.contains("\"url\":\"basics.html#sec_recurrence\""))
        XCTAssertFalse(zh.contains("Recurrence"))
        XCTAssertFalse(try page("search-index.js").contains("递推"))
        XCTAssertTrue(try page("id/search-index.js").contains("Rekurensi"))
        let search = try page("zh/search.html")
        XCTAssertTrue(search.contains("<script defer src=\"search-index.js\"></script>"))
        XCTAssertTrue(search.contains("<script defer src=\"../theme/search.js\"></script>"))
        XCTAssertTrue(search.contains("<h1>搜索</h1>"))
        XCTAssertTrue(try page("id/search.html").contains("placeholder=\"Cari di buku ini…\""))
    }

    func testChineseLinesJoinWithoutSpaces() throws {
        try render()
        let zh = try page("zh/basics.html")
        XCTAssertTrue(zh.contains("这一段在源文件里被折成两行"))
        XCTAssertTrue(
            zh.contains("<span class=\"math-glue\"><span class=\"math inline\">h_t</span>，</span>每一步"),
            "no line starts with the comma after a formula")
        XCTAssertTrue(
            try page("zh/search-index.js").contains("源文件里被折成两行"), "search finds words across the source's line breaks")
    }

    func testRendererWordsAreInThePageLanguage() throws {
        try render()
        let zh = try page("zh/basics.html")
        for words in [
            "跳到正文", ">上一页</span>", ">下一页</span>", "<span class=\"output-label\">输出</span>", "✓ 已由 doctest 检查",
            "<span class=\"caption-number\">图 1.1</span>", "输出生成于", "aria-label=\"链接到本节\"", ">图 1.1</a>",
        ] {
            XCTAssertTrue(zh.contains(words), words)
        }
        XCTAssertTrue(zh.contains("data-ui=\"{&quot;copied&quot;:&quot;已复制&quot;"), "the scripts' words")
        let indonesian = try page("id/basics.html")
        for words in [
            ">Sebelumnya</span>", ">Keluaran</span>", "✓ diperiksa oleh doctest", "Gambar 1.1:", ">Bagian 2.1</a>",
        ] {
            XCTAssertTrue(indonesian.contains(words), words)
        }
        XCTAssertTrue(try page("zh/index.html").contains("<h2 id=\"contents\">目录</h2>"))
        let english = try page("basics.html")
        XCTAssertTrue(english.contains(">Previous</span>") && english.contains("✓ checked by doctest"))
        XCTAssertFalse(english.contains("data-ui="))
    }

    // MARK: - Failures

    func testFailureInATranslatedPagePointsAtTheOriginalsLines() throws {
        let (book, _) = try load()
        let cell = try XCTUnwrap(book.chapters[0].cells.first)
        runs["basics"]?.failure = RunFailure(
            kind: .trap, cell: nil, line: cell.codeLine + 1,
            message: "Fatal error: boom\nChapters/basics.md:\(cell.codeLine + 1)")
        runs["basics"]?.cells = []
        try render()
        let zh = try page("zh/basics.html")
        let banner = try XCTUnwrap(zh.between("<div class=\"banner banner-error\" role=\"alert\">", "</div>"))
        XCTAssertTrue(banner.contains("本章程序因运行时错误而停止"), banner)
        XCTAssertTrue(banner.contains("<code>Chapters/basics.md:\(cell.codeLine + 1)</code>"), banner)
        XCTAssertTrue(banner.contains("href=\"#cell-basics-1\""), "the failing cell is found by the original's line")
        let failing = try XCTUnwrap(zh.between("id=\"cell-basics-1\"", "id=\"cell-basics-2\""))
        XCTAssertTrue(failing.contains("<span class=\"output-label\">运行时错误</span>"))
        XCTAssertTrue(try XCTUnwrap(zh.between("id=\"cell-basics-2\"", "</article>")).contains(">未执行到</span>"))
    }

    func testABrokenTranslationLeavesTheWholeOldSite() throws {
        try render()
        let before = try page("basics.html")
        XCTAssertThrowsError(
            try render { _, translations in
                guard
                    case .figure(var figure)? = translations[0].chapters[0].blocks.first(where: {
                        if case .figure = $0 { return true } else { return false }
                    }),
                    let index = translations[0].chapters[0].blocks.firstIndex(where: {
                        if case .figure = $0 { return true } else { return false }
                    })
                else { return XCTFail("fixture changed") }
                figure.source = "../img/missing.svg"
                translations[0].chapters[0].blocks[index] = .figure(figure)
            }
        ) { error in
            XCTAssertTrue(
                "\(error)".contains("Chapters/zh/basics.md:19: error: figure file `../img/missing.svg` not found"),
                "\(error)")
        }
        XCTAssertEqual(try page("basics.html"), before)
        XCTAssertTrue(exists("zh/basics.html"))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: site.deletingLastPathComponent().path)
        XCTAssertEqual(siblings, ["site"], "the unfinished site is removed")
    }

    func testTranslationCodesMustBeUsableFolders() throws {
        XCTAssertThrowsError(
            try render { book, translations in
                translations[1] = translations[0]  // zh twice
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("the site has the language `zh` twice"), "\(error)")
        }
        XCTAssertThrowsError(
            try render { book, translations in
                for i in translations[0].chapters.indices { translations[0].chapters[i].language = "img" }
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("not `img`"), "\(error)")
        }
    }
}

final class RenderI18nPiecesTests: XCTestCase {
    func testLineBreaksBetweenChineseCharactersGo() {
        XCTAssertEqual(CJK.joinLines("<p>中文\n文字</p>"), "<p>中文文字</p>")
        XCTAssertEqual(CJK.joinLines("中文，  \n  文字"), "中文，文字")
        XCTAssertEqual(CJK.joinLines("<em>中文</em>\n<code>x</code>文字"), "<em>中文</em>\n<code>x</code>文字")
        XCTAssertEqual(CJK.joinLines("强调<em>中文</em>\n<strong>文字</strong>"), "强调<em>中文</em><strong>文字</strong>")
        XCTAssertEqual(CJK.joinLines("中文\nSwift 代码"), "中文\nSwift 代码")
        XCTAssertEqual(CJK.joinLines("two\nwords"), "two\nwords")
        XCTAssertEqual(CJK.joinLines("한국어\n문장"), "한국어\n문장", "Korean keeps its spaces")
        XCTAssertEqual(CJK.joinLines("段落一。\n\n段落二"), "段落一。\n\n段落二", "blank lines stay")
    }

    func testRelativeLinksBetweenLanguageFolders() {
        XCTAssertEqual(SiteLanguage.relativeLink(from: "", to: "img/a.svg"), "img/a.svg")
        XCTAssertEqual(SiteLanguage.relativeLink(from: "zh", to: "img/a.svg"), "../img/a.svg")
        XCTAssertEqual(SiteLanguage.relativeLink(from: "zh", to: "zh/img/a.svg"), "img/a.svg")
        XCTAssertEqual(SiteLanguage.relativeLink(from: "zh", to: "id/img/a.svg"), "../id/img/a.svg")
        XCTAssertTrue(SiteLanguage.isValidCode("pt-BR"))
        XCTAssertFalse(SiteLanguage.isValidCode("../x"))
        XCTAssertFalse(SiteLanguage.isValidCode(""))
    }

    func testUIStringsFallBackToEnglish() {
        XCTAssertEqual(UIText(language: "zh-Hans")("Next"), "下一页")
        XCTAssertEqual(UIText(language: "fr")("Next"), "Next")
        XCTAssertEqual(UIText(language: "id")("ran in {}", "2.00 s"), "berjalan 2.00 s")
        XCTAssertEqual(UIText(language: "en")("Chapter {}", "3"), "Chapter 3")
        XCTAssertEqual(UIText(language: "en").scriptStrings, [:])
    }

    /// Every key of every table is a string the renderer or the theme's scripts use, and the
    /// tables translate the same strings.
    func testUITablesMatchTheRenderersStrings() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/BookEngine/Render").standardizedFileURL
        var text = ""
        for file in try FileManager.default.contentsOfDirectory(atPath: sources.path)
        where file.hasSuffix(".swift") && file != "UIText.swift" {
            text += try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
        }
        let scriptKeys = Set(UIText.scriptKeys.map(\.1))
        for (language, table) in UIText.tables {
            for key in table.keys where !scriptKeys.contains(key) {
                XCTAssertTrue(text.contains("\"\(key)\""), "\(language): `\(key)` is used nowhere")
            }
            for key in scriptKeys { XCTAssertNotNil(table[key], "\(language) lacks the script string `\(key)`") }
        }
        let zh = Set(UIText.chinese.keys), id = Set(UIText.indonesian.keys)
        XCTAssertEqual(zh.subtracting(id).subtracting([". "]), [], "only in the Chinese table")
        XCTAssertEqual(id.subtracting(zh), [], "only in the Indonesian table")
    }
}
