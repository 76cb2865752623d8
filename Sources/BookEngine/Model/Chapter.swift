/// One Markdown file of the book, parsed into blocks.
public struct Chapter: Sendable {
    /// The file name without `.md`; also the name of the chapter's program (`deep-rnn`).
    public var name: String
    /// Path relative to the book root, e.g. `Chapters/deep-rnn.md`.
    public var path: String
    /// 1-based position in the table of contents.
    public var number: Int
    /// The text of the chapter's `#` heading.
    public var title: String
    /// The chapter's content in order.
    public var blocks: [Block]
    /// Inline math sources, referenced from prose HTML by `Placeholder.math(index)`.
    public var inlineMath: [String]
    /// Language code of the chapter's prose (`en` for the original).
    public var language = "en"

    public init(name: String, path: String, number: Int, title: String, blocks: [Block], inlineMath: [String]) {
        self.name = name
        self.path = path
        self.number = number
        self.title = title
        self.blocks = blocks
        self.inlineMath = inlineMath
    }

    /// The Swift cells, in order (their `index` is their position here, from 1).
    public var cells: [Cell] {
        allBlocks.compactMap { if case .cell(let cell) = $0 { return cell } else { return nil } }
    }

    /// Every block in reading order, the blocks inside tab sets included.
    public var allBlocks: [Block] { blocks.flatMap(\.flattened) }

    /// Whether the chapter's program has a cell to run; a chapter without is neither built nor run.
    public var hasProgram: Bool { cells.contains(where: \.isInProgram) }

    public func location(_ line: Int) -> SourceLocation { SourceLocation(file: path, line: line) }

    /// The cell a line of this chapter's file belongs to: from its opening fence to its closing
    /// one. The one mapping from source lines to cells (errors, traps, failures on the page).
    public func cell(atLine line: Int) -> Cell? {
        cells.first { cell in
            let lines = cell.source.split(separator: "\n", omittingEmptySubsequences: false).count
            // `source` ends with a newline, so `lines` counts the closing fence's line too.
            return line >= cell.line && line <= cell.codeLine + lines - 1
        }
    }
}
