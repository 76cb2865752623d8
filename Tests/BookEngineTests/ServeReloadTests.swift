import FlyingFox
import XCTest

@testable import BookEngine

/// The live-reload protocol: which page reloads when, the script's injection, and the handler.
final class ServeReloadTests: XCTestCase {
    func testAPageReloadsForItsOwnFileAndSharedAssetsOnly() {
        let state = ReloadState()
        state.publish(changed: ["gru.html", "search-index.js"], running: [], errors: [])
        XCTAssertTrue(state.snapshot(page: "gru.html", since: 0).reload)
        XCTAssertFalse(state.snapshot(page: "zh/gru.html", since: 0).reload, "another page, another language")
        XCTAssertFalse(state.snapshot(page: "index.html", since: 0).reload, "the search index alone reloads nothing")
        XCTAssertFalse(state.snapshot(page: "gru.html", since: 1).reload, "already seen")
        state.publish(changed: ["theme/book.css"], running: ["gru"], errors: ["Chapters/gru.md:3: error: x"])
        let snapshot = state.snapshot(page: "index.html", since: 1)
        XCTAssertEqual(
            snapshot,
            ReloadState.Snapshot(version: 2, reload: true, running: ["gru"], errors: ["Chapters/gru.md:3: error: x"]))
    }

    func testLongPollAnswersOnChangeOrTimeout() async {
        let state = ReloadState()
        let clock = Date()
        let idle = await state.wait(page: "a.html", since: 0, timeout: 0.2)
        XCTAssertEqual(idle.version, 0)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(clock), 0.2)
        Task {
            try? await Task.sleep(nanoseconds: 100_000_000)
            state.publish(changed: ["a.html"], running: [], errors: [])
        }
        let changed = await state.wait(page: "a.html", since: 0, timeout: 10)
        XCTAssertEqual(changed.version, 1)
        XCTAssertTrue(changed.reload)
        XCTAssertLessThan(Date().timeIntervalSince(clock), 5)
    }

    func testScriptGoesBeforeTheBodyEndAndCannotBeClosedByAnError() {
        let snapshot = ReloadState.Snapshot(version: 7, reload: false, running: [], errors: ["</script><b>x"])
        let html = LiveReloadScript.inject(
            into: "<html><body><p>text</p></body></html>", page: "a.html", state: snapshot)
        XCTAssertTrue(html.hasSuffix("</script>\n</body></html>"))
        XCTAssertTrue(html.contains("\"version\":7"))
        XCTAssertFalse(html.contains("</script><b>"))
        XCTAssertEqual(html.components(separatedBy: "</script>").count, 2, "one script, closed once")
    }

    func testHandlerServesPagesWithTheScriptAndRefusesEscapes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-handler-\(UUID().uuidString)")
        let site = folder.appendingPathComponent("site")
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("theme"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<html><body>hello</body></html>".utf8).write(to: site.appendingPathComponent("index.html"))
        try Data("body{}".utf8).write(to: site.appendingPathComponent("theme/book.css"))
        try Data("secret".utf8).write(to: folder.appendingPathComponent("secret.txt"))
        let state = ReloadState()
        let handler = PreviewServer.Handler(site: site, state: state, pollTimeout: 0.1)
        func get(_ target: String) async throws -> (Int, String, String?) {
            let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
            let request = HTTPRequest(
                method: .GET, version: .http11,
                target: .init(path: parts[0], query: parts.count > 1 ? parts[1] : ""),
                headers: [:], body: HTTPBodySequence(data: Data()))
            let response = await handler.respond(to: request)
            return (
                response.statusCode.code, String(decoding: try await response.bodyData, as: UTF8.self),
                response.headers[.contentType]
            )
        }
        let (status, page, type) = try await get("/")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(type, "text/html; charset=utf-8")
        XCTAssertTrue(page.contains("hello") && page.contains("id=\"livereload\""))
        // The script exists only on the way out: the site's file is untouched.
        XCTAssertEqual(
            try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8),
            "<html><body>hello</body></html>")
        let (cssStatus, css, _) = try await get("/theme/book.css")
        XCTAssertEqual(cssStatus, 200)
        XCTAssertEqual(css, "body{}")
        for escape in ["/../secret.txt", "/%2e%2e/secret.txt", "/theme/%2E%2E/%2E%2E/secret.txt"] {
            let (code, body, _) = try await get(escape)
            XCTAssertEqual(code, 404, escape)
            XCTAssertFalse(body.contains("secret\n") || body == "secret", escape)
        }
        state.publish(changed: ["index.html"], running: [], errors: [])
        let (pollStatus, poll, _) = try await get("/__livereload?since=0&page=%2F")
        XCTAssertEqual(pollStatus, 200)
        let snapshot = try JSONDecoder().decode(ReloadState.Snapshot.self, from: Data(poll.utf8))
        XCTAssertEqual(snapshot.version, 1)
        XCTAssertTrue(snapshot.reload)
    }
}
