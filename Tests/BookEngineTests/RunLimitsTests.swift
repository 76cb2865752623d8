import XCTest

@testable import BookEngine

/// A chapter's program cannot flood the pages, the disk or the machine.
final class RunLimitsTests: XCTestCase {
    func testACellsOutputIsCutOnThePageWithANote() {
        let token = "t"
        let line = String(repeating: "x", count: 99) + "\n"  // 100 bytes
        let stdout =
            "\n\u{1E}book:t:begin 1\n" + String(repeating: line, count: 30_000) + "\n\u{1E}book:t:end 1 1.0\n"
            + "\n\u{1E}book:t:begin 2\nsmall\n\u{1E}book:t:end 2 1.0\n"
        let parsed = CaptureParser.parse(
            stdout, figures: URL(fileURLWithPath: "/nonexistent"), token: token, cellLimit: 1 << 20)
        XCTAssertEqual(parsed.cells.count, 2)
        let first = parsed.cells[0].text
        XCTAssertLessThanOrEqual(first.utf8.count, (1 << 20) + 200)
        XCTAssertTrue(
            first.hasSuffix("[1.9 MB more output cut here: a page shows at most 1.0 MB of a cell's output]"),
            String(first.suffix(120)))
        XCTAssertEqual(parsed.cells[1].text, "small")
        // A cell that never ends (a trap) keeps its text as printed.
        let trapped = CaptureParser.parse(
            "\n\u{1E}book:t:begin 3\nbefore\n", figures: URL(fileURLWithPath: "/nonexistent"), token: token)
        XCTAssertEqual(trapped.cells.first?.text, "before\n")
        XCTAssertEqual(trapped.unfinishedCell, 3)
    }

    func testDefaultLimits() {
        let settings = RunSettings()
        XCTAssertLessThanOrEqual(settings.timeout, 600, "far below the old 30 minutes")
        XCTAssertEqual(settings.cellOutputLimit, 1 << 20)
        XCTAssertGreaterThan(settings.memoryLimit, 0)
    }

    func testAProgramOverItsMemoryLimitIsStopped() throws {
        let perl = try XCTUnwrap(Subprocess.which("perl"), "perl is part of every Debian or Ubuntu base system")
        let clock = Date()
        let result = try Subprocess.run(
            perl, ["-e", "my $x = 'a' x (400 * 1024 * 1024); sleep 20"],
            in: URL(fileURLWithPath: "/"), timeout: 30, memoryLimit: 100 << 20)
        XCTAssertTrue(result.memoryExceeded)
        XCTAssertLessThan(Date().timeIntervalSince(clock), 15)
        let small = try Subprocess.run(
            perl, ["-e", "print 'ok'"], in: URL(fileURLWithPath: "/"), memoryLimit: 100 << 20)
        XCTAssertFalse(small.memoryExceeded)
        XCTAssertEqual(small.stdout, "ok")
    }

    func testAProgramPrintingWithoutEndIsStopped() throws {
        let result = try Subprocess.run(
            "/usr/bin/yes", [], in: URL(fileURLWithPath: "/"), timeout: 30, outputLimit: 1 << 20)
        XCTAssertTrue(result.outputExceeded)
        XCTAssertFalse(result.timedOut)
        XCTAssertLessThanOrEqual(result.stdout.utf8.count, 1 << 20)
    }
}

/// `book render --output` cannot replace the book, its sources or a folder it did not make.
final class SiteFolderTests: XCTestCase {
    func testTheSiteMayNotReplaceTheBookOrAForeignFolder() throws {
        let book = try TestBook(
            chapters: [("intro", "# Intro\n\nText.\n")],
            extraFiles: [
                "Sources/X/x.swift": Data("x".utf8),
                "mine/notes.txt": Data("keep".utf8),
            ])
        defer { book.remove() }
        let loaded = try book.load()
        let options = SiteOptions(
            bookRoot: book.root, katexDirectory: book.root.appendingPathComponent("none"),
            katexFontsDirectory: book.root.appendingPathComponent("none"), requireKaTeX: false)
        for output in [".", "Chapters", "Chapters/site", "Sources", "..", "mine"] {
            let site = book.root.appendingPathComponent(output)
            XCTAssertThrowsError(try SiteRenderer(book: loaded, runs: [:], options: options).render(into: site), output)
            { error in
                XCTAssertTrue("\(error)".contains("choose"), "\(error)")
            }
        }
        XCTAssertEqual(
            try String(contentsOf: book.root.appendingPathComponent("mine/notes.txt"), encoding: .utf8), "keep")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: book.root.appendingPathComponent("Chapters/intro.md").path))
        // A new folder, then the same folder again (a site the renderer made), are fine.
        let site = book.root.appendingPathComponent("site")
        XCTAssertNoThrow(try SiteRenderer(book: loaded, runs: [:], options: options).render(into: site))
        XCTAssertNoThrow(try SiteRenderer(book: loaded, runs: [:], options: options).render(into: site))
    }
}
