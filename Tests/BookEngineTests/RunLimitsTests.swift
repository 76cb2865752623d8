import XCTest
@testable import BookEngine

/// A chapter's program cannot flood the pages, the disk or the machine.
final class RunLimitsTests: XCTestCase {
    func testACellsOutputIsCutOnThePageWithANote() {
        let token = "t"
        let line = String(repeating: "x", count: 99) + "\n"  // 100 bytes
        let stdout = "\n\u{1E}book:t:begin 1\n" + String(repeating: line, count: 30_000) + "\n\u{1E}book:t:end 1 1.0\n"
            + "\n\u{1E}book:t:begin 2\nsmall\n\u{1E}book:t:end 2 1.0\n"
        let parsed = CaptureParser.parse(stdout, figures: URL(fileURLWithPath: "/nonexistent"), token: token, cellLimit: 1 << 20)
        XCTAssertEqual(parsed.cells.count, 2)
        let first = parsed.cells[0].text
        XCTAssertLessThanOrEqual(first.utf8.count, (1 << 20) + 200)
        XCTAssertTrue(first.hasSuffix("[1.9 MB more output cut here: a page shows at most 1.0 MB of a cell's output]"), String(first.suffix(120)))
        XCTAssertEqual(parsed.cells[1].text, "small")
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
        let result = try Subprocess.run(perl, ["-e", "my $x = 'a' x (400 * 1024 * 1024); sleep 20"],
                                        in: URL(fileURLWithPath: "/"), timeout: 30, memoryLimit: 100 << 20)
        XCTAssertTrue(result.memoryExceeded)
        XCTAssertLessThan(Date().timeIntervalSince(clock), 15)
        let small = try Subprocess.run(perl, ["-e", "print 'ok'"], in: URL(fileURLWithPath: "/"), memoryLimit: 100 << 20)
        XCTAssertFalse(small.memoryExceeded)
        XCTAssertEqual(small.stdout, "ok")
    }

    func testAProgramPrintingWithoutEndIsStopped() throws {
        let result = try Subprocess.run("/usr/bin/yes", [], in: URL(fileURLWithPath: "/"), timeout: 30, outputLimit: 1 << 20)
        XCTAssertTrue(result.outputExceeded)
        XCTAssertFalse(result.timedOut)
        XCTAssertLessThanOrEqual(result.stdout.utf8.count, 1 << 20)
    }
}
