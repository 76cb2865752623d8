import Foundation

/// The verdict on one doctest.
public struct DoctestResult: Sendable {
    public var location: SourceLocation
    public var cell: Int
    public var passed: Bool
    /// On failure: a diff of expected against actual, or what went wrong.
    public var detail: String
}

/// Runs every doctest of the chapters: cells with an ```` ```output ```` block.
///
/// Ordinary doctests compare the captured output of the chapter's program (run with the
/// book's quick settings); `trap` cells run the program up to that cell and expect a trap
/// whose message contains the expected text; `compile-fail` cells are type-checked alone
/// against the library and must fail with a diagnostic containing the expected text.
public final class DoctestRunner {
    public let runner: ChapterRunner
    public init(runner: ChapterRunner) { self.runner = runner }

    public func run(_ chapters: [Chapter]) -> [DoctestResult] {
        chapters.flatMap(run)
    }

    func run(_ chapter: Chapter) -> [DoctestResult] {
        let doctests = chapter.cells.filter(\.isDoctest)
        guard !doctests.isEmpty else { return [] }
        var results: [DoctestResult] = []
        let ordinary = doctests.filter { !$0.attributes.trap && !$0.attributes.compileFail }
        var run: ChapterRun?
        if !ordinary.isEmpty { run = runner.run([chapter])[chapter.name] }
        for cell in ordinary {
            results.append(check(cell, in: chapter, run: run))
        }
        let traps = doctests.filter(\.attributes.trap)
        if !traps.isEmpty {
            let buildFailure = runner.build(chapter)
            for cell in traps {
                results.append(buildFailure.map { fail(cell, chapter, "the chapter does not compile:\n\($0.message)") }
                               ?? checkTrap(cell, in: chapter))
            }
        }
        let compileFailures = doctests.filter(\.attributes.compileFail)
        if !compileFailures.isEmpty {
            // The cells are checked against the built library modules.
            let buildFailure = runner.build(chapter)
            for cell in compileFailures {
                results.append(buildFailure.map { fail(cell, chapter, "the chapter does not compile:\n\($0.message)") }
                               ?? checkCompileFailure(cell, in: chapter))
            }
        }
        return results.sorted { $0.location.line < $1.location.line }
    }

    private func fail(_ cell: Cell, _ chapter: Chapter, _ detail: String) -> DoctestResult {
        DoctestResult(location: chapter.location(cell.codeLine), cell: cell.index, passed: false, detail: detail)
    }

    private func pass(_ cell: Cell, _ chapter: Chapter) -> DoctestResult {
        DoctestResult(location: chapter.location(cell.codeLine), cell: cell.index, passed: true, detail: "")
    }

    func check(_ cell: Cell, in chapter: Chapter, run: ChapterRun?) -> DoctestResult {
        guard let expected = cell.expected else { return pass(cell, chapter) }
        guard let run else { return fail(cell, chapter, "the chapter did not run") }
        guard let output = run.output(ofCell: cell.index), output.seconds != nil else {
            let why = run.failure.map { "the chapter failed before this cell finished:\n\($0.message)" } ?? "the cell produced no output record"
            return fail(cell, chapter, why)
        }
        let matcher = OutputMatcher(cell.attributes)
        if matcher.matches(expected: expected.text, actual: output.text) { return pass(cell, chapter) }
        return fail(cell, chapter, LineDiff.unified(expected: matcher.normalized(expected.text),
                                                    actual: matcher.normalized(output.text),
                                                    expectedName: "expected (\(chapter.path):\(expected.line))",
                                                    actualName: "actual output of cell \(cell.index)"))
    }

    func checkTrap(_ cell: Cell, in chapter: Chapter) -> DoctestResult {
        let run = runner.execute(chapter, extraArguments: ["--trap-cell", "\(cell.index)"])
        guard let failure = run.failure, failure.kind == .trap else {
            return fail(cell, chapter, "expected the cell to trap, but \(run.failure.map { "it failed otherwise: \($0.message)" } ?? "it finished normally")")
        }
        return contains(failure.message, cell.expected?.text ?? "")
            ? pass(cell, chapter)
            : fail(cell, chapter, "the trap message does not contain the expected text\n" +
                   LineDiff.unified(expected: cell.expected?.text ?? "", actual: failure.message))
    }

    func checkCompileFailure(_ cell: Cell, in chapter: Chapter) -> DoctestResult {
        let config = runner.book.config
        var source = (config.programImports + [config.library]).map { "import \($0)\n" }.joined()
        source += "#sourceLocation(file: \"\(chapter.path)\", line: \(cell.codeLine))\n\(cell.source)"
        do {
            let (succeeded, output) = try runner.typecheck(source)
            if succeeded { return fail(cell, chapter, "expected the cell not to compile, but it compiled") }
            return contains(output, cell.expected?.text ?? "")
                ? pass(cell, chapter)
                : fail(cell, chapter, "the diagnostic does not contain the expected text\n" +
                       LineDiff.unified(expected: cell.expected?.text ?? "", actual: output))
        } catch {
            return fail(cell, chapter, "cannot run the compiler: \(error)")
        }
    }

    /// Whether `text` contains `expected`, comparing with whitespace runs as one space.
    private func contains(_ text: String, _ expected: String) -> Bool {
        let squeeze = { (s: String) in s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        return squeeze(text).contains(squeeze(expected))
    }
}
