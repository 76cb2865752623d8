import XCTest

@testable import BookEngine

/// Progress as it happens: plain lines without a terminal, one rewritten status line with one.
final class ProgressTests: XCTestCase {
    final class Sink: @unchecked Sendable {
        var text = ""
        func write(_ s: String) { text += s }
    }

    func testPlainLinesWithoutATerminal() {
        let sink = Sink()
        let progress = Progress(style: .lines) { sink.write($0) }
        progress.note("deep-rnn: building")
        progress.running("deep-rnn", estimate: 95)
        progress.cell(5, at: "Chapters/deep-rnn.md:212")
        progress.programLine("epoch 3/100  ppl 12.1", isReport: true)  // reports: only in the status line
        progress.programLine("epoch  10:  train ppl 9.80  val ppl 9.91", isReport: false)
        progress.programLine("layer 1: [28, 32]", isReport: false)  // ordinary output: not progress
        progress.finished()
        let lines = sink.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, sink.text)
        XCTAssertEqual(lines[0], "deep-rnn: building")
        XCTAssertEqual(lines[1], "deep-rnn: running (the last run took 1:35)")
        XCTAssertTrue(lines[2].hasPrefix("deep-rnn: cell 5 (Chapters/deep-rnn.md:212) ["))
        XCTAssertTrue(lines[3].hasPrefix("deep-rnn: epoch  10:  train ppl 9.80  val ppl 9.91 ["))
        XCTAssertFalse(sink.text.contains("\r"), "no carriage returns in a log")
    }

    func testOneStatusLineOnATerminal() {
        let sink = Sink()
        let progress = Progress(style: .statusLine) { sink.write($0) }
        progress.running("deep-rnn", estimate: 110)
        progress.cell(7, at: "Chapters/deep-rnn.md:240")
        progress.programLine("epoch 37/100 ppl 8.12", isReport: true)
        let last = sink.text.components(separatedBy: "\r\u{1B}[K").last ?? ""
        XCTAssertTrue(last.hasPrefix("deep-rnn · cell 7 (Chapters/deep-rnn.md:240) · epoch 37/100 ppl 8.12 · "), last)
        XCTAssertTrue(last.hasSuffix(" of ~1:50"), last)
        XCTAssertFalse(sink.text.contains("\n"), "the status line is rewritten in place")
        progress.note("deep-rnn: done")
        XCTAssertTrue(
            sink.text.hasSuffix("deep-rnn: done\n" + "\r\u{1B}[K" + last) || sink.text.contains("deep-rnn: done\n"))
        progress.finished()
        XCTAssertTrue(sink.text.hasSuffix("\r\u{1B}[K"), "cleared at the end")
    }
}

final class LineSplitterTests: XCTestCase {
    func testChunksBecomeLines() {
        let splitter = LineSplitter()
        var lines: [String] = []
        splitter.feed(Data("a\nb".utf8)) { lines.append(String($0)) }
        splitter.feed(Data("c\n\u{1E}book:t:begin 2\nrest".utf8)) { lines.append(String($0)) }
        XCTAssertEqual(lines, ["a", "bc", "\u{1E}book:t:begin 2"])
        XCTAssertTrue(lines[2].hasPrefix("\u{1E}book:t:" + "begin "))
    }
}
