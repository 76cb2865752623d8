import XCTest

@testable import BookEngine

/// Loads the fixture book `Books/render-basic` with `BookLoader` and renders it: the loader and
/// the renderer together, with each chapter's article compared to an expected snapshot.
///
/// After an intended change of the HTML, regenerate the snapshots with
/// `RENDER_UPDATE_SNAPSHOTS=1 swift test --filter RenderFixtureBookTests` and review the diff.
final class RenderFixtureBookTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Books/render-basic")
    var site: URL!

    override func setUp() {
        site = FileManager.default.temporaryDirectory.appendingPathComponent("render-basic-\(UUID().uuidString)/site")
    }
    override func tearDown() { try? FileManager.default.removeItem(at: site.deletingLastPathComponent()) }

    func render() throws -> [Diagnostic] {
        let book = try BookLoader.load(root: Self.fixture)
        let record = RunRecord(
            date: Date(timeIntervalSince1970: 1_700_000_000), seed: 0, arguments: [],
            toolchain: "Swift version 6.3.1", inputsHash: "feedfacefeedface", seconds: 1.25)
        let runs = [
            "basics": ChapterRun(
                chapter: "basics", cells: [CellOutput(index: 1, items: [.text("hello, world\n")], seconds: 0.02)],
                failure: nil, record: record),
            "stacking": ChapterRun(
                chapter: "stacking", cells: [CellOutput(index: 1, items: [.text("2\n")], seconds: 0.01)],
                failure: nil, record: record),
        ]
        let options = SiteOptions(
            bookRoot: Self.fixture, katexDirectory: site.appendingPathComponent("none"),
            katexFontsDirectory: site.appendingPathComponent("none"), requireKaTeX: false)
        return try SiteRenderer(book: book, runs: runs, options: options).render(into: site)
    }

    func page(_ name: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(name), encoding: .utf8)
    }

    func testLoadedBookRendersWithoutWarnings() throws {
        let warnings = try render()
        XCTAssertEqual(warnings.map(\.message).filter { !$0.contains("KaTeX") }, [])
        let stacking = try page("stacking.html")
        XCTAssertTrue(stacking.contains("<a class=\"ref ref-equation\" href=\"basics.html#eq_rec\">(1.1)</a>"))
        XCTAssertTrue(stacking.contains(">Fig. 1.1</a>"))
        XCTAssertTrue(stacking.contains("href=\"basics.html\" title=\"Basics\">Chapter 1</a>"))
        XCTAssertTrue(stacking.contains("href=\"basics.html#sec_recurrence\" title=\"Recurrence\">Section 1.1</a>"))
        let basics = try page("basics.html")
        XCTAssertTrue(basics.contains("href=\"stacking.html#sec_stack\" title=\"Layers on Layers\">Section 2.1</a>"))
        XCTAssertTrue(basics.contains("\\tag{1.1}</div>"))
        XCTAssertTrue(basics.contains("<span class=\"math inline\">h_t</span>"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: site.appendingPathComponent("img/grid.svg").path))
    }

    func testArticlesMatchSnapshots() throws {
        try render()
        for chapter in ["basics", "stacking"] {
            let html = try page("\(chapter).html")
            let article = try XCTUnwrap(html.between("<main id=\"page-content\" class=\"content\">\n", "\n<footer"))
            let expectedURL = Self.fixture.appendingPathComponent("expected/\(chapter).html")
            if ProcessInfo.processInfo.environment["RENDER_UPDATE_SNAPSHOTS"] == "1" {
                try FileManager.default.createDirectory(
                    at: expectedURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                try article.write(to: expectedURL, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: expectedURL, encoding: .utf8)
            if article != expected {
                let lines = zip(
                    article.split(separator: "\n", omittingEmptySubsequences: false),
                    expected.split(separator: "\n", omittingEmptySubsequences: false)
                ).enumerated()
                let first = lines.first { $0.element.0 != $0.element.1 }
                XCTFail(
                    """
                    \(chapter).html differs from Books/render-basic/expected/\(chapter).html at line \((first?.offset ?? 0) + 1):
                      got:      \(first.map { String($0.element.0) } ?? "(length differs)")
                      expected: \(first.map { String($0.element.1) } ?? "")
                    (RENDER_UPDATE_SNAPSHOTS=1 regenerates the snapshots)
                    """)
            }
        }
    }
}
