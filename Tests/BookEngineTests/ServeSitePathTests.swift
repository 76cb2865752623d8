import XCTest

@testable import BookEngine

/// `book serve` never hands out a file from outside the site, however the path is spelled.
final class ServeSitePathTests: XCTestCase {
    var folder: URL!
    var site: URL { folder.appendingPathComponent("site") }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("zh"), withIntermediateDirectories: true)
        try Data("root".utf8).write(to: site.appendingPathComponent("index.html"))
        try Data("zh".utf8).write(to: site.appendingPathComponent("zh/index.html"))
        try Data("page".utf8).write(to: site.appendingPathComponent("a b.html"))
        try Data("secret".utf8).write(to: folder.appendingPathComponent("secret.txt"))
        try Data("hidden".utf8).write(to: site.appendingPathComponent(".hidden"))
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testServesFilesAndFolderIndexes() {
        XCTAssertEqual(SitePath.resolve("/", in: site)?.lastPathComponent, "index.html")
        XCTAssertEqual(
            SitePath.resolve("/zh/", in: site)?.path,
            site.appendingPathComponent("zh/index.html").resolvingSymlinksInPath().path)
        XCTAssertEqual(
            SitePath.resolve("/zh", in: site)?.path,
            site.appendingPathComponent("zh/index.html").resolvingSymlinksInPath().path)
        XCTAssertEqual(SitePath.resolve("/a%20b.html?x=1", in: site)?.lastPathComponent, "a b.html")
        XCTAssertNil(SitePath.resolve("/missing.html", in: site))
    }

    func testRefusesEveryWayOut() throws {
        for path in [
            "/../secret.txt", "/zh/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
            "/zh/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/%00", "/./index.html",
            "/.hidden", "secret.txt", "/%zz",
        ] {
            XCTAssertNil(SitePath.resolve(path, in: site), path)
        }
        // A link inside the site that points outside it is not followed.
        try FileManager.default.createSymbolicLink(
            at: site.appendingPathComponent("out.txt"),
            withDestinationURL: folder.appendingPathComponent("secret.txt"))
        XCTAssertNil(SitePath.resolve("/out.txt", in: site))
        try FileManager.default.createSymbolicLink(at: site.appendingPathComponent("up"), withDestinationURL: folder)
        XCTAssertNil(SitePath.resolve("/up/secret.txt", in: site))
    }

    func testRelativePageNames() {
        XCTAssertEqual(SitePath.relative("/"), "index.html")
        XCTAssertEqual(SitePath.relative("/zh/"), "zh/index.html")
        XCTAssertEqual(SitePath.relative("/zh/gru.html"), "zh/gru.html")
        XCTAssertNil(SitePath.relative("/../gru.html"))
    }
}
