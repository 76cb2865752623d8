import CCmark
import XCTest

@testable import BookEngine

/// A bounded fuzz test of the loader over mutated chapters: byte flips, truncation, duplicated
/// and deleted lines, unbalanced `$`, backticks and fences, NUL, invalid UTF-8, the loader's
/// own placeholder characters, very long lines and deep nesting. Every input must load or be
/// refused with located diagnostics, never crash or hang, and every Swift block must be a cell
/// or a diagnostic. The loaded chapters also go through the checker and the tangler.
///
/// `./render.sh test` runs 600 inputs (about 20 s in a debug build); a longer run, keeping
/// inputs that take over a second in a folder:
///     BOOK_FUZZ_ITERATIONS=20000 BOOK_FUZZ_SEED=7 BOOK_FUZZ_DUMP=/tmp/fuzz swift test --filter FuzzTests
final class FuzzTests: XCTestCase {
    /// SplitMix64: small, fast and the same on every machine, so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments: [[UInt8]] =
        [
            "$", "$$", "`", "``", "```", "```swift", "```swift\t", "```swift save", "~~~", "\n```\n",
            "\n```swift\nprint(1)\n```\n",
            "\\$", "$$\n", "\n$$\n", ":label:`x`", ":eqlabel:`e`", ":numref:`x`", ":eqref:`e`", ":cell:`a`",
            ":original:`a b`",
            "```output\n1\n```\n", "> ", "- ", "1. ", "    ", "\t", "# ", "## ", "![a $b$](img/x.png)",
            "[l](u \"t $x$\")",
            "<div>", "</div>", "<!--", "-->", "\r", "\r\n", "\u{E000}", "\u{E001}", "\u{E002}",
            "\u{E000}dmath:9\u{E001}",
            "\u{E000}math:3\u{E001}", "\u{E000}numref:x\u{E001}", "\u{FEFF}", "\u{202E}", "é", "中",
        ].map { Array($0.utf8) } + [[0], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]]

    static func seeds() throws -> [[UInt8]] {
        let chapters = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Chapters")
        var seeds: [[UInt8]] = [
            Array("# T\n\nText $x_1$ and $$y$$.\n\n```swift\nprint(1)\n```\n```output\n1\n```\n".utf8),
            Array("# T\n\n## S\n:label:`s`\n\n$$\na\n$$\n:eqlabel:`e`\n\nSee :numref:`s` and :eqref:`e`.\n".utf8),
        ]
        for name in ["text-sequences", "rnn-scratch", "gru", "deep-rnn", "zh/deep-rnn"] {
            if let data = FileManager.default.contents(atPath: chapters.appendingPathComponent("\(name).md").path) {
                seeds.append(Array(data))
            }
        }
        return seeds
    }

    static func mutate(_ input: [UInt8], _ g: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &g) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &g)
            switch Int.random(in: 0..<10, using: &g) {
            case 0 where !bytes.isEmpty: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &g))
            case 1: bytes = Array(bytes.prefix(at))
            case 2, 3: bytes.insert(contentsOf: fragments.randomElement(using: &g)!, at: at)
            case 4, 5:  // duplicate or delete a line
                var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
                guard !lines.isEmpty else { break }
                let i = Int.random(in: 0..<lines.count, using: &g)
                if Bool.random(using: &g) { lines.insert(lines[i], at: i) } else { lines.remove(at: i) }
                bytes = Array(lines.joined(separator: [10]))
            case 6:  // a very long line
                let piece = fragments.randomElement(using: &g)! + Array("a_b ".utf8)
                bytes.insert(contentsOf: Array(repeating: piece, count: 3000).joined(), at: at)
            case 7:  // deep nesting
                let marker = [Array("> ".utf8), Array("- ".utf8), Array("[".utf8), Array("*".utf8), Array("<g>".utf8)]
                    .randomElement(using: &g)!
                bytes.insert(
                    contentsOf: Array(repeating: marker, count: Int.random(in: 50...600, using: &g)).joined(), at: at)
            case 8 where !bytes.isEmpty:  // swap two halves of lines
                let j = Int.random(in: 0..<bytes.count, using: &g)
                bytes.swapAt(at, j)
            default:
                bytes.insert(contentsOf: fragments.randomElement(using: &g)!, at: at)
            }
        }
        return bytes
    }

    func testMutatedChaptersNeverCrashOrLoseACell() throws {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["BOOK_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 600
        var g = Generator(state: environment["BOOK_FUZZ_SEED"].flatMap(UInt64.init) ?? 13)
        let seeds = try Self.seeds()
        XCTAssertGreaterThanOrEqual(seeds.count, 6, "the book's chapters are among the seeds")
        var loaded = 0, refused = 0, slowest = 0.0
        let start = Date()
        for n in 0..<iterations {
            let input = Self.mutate(seeds[n % seeds.count], &g)
            let clock = Date()
            switch SourceText.decode(Data(input), path: "Chapters/one.md") {
            case .failure(let problem):
                XCTAssertGreaterThan(problem.location.line, 0)
                refused += 1
            case .success(let text):
                var loader = ChapterLoader(name: "one", path: "Chapters/one.md", number: 1)
                let chapter = loader.load(text)
                for d in loader.diagnostics { XCTAssertEqual(d.location.file, "Chapters/one.md") }
                if chapter == nil || !loader.diagnostics.isEmpty { refused += 1 } else { loaded += 1 }
                assertEverySwiftBlockAccountedFor(text, chapter: chapter, diagnostics: loader.diagnostics, input: n)
                if let chapter {
                    let book = Book(
                        title: "T", root: URL(fileURLWithPath: "/nonexistent-fuzz"), config: BookConfig(),
                        chapters: [chapter])
                    _ = BookChecker(book: book).run(includeGeneratedSources: false, translations: ([:], []))
                    _ = Tangler(book: book).files()
                }
            }
            let took = Date().timeIntervalSince(clock)
            if took > 1, let dump = environment["BOOK_FUZZ_DUMP"] {
                FileManager.default.createFile(atPath: "\(dump)/slow-\(n).md", contents: Data(input))
            }
            slowest = max(slowest, took)
        }
        print(
            "fuzz: \(iterations) inputs (seed \(g.state)), \(loaded) loaded clean, \(refused) refused with diagnostics, "
                + "slowest \(String(format: "%.3f", slowest)) s, total \(String(format: "%.1f", Date().timeIntervalSince(start))) s"
        )
        XCTAssertLessThan(slowest, 5, "no input takes long (a hang would)")
    }

    private func assertEverySwiftBlockAccountedFor(
        _ text: String, chapter: Chapter?, diagnostics: [Diagnostic], input: Int
    ) {
        // What cmark sees in the text as the loader reads it (reserved characters replaced).
        let readable = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map {
                    $0 == "\u{0}" || ("\u{E000}"..."\u{E002}").contains($0) ? "\u{FFFD}" : $0
                }))
        let blocks = MarkdownDocument(parsing: readable).allNodes.filter {
            $0.type == CMARK_NODE_CODE_BLOCK && CellInfo.language(of: $0.fenceInfo) == "swift"
        }
        guard !blocks.isEmpty else { return }
        let cellLines = Set((chapter?.cells ?? []).map(\.line))
        let located = Set(diagnostics.map(\.location.line))
        // A chapter without a title is refused as a whole (its diagnostic says so).
        let refusedWhole = chapter == nil
        for block in blocks where !cellLines.contains(block.startLine) {
            let line = block.startLine
            XCTAssertTrue(
                refusedWhole || located.contains(line) || located.contains(line + 1),
                "input \(input): the Swift block at line \(line) is neither a cell nor reported")
        }
    }
}
