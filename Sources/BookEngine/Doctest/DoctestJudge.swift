import Foundation

/// The one place that decides whether a cell's output keeps the expectation written under it
/// (its ```` ```output ```` block). `book doctest` and the rendered page both ask it.
public enum DoctestJudge {
    public enum Verdict: Equatable, Sendable {
        case pass
        /// The cell ran and disagrees: `detail` is a diff (or says what is missing).
        case fail(detail: String)
        /// The cell did not run (the program stopped before it, or did not compile): no verdict.
        case notRun(why: String)
    }

    /// The verdict on `cell`'s expected output, given the run of its chapter.
    public static func judge(_ cell: Cell, in chapter: Chapter, run: ChapterRun?) -> Verdict {
        guard let expected = cell.expected else { return .pass }
        guard let run else { return .notRun(why: "the chapter did not run") }
        let output = run.output(ofCell: cell.index)
        if cell.attributes.trap || cell.attributes.compileFail {
            let what = cell.attributes.trap ? "trap" : "compile-fail"
            guard let output, output.expectedFailureChecked else {
                return .notRun(
                    why: run.failure.map { "the chapter failed before the \(what) check:\n\($0.message)" }
                        ?? "the \(what) check did not run")
            }
            guard let message = output.failureMessage else {
                return .fail(
                    detail: cell.attributes.trap
                        ? "expected the cell to trap, but it finished normally"
                        : "expected the cell not to compile, but it compiled")
            }
            if contains(message, expected.text) { return .pass }
            let said = cell.attributes.trap ? "the trap message" : "the diagnostic"
            return .fail(
                detail: "\(said) does not contain the expected text\n"
                    + LineDiff.unified(
                        expected: expected.text, actual: message,
                        expectedName: "expected (\(chapter.path):\(expected.line))", actualName: said))
        }
        guard let output, output.seconds != nil else {
            return .notRun(
                why: run.failure.map { "the chapter failed before this cell finished:\n\($0.message)" }
                    ?? "the cell produced no output record")
        }
        let matcher = OutputMatcher(cell.attributes)
        if matcher.matches(expected: expected.text, actual: output.text) { return .pass }
        return .fail(
            detail: LineDiff.unified(
                expected: matcher.normalized(expected.text), actual: matcher.normalized(output.text),
                expectedName: "expected (\(chapter.path):\(expected.line))",
                actualName: "actual output of cell \(cell.index)"))
    }

    /// Whether `text` contains `expected`, comparing with whitespace runs as one space.
    static func contains(_ text: String, _ expected: String) -> Bool {
        let squeeze = { (s: String) in s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        return squeeze(text).contains(squeeze(expected))
    }
}
