/// A Swift code cell and what its info string says about it.
public struct Cell: Sendable {
    /// Position among the chapter's Swift cells, from 1.
    public var index: Int
    /// Stable id: `id=` from the info string, else `<chapter>-<index>`.
    public var id: String
    public var attributes: CellAttributes
    /// The code, ending with a newline.
    public var source: String
    /// Line of the code's first line in the chapter (the line after the opening fence).
    public var codeLine: Int
    /// Line of the opening fence.
    public var line: Int
    /// The expected-output block after the cell, which makes the cell a doctest.
    public var expected: ExpectedOutput?

    public var isSaved: Bool { attributes.save }
    /// Whether the cell is part of the chapter's program.
    public var isInProgram: Bool { !attributes.save && !attributes.noRun && !attributes.compileFail }
    public var isDoctest: Bool { expected != nil }
}

/// The attributes a cell's info string may carry (```` ```swift save hide ````).
public struct CellAttributes: Sendable, Equatable {
    /// Also (only) part of the book's library, as d2l's `#@save`.
    public var save = false
    /// Runs, but neither code nor output is shown.
    public var hide = false
    /// Shown, never compiled or run.
    public var noRun = false
    public var id: String?
    // Doctest options.
    public var ellipsis = false
    public var normalizeWhitespace = false
    /// Relative tolerance for every number of the expected output.
    public var tolerance: Double?
    /// The cell must trap; the expected output is text of the trap message.
    public var trap = false
    /// The cell must not compile; the expected output is text of the diagnostic.
    public var compileFail = false
    /// The tabs the cell is shown under (`tab=scratch`, `tab=scratch,concise`); empty: always shown.
    public var tabs: [String] = []

    public init() {}

    public static let names = [
        "save", "hide", "norun", "id=NAME", "ellipsis", "normalize-whitespace",
        "tolerance=REL", "trap", "compile-fail", "tab=NAME[,NAME]",
    ]
}

/// An ```` ```output ```` block written under a cell.
public struct ExpectedOutput: Sendable {
    public var text: String
    /// Line of the block's first line of text.
    public var line: Int
    /// Line of the block's opening fence: where a disagreeing run is reported.
    public var blockLine: Int

    public init(text: String, line: Int, blockLine: Int? = nil) {
        self.text = text
        self.line = line
        self.blockLine = blockLine ?? max(1, line - 1)
    }
}
