import XCTest

@testable import BookEngine

final class OutputMatcherTests: XCTestCase {
    func testExactIgnoresTrailingSpaceAndBlankLines() {
        let m = OutputMatcher()
        XCTAssertTrue(m.matches(expected: "a\nb\n", actual: "a  \nb\n\n"))
        XCTAssertFalse(m.matches(expected: "a\nb", actual: "a\nc"))
        XCTAssertFalse(m.matches(expected: "1.0", actual: "1.00"))
    }

    func testEllipsis() {
        let m = OutputMatcher(ellipsis: true)
        XCTAssertTrue(m.matches(expected: "shape: [...]\ndone", actual: "shape: [2, 3, 4]\ndone"))
        XCTAssertTrue(m.matches(expected: "start\n...\nend", actual: "start\nx\ny\nend"))
        XCTAssertFalse(m.matches(expected: "start...end", actual: "start middle"))
    }

    func testWhitespaceNormalisation() {
        XCTAssertTrue(OutputMatcher(normalizeWhitespace: true).matches(expected: "a b\nc", actual: "a   b c\n"))
        XCTAssertFalse(OutputMatcher().matches(expected: "a b\nc", actual: "a   b c\n"))
    }

    func testInlineTolerance() {
        let m = OutputMatcher()
        XCTAssertTrue(m.matches(expected: "loss ≈ 1.02 ± 0.05", actual: "loss 1.0612"))
        XCTAssertFalse(m.matches(expected: "loss ≈ 1.02 ± 0.05", actual: "loss 1.08"))
        XCTAssertFalse(m.matches(expected: "loss ≈ 1.02 ± 0.05", actual: "loss nan"))
    }

    func testRelativeToleranceForAllNumbers() {
        let m = OutputMatcher(tolerance: 0.01)
        XCTAssertTrue(m.matches(expected: "[0.5, -2.0, 1e-3]", actual: "[0.503, -1.99, 0.00101]"))
        XCTAssertFalse(m.matches(expected: "[0.5, -2.0]", actual: "[0.52, -2.0]"))
        XCTAssertFalse(m.matches(expected: "ppl 6.83", actual: "loss 6.83"))
    }

    func testDiffShowsBothSides() {
        let diff = LineDiff.unified(expected: "a\nb\nc", actual: "a\nx\nc")
        XCTAssertEqual(diff, "--- expected\n+++ actual\n  a\n- b\n+ x\n  c")
    }
}
