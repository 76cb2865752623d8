import XCTest

@testable import BookSupport

final class ChapterOptionsTests: XCTestCase {
    func testHelpNamesTheChapterProgram() {
        let help = ChapterOptions.help(name: "deep-rnn", about: "Deep Recurrent Neural Networks")
        XCTAssertTrue(help.contains("USAGE: deep-rnn [--epochs <epochs>] [--seed <seed>]"), help)
        XCTAssertTrue(help.contains("OVERVIEW: Deep Recurrent Neural Networks"), help)
        XCTAssertFalse(help.contains("trap-cell"), "the doctest option stays hidden")
    }

    func testErrorsNameTheChapterProgram() {
        _ = ChapterOptions.help(name: "gru", about: "Gated Recurrent Units")
        let usage = ChapterOptions.Command.usageString()
        XCTAssertTrue(usage.hasPrefix("gru "), usage)
        XCTAssertThrowsError(try ChapterOptions.Command.parse(["--epochs", "0"]))
        XCTAssertEqual(try ChapterOptions.Command.parse(["--seed", "3"]).options.seed, 3)
    }
}
