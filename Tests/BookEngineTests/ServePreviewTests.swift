import XCTest

@testable import BookEngine

/// `LivePreview`: a prose edit rewrites only its page, errors are published while the last
/// good site stays served, and a changed cell queues its chapter.
final class ServePreviewTests: XCTestCase {
    var book: TestBook!
    var site: URL { book.root.appendingPathComponent("site") }

    override func setUpWithError() throws {
        book = try TestBook(chapters: [
            ("one", "# One\n\nFirst words.\n\n```swift\nprint(1)\n```\n"),
            ("two", "# Two\n\nOther words.\n"),
        ])
    }

    override func tearDown() { book.remove() }

    private func preview(runs: Bool = false) -> LivePreview {
        let preview = LivePreview(
            root: book.root, site: site, settings: RunSettings(),
            siteOptions: SiteOptions(bookRoot: book.root, requireKaTeX: false))
        preview.progress = Progress(style: .silent)
        preview.runsChapters = runs
        return preview
    }

    private func edit(_ name: String, _ text: String) throws {
        try text.write(to: book.root.appendingPathComponent("Chapters/\(name).md"), atomically: true, encoding: .utf8)
    }

    private func page(_ name: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(name), encoding: .utf8)
    }

    func testProseEditRewritesOnlyItsPage() throws {
        let preview = preview()
        let first = preview.update()
        XCTAssertTrue(first.contains("one.html") && first.contains("theme/book.css"))
        XCTAssertEqual(preview.state.snapshot(page: "one.html", since: 0).errors, [])
        XCTAssertFalse(try page("one.html").contains("livereload"), "the script is never written into the site")
        let two =
            try FileManager.default.attributesOfItem(atPath: site.appendingPathComponent("two.html").path)[
                .modificationDate] as? Date

        try edit("one", "# One\n\nFirst words, edited.\n\n```swift\nprint(1)\n```\n")
        let changed = preview.update()
        // The whole-book print page (for the PDF) holds every chapter, so it changes with each one.
        XCTAssertEqual(changed.filter { $0.hasSuffix(".html") && $0 != "book-print.html" }, ["one.html"])
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: site.appendingPathComponent("theme/book.css").path),
            "the quick pass keeps the theme the first render wrote")
        XCTAssertTrue(try page("one.html").contains("First words, edited."))
        XCTAssertEqual(
            try FileManager.default.attributesOfItem(atPath: site.appendingPathComponent("two.html").path)[
                .modificationDate] as? Date, two)
        let snapshot = preview.state.snapshot(page: "one.html", since: 1)
        XCTAssertTrue(snapshot.reload)
        XCTAssertFalse(preview.state.snapshot(page: "two.html", since: 1).reload)
        // Quick passes follow one another (the staging folder of the last one is no obstacle).
        try edit("one", "# One\n\nFirst words, edited twice.\n\n```swift\nprint(1)\n```\n")
        XCTAssertEqual(preview.update().filter { $0.hasSuffix(".html") && $0 != "book-print.html" }, ["one.html"])
        XCTAssertEqual(preview.state.snapshot(page: "one.html", since: 0).errors, [])
        XCTAssertTrue(try page("one.html").contains("First words, edited twice."))
    }

    func testBrokenChapterShowsErrorsAndKeepsTheSite() throws {
        let preview = preview()
        preview.update()
        try edit("two", "# Two\n\n```swift bogus\nx\n```\n")
        XCTAssertEqual(preview.update(), [])
        let errors = preview.state.snapshot(page: "two.html", since: 0).errors
        XCTAssertTrue(
            errors.contains { $0.hasPrefix("Chapters/two.md:3: error:") && $0.contains("bogus") }, "\(errors)")
        XCTAssertTrue(try page("two.html").contains("Other words."), "the last good page stays")
        try edit("two", "# Two\n\nFixed words.\n")
        preview.update()
        XCTAssertEqual(preview.state.snapshot(page: "two.html", since: 0).errors, [])
        XCTAssertTrue(try page("two.html").contains("Fixed words."))
    }

    func testChangedCellsRunAndTheirFailureShowsOnThePage() throws {
        // No Package.swift in the test book: the chapter's build fails, and the page says so.
        let preview = preview(runs: true)
        preview.update()
        XCTAssertEqual(
            preview.state.snapshot(page: "one.html", since: 0).running, ["one"],
            "outputs not yet current (two has no code to run)")
        let deadline = Date().addingTimeInterval(120)
        while preview.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertTrue(preview.hasFinishedRuns)
        preview.update()
        let state = preview.state.snapshot(page: "one.html", since: 0)
        XCTAssertEqual(state.running, [])
        XCTAssertTrue(
            state.errors.contains { $0.hasPrefix("Chapters/one.md") && $0.contains("compile") }, "\(state.errors)")
        XCTAssertTrue(try page("one.html").contains("This chapter's program did not compile"))
        // Prose edits do not run the chapter again.
        try edit("one", "# One\n\nFirst words, again.\n\n```swift\nprint(1)\n```\n")
        preview.update()
        XCTAssertEqual(preview.state.snapshot(page: "one.html", since: 0).running, [])
        preview.stop()
    }

    func testSyncTouchesOnlyChangedFilesAndRemovesStaleOnes() throws {
        let fresh = book.root.appendingPathComponent("fresh"), target = book.root.appendingPathComponent("target")
        for (folder, files) in [
            (fresh, ["a.html": "A", "img/b.svg": "B2"]), (target, ["a.html": "A", "img/b.svg": "B", "old.html": "O"]),
        ] {
            for (path, text) in files {
                let url = folder.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
        }
        XCTAssertEqual(try SiteSync.sync(fresh, into: target), ["img/b.svg", "old.html"])
        XCTAssertEqual(SiteSync.files(under: target), ["a.html", "img/b.svg"])
        XCTAssertEqual(try SiteSync.sync(fresh, into: target), [])
        try Data("T".utf8).write(to: target.appendingPathComponent("img/kept.svg"))
        XCTAssertEqual(try SiteSync.sync(fresh, into: target, keeping: ["img/"]), [])
        XCTAssertEqual(try SiteSync.sync(fresh, into: target), ["img/kept.svg"])
    }
}
