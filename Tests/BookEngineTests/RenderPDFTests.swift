import XCTest

@testable import BookEngine

/// The book's PDF, printed by a stand-in for Chromium: a script that writes the page it was
/// given into the PDF and logs, for each print, the page's path and whether the chapter page
/// beside it already has the changed prose.
final class RenderPDFTests: XCTestCase {
    var fixture: RenderFixture!
    var printer: PDFPrinter!
    var printLog: URL { fixture.root.appendingPathComponent("prints.log") }
    var failFlag: URL { fixture.root.appendingPathComponent("printer-fails") }

    override func setUpWithError() throws {
        fixture = try RenderFixture()
        let script = fixture.root.appendingPathComponent("fake-chromium")
        try """
        #!/bin/sh
        [ -e '\(failFlag.path)' ] && { echo "cannot print" >&2; exit 1; }
        for a in "$@"; do
          case $a in --print-to-pdf=*) out=${a#--print-to-pdf=} ;; file://*) page=${a#file://} ;; esac
        done
        changed=$(grep -c 'Changed prose' "$(dirname "$page")/intro.html")
        echo "$page $changed" >> '\(printLog.path)'
        { echo '%PDF-fake'; cat "$page"; } > "$out"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        printer = PDFPrinter(chromium: script)
        printer.cacheFolder = fixture.root.appendingPathComponent("pdf-cache")
    }

    override func tearDown() { fixture.remove() }

    private func render(log: ((String) -> Void)? = nil) throws -> [Diagnostic] {
        var options = fixture.options
        options.pdfPrinter = printer
        var renderer = SiteRenderer(book: fixture.book, runs: fixture.runs, options: options)
        renderer.log = log
        return try renderer.render(into: fixture.site)
    }

    private func changeProse() {
        fixture.book.chapters[0].blocks[1] = .prose(Prose(html: "<p>Changed prose.</p>\n", line: 4))
    }

    private var prints: [String] {
        ((try? String(contentsOf: printLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    private var pdf: String {
        (try? String(contentsOf: fixture.site.appendingPathComponent("book-en.pdf"), encoding: .utf8)) ?? ""
    }

    func testAChangedPageIsInTheSiteBeforeItsPDFIsPrinted() throws {
        // The first render has no PDF to stand in: it prints before the site goes in.
        try render()
        XCTAssertEqual(prints.count, 1)
        XCTAssertFalse(
            (prints.first ?? "").hasPrefix(fixture.site.path + "/"), "printed in the folder being built: \(prints)")
        XCTAssertTrue(pdf.hasPrefix("%PDF-fake"))
        XCTAssertTrue(try fixture.page("intro.html").contains("pdf-link"))

        // A changed page goes into the site first; the PDF is printed from the site after it.
        changeProse()
        var messages: [String] = []
        let diagnostics = try render { messages.append($0) }
        XCTAssertFalse(diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
        XCTAssertEqual(prints.count, 2)
        XCTAssertEqual(prints.last, fixture.site.appendingPathComponent(PrintPage.pageName).path + " 1")
        XCTAssertEqual(messages.count, 1)
        let message = messages.first ?? ""
        XCTAssertTrue(message.hasPrefix("the pages are in site; printing the PDF (en)"), message)
        XCTAssertTrue(pdf.contains("Changed prose"), "the new PDF replaced the previous one")

        // Nothing changed: the PDF comes from the printer's cache.
        messages = []
        try render { messages.append($0) }
        XCTAssertEqual(prints.count, 2)
        XCTAssertEqual(messages, [])
        XCTAssertTrue(pdf.contains("Changed prose"))
    }

    func testAFailedPrintKeepsThePreviousPDFAndIsAnError() throws {
        try render()
        let previous = pdf
        changeProse()
        try Data().write(to: failFlag)
        let diagnostics = try render()
        let errors = diagnostics.filter { $0.severity == .error }
        XCTAssertEqual(errors.count, 1, "\(diagnostics)")
        XCTAssertTrue(errors.first?.description.contains("book-en.pdf is the previous render's") ?? false, "\(errors)")
        XCTAssertTrue(try fixture.page("intro.html").contains("Changed prose"), "the pages are the new ones")
        XCTAssertEqual(pdf, previous)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: fixture.site.appendingPathComponent(".book-en.pdf.partial").path))

        // The next render prints it.
        try FileManager.default.removeItem(at: failFlag)
        XCTAssertFalse(try render().contains { $0.severity == .error })
        XCTAssertTrue(pdf.contains("Changed prose"))
    }
}
