import XCTest

@testable import BookEngine

final class RenderHighlighterTests: XCTestCase {
    /// The (kind, text) pairs of the tokens that are not plain.
    func classified(_ source: String) -> [String] {
        SwiftHighlighter.tokens(source).filter { $0.kind != .plain }.map { "\($0.kind.rawValue):\($0.text)" }
    }

    func testTokensGiveTheSourceBack() {
        let source = """
            @MainActor final class Model<T>: Sendable where T: Numeric {
                /* a /* nested */ comment */ var xs = [0x1F, 1_000, 2.5e-3, 7]
                let s = #"raw \\(x) "quoted" \\#(y)"#
                let m = \"\"\"
                  multi \\(a + "b\\(c)") line
                  \"\"\"
            }
            #sourceLocation(file: "Chapters/deep-rnn.md", line: 12)
            let 名前 = "ü\\u{1F600}\\n" // comment
            unterminated "string
            """
        XCTAssertEqual(SwiftHighlighter.tokens(source).map(\.text).joined(), source)
    }

    func testKeywordsTypesLiteralsFunctions() {
        XCTAssertEqual(
            classified("let model = StackedRNN(layers: 2, bias: true)\nmodel.forward(x)\n"),
            [
                "keyword:let", "type:StackedRNN", "number:2", "literal:true", "function:forward",
            ])
        XCTAssertEqual(
            classified("let H = matmul(X, W_xh) as Tensor"),
            [
                "keyword:let", "type:H", "function:matmul", "type:X", "keyword:as", "type:Tensor",
            ])
        XCTAssertEqual(
            classified("func f() -> Self { return self.init() }"),
            [
                "keyword:func", "function:f", "keyword:Self", "keyword:return", "keyword:self", "function:init",
            ])
    }

    func testStringsWithInterpolation() {
        XCTAssertEqual(
            classified(#"print("loss \(loss.value) at \(i)")"#),
            [
                "function:print", "string:\"loss ", "escape:\\(", "escape:)", "string: at ", "escape:\\(", "escape:)",
                "string:\"",
            ])
        let tokens = SwiftHighlighter.tokens(#"let s = "a\(f("b"))c\n""#)
        XCTAssertEqual(tokens.filter { $0.kind == .string }.map(\.text), ["\"a", "\"b\"", "c", "\""])
        XCTAssertEqual(tokens.filter { $0.kind == .escape }.map(\.text), ["\\(", ")", "\\n"])
        XCTAssertEqual(tokens.filter { $0.kind == .function }.map(\.text), ["f"])
    }

    func testMultilineAndRawStrings() {
        let multi = SwiftHighlighter.tokens("let m = \"\"\"\n  a \" b\n  \"\"\"\nlet x = 1")
        XCTAssertEqual(multi.filter { $0.kind == .string }.map(\.text), ["\"\"\"\n  a \" b\n  \"\"\""])
        XCTAssertEqual(multi.filter { $0.kind == .keyword }.map(\.text), ["let", "let"])
        let raw = SwiftHighlighter.tokens(##"#"a \(no) "b" \#(yes)"#"##)
        XCTAssertEqual(raw.filter { $0.kind == .escape }.map(\.text), ["\\#(", ")"])
        XCTAssertEqual(raw.filter { $0.kind == .plain }.map(\.text), ["yes"])
    }

    func testCommentsNumbersAttributesDirectives() {
        XCTAssertEqual(classified("/* a /* b */ c */ x // end\n"), ["comment:/* a /* b */ c */", "comment:// end"])
        XCTAssertEqual(
            classified("[0xFF, 1_000, 3.25, 1e-3, 4.0e+2]"),
            [
                "number:0xFF", "number:1_000", "number:3.25", "number:1e-3", "number:4.0e+2",
            ])
        XCTAssertEqual(
            classified("@discardableResult @MainActor"), ["attribute:@discardableResult", "attribute:@MainActor"])
        XCTAssertEqual(
            classified("#sourceLocation(file: \"a.md\", line: 3)\n#if DEBUG"),
            [
                "directive:#sourceLocation", "string:\"a.md\"", "number:3", "directive:#if", "type:DEBUG",
            ])
        XCTAssertEqual(classified("x.0 + y.count"), ["number:0"])
    }

    func testHTMLLinesAreEscapedAndSplitPerLine() {
        let lines = SwiftHighlighter.htmlLines("let s = \"\"\"\n<b>\n\"\"\"\nx < y\n")
        XCTAssertEqual(
            lines,
            [
                "<span class=\"tok-kw\">let</span> s = <span class=\"tok-str\">&quot;&quot;&quot;</span>",
                "<span class=\"tok-str\">&lt;b&gt;</span>",
                "<span class=\"tok-str\">&quot;&quot;&quot;</span>",
                "x &lt; y",
            ])
    }

    func testListingNumbersLinesFromTheChapter() {
        let html = CodeRenderer.swiftListing("a\nb\n", firstLine: 10)
        XCTAssertTrue(html.contains("counter-reset: line 9"))
        XCTAssertEqual(html.components(separatedBy: "<span class=\"line\">").count - 1, 2)
    }
}
