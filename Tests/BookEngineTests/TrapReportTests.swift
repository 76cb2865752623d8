import XCTest

@testable import BookEngine

/// A trap is reported with the runtime's reason and the chapter line of the failing statement.
final class TrapReportTests: XCTestCase {
    let chapter = Chapter(
        name: "deep-rnn", path: "Chapters/deep-rnn.md", number: 1, title: "T", blocks: [], inlineMath: [])

    /// What an unoptimized chapter cell prints (captured from the real program).
    func testIndexOutOfRangeInACell() {
        let stderr = """
            Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range

            *** Signal 4: Backtracing from 0x7f094b76df7f... done ***

            *** Program crashed: Illegal instruction at 0x00007f094b76df7f ***

            Thread 0 "deep-rnn" crashed:

              0      0x00007f094b76df7f closure #1 in closure #1 in _assertionFailure(_:_:file:line:flags:) + 623 in libswiftCore.so
              1 [ra] 0x00007f094b8f961f _assertionFailure(_:_:file:line:flags:) + 302 in libswiftCore.so
              2 [ra] 0x00007f094bdb6f65 specialized Array.subscript.getter + 84 in libswiftSwiftOnoneSupport.so
              3 [ra] 0x000055ab5c2371ad deep_rnn_main + 1228 in deep-rnn at Chapters/deep-rnn.md:89:18
            ...

            Thread 1:

              0  0x00007fcfa8b33017 __sched_yield + 7 in libc.so.6
            """
        let report = TrapReport(stderr: stderr, chapter: chapter)
        XCTAssertEqual(report.chapterLine, 89)
        XCTAssertEqual(
            report.summary, "Fatal error: Index out of range\n  at Chapters/deep-rnn.md:89:18 (deep_rnn_main)")
    }

    /// Optimized library code: no words from the runtime, so the innermost frame says what failed,
    /// and the failing line is the cell's (the library chapter's line is listed too).
    func testIndexOutOfRangeInOptimizedLibraryCode() {
        let stderr = """
            *** Program crashed: Illegal instruction at 0x000055e11443c39b ***

            Thread 0 "deep-rnn" crashed:

              0 [inlined] [system] 0x000055e11443c39b specialized Array.subscript.getter in D2L at //<compiler-generated>
              1 [inlined]          0x000055e11443c39b Vocab.token(at:) in deep-rnn at Chapters/text-sequences.md:104:11
              2                    0x000055e11443c39b deep_rnn_main + 43 in deep-rnn at Chapters/deep-rnn.md:120:5
            ...
            """
        let report = TrapReport(stderr: stderr, chapter: chapter)
        XCTAssertEqual(report.chapterLine, 120)
        XCTAssertEqual(report.summary.split(separator: "\n").first, "the program trapped in Array.subscript.getter")
        XCTAssertTrue(report.summary.contains("at Chapters/text-sequences.md:104:11 (Vocab.token(at:))"))
    }

    func testRuntimeFailuresAndPreconditions() {
        let overflow = TrapReport(
            stderr: """
                *** Swift runtime failure: arithmetic overflow ***
                Thread 0 "deep-rnn" crashed:
                  0 [inlined] [system] 0x0000555d147de395 Swift runtime failure: arithmetic overflow in t at //<compiler-generated>
                  1                    0x0000555d147de395 f(_:) + 37 in t at Chapters/deep-rnn.md:102:28
                """, chapter: chapter)
        XCTAssertEqual(overflow.reasons, ["Swift runtime failure: arithmetic overflow"])
        XCTAssertEqual(overflow.chapterLine, 102)
        let precondition = TrapReport(
            stderr: "deep_rnn/deep-rnn.md:103: Precondition failed: n must be negative\n", chapter: chapter)
        XCTAssertEqual(precondition.reasons, ["deep_rnn/deep-rnn.md:103: Precondition failed: n must be negative"])
        XCTAssertEqual(precondition.chapterLine, 103)
    }
}
