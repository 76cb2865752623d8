import CCmark
import Foundation

/// Turns one chapter's Markdown into a `Chapter`: cmark's tree, with math protected first.
struct ChapterLoader {
    let name: String
    let path: String
    let number: Int
    /// For a translation: the original chapter, whose cells it places by id.
    var original: Chapter?
    /// The book's BibTeX entries: a `:cite:` of another key is an error at its line.
    var bibliography: Bibliography?
    private(set) var diagnostics: [Diagnostic] = []

    init(name: String, path: String, number: Int) {
        self.name = name
        self.path = path
        self.number = number
    }

    private mutating func error(_ line: Int, _ message: String) {
        diagnostics.append(Diagnostic(SourceLocation(file: path, line: line), message))
    }

    /// Loads the chapter; problems are collected in `diagnostics` (the chapter is nil if unusable).
    mutating func load(_ source: String) -> Chapter? {
        let text = replacingReservedCharacters(source)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // First pass: find the code blocks, so math protection leaves them alone.
        var codeLines = Set<Int>()
        var swiftBlocks: [Int] = []
        for node in MarkdownDocument(parsing: text).allNodes where node.type == CMARK_NODE_CODE_BLOCK {
            codeLines.formUnion(node.startLine...max(node.startLine, node.endLine))
            checkFenceClosed(node, lines: lines)
            if CellInfo.language(of: node.fenceInfo) == "swift" { swiftBlocks.append(node.startLine) }
        }
        // d2l's tab markers and emphasis marks, on the same lines (the hash and fences read the original).
        var d2l = D2LSyntax()
        let prepared = d2l.prepare(lines, codeLines: codeLines, path: path).joined(separator: "\n")
        var math = MathProtector()
        let document = MarkdownDocument(parsing: math.protect(prepared, codeLines: codeLines))
        d2l.warnUnsupportedRoles(in: document, path: path)
        diagnostics += d2l.diagnostics
        // Every Swift block of the source is a cell or a diagnostic: none may vanish into math.
        let kept = Set(document.allNodes.filter { $0.type == CMARK_NODE_CODE_BLOCK }.map(\.startLine))
        for line in swiftBlocks where !kept.contains(line) {
            error(
                line,
                "this Swift block was swallowed by the text around it (an unclosed `$`, `$$` or backtick before it?); it is not a cell"
            )
        }

        var blocks: [Block] = []
        var title: String?
        var counters = (section: 0, subsection: 0, figure: 0, equation: 0, table: 0)
        var cellCount = 0
        var anchors = Set<String>()
        func uniqueAnchor(_ base: String) -> String {
            var anchor = base.isEmpty ? "section" : base, k = 2
            while anchors.contains(anchor) {
                anchor = "\(base)-\(k)"
                k += 1
            }
            anchors.insert(anchor)
            return anchor
        }

        for node in document.blocks {
            let line = node.startLine
            switch node.type {
            case CMARK_NODE_HEADING:
                resolveReferences(in: node)
                let level = node.headingLevel
                var numberText = ""
                if level == 1 {
                    if title != nil { error(line, "a chapter has one `#` title; use `##` for sections") }
                    title = title ?? node.plainText
                    numberText = "\(number)"
                } else if level == 2 {
                    counters.section += 1
                    counters.subsection = 0
                    numberText = "\(number).\(counters.section)"
                } else if level == 3 {
                    counters.subsection += 1
                    numberText = "\(number).\(counters.section).\(counters.subsection)"
                }
                if title == nil && level > 1 { error(line, "the chapter must start with its `#` title") }
                blocks.append(
                    .heading(
                        Heading(
                            level: level, text: node.plainText, html: node.innerHTML, label: nil,
                            anchor: uniqueAnchor(Self.slug(node.plainText)), number: numberText, line: line)))

            case CMARK_NODE_PARAGRAPH:
                if let list = directives(in: node) {
                    for (offset, (name, value)) in list.enumerated() {
                        let at = line + offset
                        switch name {
                        case ":label:": attachLabel(value, to: &blocks, line: at, anchors: &anchors)
                        case ":cell:": placeCell(value, in: &blocks, line: at)
                        case ":original:": recordOriginal(value, in: &blocks, line: at)
                        default: error(at, "`\(name)` must follow display math `$$...$$`")
                        }
                    }
                } else if let (index, label) = displayMath(in: node), math.displayMath.indices.contains(index) {
                    var number: String?
                    if label != nil {
                        counters.equation += 1
                        number = "\(self.number).\(counters.equation)"
                    }
                    blocks.append(
                        .displayMath(
                            DisplayMath(
                                tex: math.displayMath[index].trimmingCharacters(in: .whitespacesAndNewlines),
                                label: label, number: number, line: line)))
                } else if let figure = figure(in: node) {
                    counters.figure += 1
                    var f = figure
                    f.number = "\(number).\(counters.figure)"
                    blocks.append(.figure(f))
                } else {
                    resolveReferences(in: node)
                    blocks.append(.prose(Prose(html: inlineDisplayMath(node.html, math), line: line)))
                }

            case CMARK_NODE_CODE_BLOCK:
                let info = node.fenceInfo.trimmingCharacters(in: .whitespaces)
                let language = CellInfo.language(of: info)
                let codeLine = Self.isFenced(lines, node.startLine) ? line + 1 : line
                if original != nil && (language == "swift" || language == "output") {
                    error(
                        line,
                        "a translation cannot contain Swift cells or outputs; place the original's cells with :cell:`id`"
                    )
                } else if language == "swift" {
                    let (attributes, problems) = CellInfo.attributes(info, at: SourceLocation(file: path, line: line))
                    diagnostics += problems
                    cellCount += 1
                    let index = cellCount
                    blocks.append(
                        .cell(
                            Cell(
                                index: index, id: attributes.id ?? Self.defaultID(chapter: name, source: node.literal),
                                attributes: attributes,
                                source: node.literal, codeLine: codeLine, line: line, expected: nil)))
                } else if language == "output" {
                    if case .cell(var cell)? = blocks.last, cell.expected == nil {
                        cell.expected = ExpectedOutput(text: node.literal, line: codeLine, blockLine: line)
                        blocks[blocks.count - 1] = .cell(cell)
                    } else {
                        error(line, "an `output` block must come right after the Swift cell whose output it shows")
                    }
                } else if node.literal.hasPrefix("%load_ext d2lbook.tab") {
                    d2l.readTabOrder(node.literal)  // d2lbook's tab set-up cell: not shown
                    continue
                } else {
                    blocks.append(.code(Self.codeBlock(language: language, source: node.literal, line: codeLine)))
                }

            case _ where node.typeName == "table":
                counters.table += 1
                let label = Self.takeTableLabel(node)
                resolveReferences(in: node)
                blocks.append(
                    .table(
                        Table(
                            html: inlineDisplayMath(node.html, math), label: label,
                            number: "\(number).\(counters.table)", line: line)))

            default:  // lists, block quotes, HTML, rules: prose; a Swift fence inside is a cell, shown in place
                resolveReferences(in: node)
                let cells = nestedCells(in: node, lines: lines, counted: cellCount)
                cellCount += cells.count
                blocks.append(.prose(Prose(html: inlineDisplayMath(node.html, math), line: line, cells: cells)))
            }
        }

        assignUniqueIDs(&blocks)
        Self.hashSections(&blocks, lines: lines)
        blocks = Self.groupTabs(blocks, d2l)
        guard let title else {
            error(
                1,
                blocks.isEmpty
                    ? "the chapter is empty; it needs at least a `# Title`" : "the chapter has no `# Title` heading")
            return nil
        }
        for cell in blocks.flatMap(\.flattened).compactMap({
            if case .cell(let c) = $0 { return c } else { return nil }
        }) {
            if (cell.attributes.trap || cell.attributes.compileFail) && cell.expected == nil {
                error(cell.line, "a `trap` or `compile-fail` cell needs an `output` block with the expected message")
            }
        }
        return Chapter(
            name: name, path: path, number: number, title: title, blocks: blocks, inlineMath: math.inlineMath)
    }

    /// The Swift fences inside a list or block quote, as cells numbered after the `counted` before
    /// them; each fence (and its `output` block) is replaced by a placeholder where the cell is shown.
    private mutating func nestedCells(in container: MarkdownNode, lines: [String], counted: Int) -> [Cell] {
        var cells: [Cell] = []
        // Found before any is replaced: replacing frees nodes (and the `output` blocks after them).
        let fences = container.descendants.filter {
            $0.type == CMARK_NODE_CODE_BLOCK && CellInfo.language(of: $0.fenceInfo) == "swift"
        }
        for node in fences {
            let line = node.startLine
            if original != nil {
                error(
                    line,
                    "a translation cannot contain Swift cells or outputs; place the original's cells with :cell:`id`")
                continue
            }
            let (attributes, problems) = CellInfo.attributes(
                node.fenceInfo.trimmingCharacters(in: .whitespaces),
                at: SourceLocation(file: path, line: line))
            diagnostics += problems
            let index = counted + cells.count + 1
            var cell = Cell(
                index: index, id: attributes.id ?? Self.defaultID(chapter: name, source: node.literal),
                attributes: attributes, source: node.literal,
                codeLine: Self.isFenced(lines, line) ? line + 1 : line, line: line, expected: nil)
            if let next = node.next, next.type == CMARK_NODE_CODE_BLOCK,
                CellInfo.language(of: next.fenceInfo) == "output"
            {
                cell.expected = ExpectedOutput(
                    text: next.literal, line: Self.isFenced(lines, next.startLine) ? next.startLine + 1 : next.startLine
                )
                next.delete()
            }
            node.replace(withHTMLBlock: Placeholder.cell(index) + "\n")
            cells.append(cell)
        }
        return cells
    }

    /// NUL and the private-use characters the loader uses as placeholders (U+E000...U+E002)
    /// cannot be told from the loader's own marks: each is reported and read as U+FFFD.
    private mutating func replacingReservedCharacters(_ text: String) -> String {
        let reserved: (Unicode.Scalar) -> Bool = { $0 == "\u{0}" || ("\u{E000}"..."\u{E002}").contains($0) }
        guard text.unicodeScalars.contains(where: reserved) else { return text }
        var out = String.UnicodeScalarView()
        var line = 1, reported = Set<Int>()
        for scalar in text.unicodeScalars {
            if scalar == "\n" { line += 1 }
            guard reserved(scalar) else {
                out.append(scalar)
                continue
            }
            if reported.insert(line).inserted {
                let name = "U+" + String(format: "%04X", scalar.value)
                error(
                    line,
                    "the character \(name) is not allowed in a chapter (\(scalar == "\u{0}" ? "a NUL byte" : "reserved by the book engine")); remove it"
                )
            }
            out.append("\u{FFFD}")
        }
        return String(out)
    }

    // MARK: - Cell ids

    /// The id of a cell with no `id=`: the chapter's name and a hash of its code, so adding,
    /// removing or moving other cells never changes it (editing the cell does; `id=` never does).
    static func defaultID(chapter: String, source: String) -> String {
        var hash = ContentHash()
        hash.add(source.trimmingCharacters(in: .whitespacesAndNewlines))
        return "\(chapter)-\(hash.hex.prefix(8))"
    }

    /// Explicit ids must be unique; a default id shared by identical cells gets a suffix.
    private mutating func assignUniqueIDs(_ blocks: inout [Block]) {
        guard original == nil else { return }  // a translation's cells are the original's
        var explicit: [String: Int] = [:]
        for block in blocks.flatMap(\.flattened) {
            guard case .cell(let cell) = block, let id = cell.attributes.id else { continue }
            if let first = explicit[id] {
                error(
                    cell.line, "two cells have the id `\(id)` (the other one is at line \(first)); ids must be unique")
            } else {
                explicit[id] = cell.line
            }
        }
        var taken = Set(explicit.keys)
        var nextSuffix: [String: Int] = [:]  // so a thousand identical cells take linear time
        func unique(_ cell: inout Cell) {
            guard cell.attributes.id == nil else { return }
            var id = cell.id, k = nextSuffix[cell.id, default: 2]
            while taken.contains(id) {
                id = "\(cell.id)-\(k)"
                k += 1
            }
            nextSuffix[cell.id] = k
            taken.insert(id)
            cell.id = id
        }
        for i in blocks.indices {
            switch blocks[i] {
            case .cell(var cell):
                unique(&cell)
                blocks[i] = .cell(cell)
            case .prose(var prose):  // cells in a list item or a block quote
                for k in prose.cells.indices { unique(&prose.cells[k]) }
                blocks[i] = .prose(prose)
            default: continue
            }
        }
    }

    // MARK: - Translations (:cell:`id`, :original:`anchor hash`)

    private mutating func placeCell(_ id: String, in blocks: inout [Block], line: Int) {
        guard let original else { return error(line, "`:cell:` is for translations; write the cell here instead") }
        guard let cell = original.cells.first(where: { $0.id == id }) else {
            // The original changed (a cell removed or its id renamed): the page still builds.
            diagnostics.append(
                Diagnostic(
                    SourceLocation(file: path, line: line),
                    "no cell with id '\(id)' in \(original.path) any more (removed, or its id changed); this placement is skipped",
                    severity: .warning))
            return
        }
        var placed = cell
        placed.line = line  // where the translation places it; the code keeps its original lines
        blocks.append(.cell(placed))
    }

    private mutating func recordOriginal(_ reference: String, in blocks: inout [Block], line: Int) {
        let parts = reference.split(separator: " ").map(String.init)
        guard original != nil, parts.count == 2, case .heading(var heading)? = blocks.last else {
            return error(line, "`:original:`ANCHOR HASH`` belongs right after a heading of a translation")
        }
        heading.translates = SectionReference(anchor: parts[0], hash: parts[1], line: line)
        heading.anchor = parts[0]  // the same anchor in every language, so the switcher keeps the section
        blocks[blocks.count - 1] = .heading(heading)
    }

    /// Hashes each heading's section (its lines up to the next heading) into `sourceHash`.
    static func hashSections(_ blocks: inout [Block], lines: [String]) {
        let starts = blocks.indices.compactMap { i -> (Int, Int)? in
            if case .heading(let h) = blocks[i] { return (i, h.line) } else { return nil }
        }
        for (k, (index, line)) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1].1 - 1 : lines.count
            var hash = ContentHash()
            hash.add(lines[(line - 1)..<max(line - 1, min(end, lines.count))].joined(separator: "\n"))
            if case .heading(var h) = blocks[index] {
                h.sourceHash = String(hash.hex.prefix(10))
                blocks[index] = .heading(h)
            }
        }
    }

    // MARK: - Directives (d2l's :label:, :eqlabel:, :numref:, :eqref:)

    /// A paragraph made only of directive lines (`:label:`x``, `:cell:`id``, `:original:`a h``).
    private func directives(in paragraph: MarkdownNode) -> [(String, String)]? {
        let parts = paragraph.children.filter { $0.type != CMARK_NODE_SOFTBREAK }
        guard !parts.isEmpty, parts.count % 2 == 0 else { return nil }
        var result: [(String, String)] = []
        for pair in stride(from: 0, to: parts.count, by: 2) {
            let text = parts[pair], code = parts[pair + 1]
            let name = text.literal.trimmingCharacters(in: .whitespaces)
            guard text.type == CMARK_NODE_TEXT, code.type == CMARK_NODE_CODE,
                [":label:", ":cell:", ":original:", ":eqlabel:"].contains(name)
            else { return nil }
            result.append((name, code.literal))
        }
        return result
    }

    /// The name in `<directive>`name`` at the end of a paragraph (or as all of it, if `alone`).
    private func directive(_ directive: String, in paragraph: MarkdownNode, alone: Bool) -> String? {
        let parts = paragraph.children.filter { $0.type != CMARK_NODE_SOFTBREAK }
        guard parts.count >= 2, let code = parts.last, code.type == CMARK_NODE_CODE else { return nil }
        let text = parts[parts.count - 2]
        guard text.type == CMARK_NODE_TEXT else { return nil }
        let literal = text.literal.trimmingCharacters(in: .whitespaces)
        if alone { return parts.count == 2 && literal == directive ? code.literal : nil }
        return literal.hasSuffix(directive) ? code.literal : nil
    }

    private mutating func attachLabel(_ label: String, to blocks: inout [Block], line: Int, anchors: inout Set<String>)
    {
        switch blocks.last {
        case .heading(var h)?:
            anchors.remove(h.anchor)
            h.label = label
            h.anchor = anchors.contains(label) ? h.anchor : label
            anchors.insert(h.anchor)
            blocks[blocks.count - 1] = .heading(h)
        case .figure(var f)?:
            f.label = label
            blocks[blocks.count - 1] = .figure(f)
        case .table(var t)?:
            t.label = label
            blocks[blocks.count - 1] = .table(t)
        default:
            error(
                line, "`:label:` must come right after a heading, a figure or a table (use `:eqlabel:` for equations)")
        }
    }

    /// A paragraph that is only `$$...$$`, possibly followed by `:eqlabel:`name``.
    private func displayMath(in paragraph: MarkdownNode) -> (Int, String?)? {
        let label = directive(":eqlabel:", in: paragraph, alone: false)
        var parts = paragraph.children
        if label != nil { parts.removeLast() }  // the label's code span
        var text = parts.map {
            $0.type == CMARK_NODE_TEXT ? $0.literal : ($0.type == CMARK_NODE_SOFTBREAK ? "\n" : "\u{0}")
        }.joined()
        if label != nil {
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            text = String(text.dropLast(":eqlabel:".count))
        }
        let withoutLabel = text
        guard let index = MathProtector.displayIndex(in: withoutLabel) else { return nil }
        return (index, label)
    }

    /// A paragraph that is only an image, possibly followed by d2l's `:width:`400px`` and
    /// `:label:`name`` (in any order, on its lines or the image's). A label that cannot be read is an error.
    private mutating func figure(in paragraph: MarkdownNode) -> Figure? {
        let parts = paragraph.children.filter {
            $0.type != CMARK_NODE_SOFTBREAK && $0.type != CMARK_NODE_LINEBREAK
                && !($0.type == CMARK_NODE_TEXT && $0.literal.trimmingCharacters(in: .whitespaces).isEmpty)
        }
        guard let image = parts.first, image.type == CMARK_NODE_IMAGE else { return nil }
        var label: String?, width: String?
        var rest = Array(parts.dropFirst())
        while rest.count >= 2, rest[0].type == CMARK_NODE_TEXT, rest[1].type == CMARK_NODE_CODE {
            switch rest[0].literal.trimmingCharacters(in: .whitespaces) {
            case ":label:": label = rest[1].literal
            case ":width:": width = rest[1].literal
            default: break
            }
            guard [":label:", ":width:"].contains(rest[0].literal.trimmingCharacters(in: .whitespaces)) else { break }
            rest.removeFirst(2)
        }
        if !rest.isEmpty {
            if parts.contains(where: { $0.type == CMARK_NODE_TEXT && $0.literal.contains(":label:") }) {
                error(
                    paragraph.startLine,
                    "this figure's `:label:` is lost: only `:width:` and `:label:` lines may follow the image")
            }
            return nil
        }
        var figure = Figure(
            source: image.url, captionHTML: image.innerHTMLOfChildren, label: label, number: "",
            line: paragraph.startLine)
        figure.width = width
        return figure
    }

    /// A code block in another language; d2l's `%%tab pytorch` first line puts it under that tab.
    static func codeBlock(language: String, source: String, line: Int) -> CodeBlock {
        guard source.hasPrefix("%%tab ") else { return CodeBlock(language: language, source: source, line: line) }
        let first = source.prefix { $0 != "\n" }
        let tabs = first.dropFirst(6).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var block = CodeBlock(language: language, source: String(source.dropFirst(first.count + 1)), line: line + 1)
        if tabs != ["all"] { block.tabs = tabs }
        return block
    }

    /// A `:label:` line right under a pipe table: GitHub's syntax reads it as a last row of one cell.
    /// Removes that row and returns the label.
    static func takeTableLabel(_ table: MarkdownNode) -> String? {
        guard let row = table.children.last, row.typeName == "table_row", let first = row.children.first,
            row.children.dropFirst().allSatisfy({ $0.children.isEmpty })
        else { return nil }
        let parts = first.children.filter {
            !($0.type == CMARK_NODE_TEXT && $0.literal.trimmingCharacters(in: .whitespaces).isEmpty)
        }
        guard parts.count == 2, parts[0].type == CMARK_NODE_TEXT,
            parts[0].literal.trimmingCharacters(in: .whitespaces) == ":label:",
            parts[1].type == CMARK_NODE_CODE
        else { return nil }
        let label = parts[1].literal
        row.delete()
        return label
    }

    /// Consecutive tabbed blocks (in a `:begin_tab:` region, a `tab=` cell, a `%%tab` block) become one
    /// tab set; a set ends at an untabbed block or when a tab it already has comes again.
    static func groupTabs(_ blocks: [Block], _ d2l: D2LSyntax) -> [Block] {
        var out: [Block] = []
        var group: TabGroup?
        func flush() {
            if let group { out.append(.tabs(group)) }
            group = nil
        }
        for block in blocks {
            let tabs: [String]?
            switch block {
            case .cell(let c) where !c.attributes.tabs.isEmpty: tabs = c.attributes.tabs
            case .code(let c) where c.tabs != nil: tabs = c.tabs
            default: tabs = d2l.tabs(at: block.line)
            }
            guard let tabs else {
                flush()
                out.append(block)
                continue
            }
            if var current = group {
                if current.panes[current.panes.count - 1].tabs == tabs {
                    current.panes[current.panes.count - 1].blocks.append(block)
                    group = current
                    continue
                }
                if Set(tabs).isDisjoint(with: current.tabNames) {
                    current.panes.append(TabPane(tabs: tabs, blocks: [block], line: block.line))
                    group = current
                    continue
                }
                flush()
            }
            group = TabGroup(panes: [TabPane(tabs: tabs, blocks: [block], line: block.line)], line: block.line)
        }
        flush()
        // Every tab set lists its tabs in the chapter's order.
        var order = d2l.tabOrder
        for case .tabs(let group) in out {
            for name in group.panes.flatMap(\.tabs) where !order.contains(name) { order.append(name) }
        }
        return out.map { block in
            guard case .tabs(var group) = block else { return block }
            group.order = order
            return .tabs(group)
        }
    }

    /// Rewrites `:numref:`x`` and `:eqref:`x`` into placeholders the renderer resolves.
    /// Each placeholder carries the line of its reference (the code span's own line, which
    /// cmark knows), so a bad reference is reported where it is written.
    private mutating func resolveReferences(in node: MarkdownNode) {
        var stack = [node]
        while let current = stack.popLast() {
            // Walk the linked list, reading `next` only after a rewrite may have deleted it.
            var child = current.firstChild
            while let node = child {
                if node.type == CMARK_NODE_TEXT, let code = node.next, code.type == CMARK_NODE_CODE,
                    node.literal.hasSuffix(":value:")
                {
                    // The code span's own line when cmark knows it, else the paragraph's.
                    let line = code.startLine > 0 ? code.startLine : node.startLine
                    if case .failure(let problem) = ValueReference.parse(code.literal) { error(line, problem.message) }
                    node.setLiteral(node.literal.dropLast(7) + Placeholder.value(code.literal, line: line))
                    code.delete()
                } else if node.type == CMARK_NODE_TEXT, let code = node.next, code.type == CMARK_NODE_CODE {
                    for kind in [Placeholder.ReferenceKind.numref, .eqref]
                    where node.literal.hasSuffix(":\(kind.rawValue):") {
                        let prefix = node.literal.dropLast(kind.rawValue.count + 2)
                        node.setLiteral(
                            prefix
                                + Placeholder.reference(
                                    kind, code.literal, line: code.startLine > 0 ? code.startLine : node.startLine))
                        code.delete()
                        break
                    }
                    for kind in [Placeholder.CitationKind.cite, .citet]
                    where node.literal.hasSuffix(":\(kind.rawValue):") {
                        for key in code.literal.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
                        where bibliography.map({ $0.entries[key] == nil }) ?? false {
                            error(
                                D2LSyntax.line(of: node),
                                ":\(kind.rawValue): of unknown BibTeX key '\(key)' (\(bibliography!.source))")
                        }
                        let prefix = node.literal.dropLast(kind.rawValue.count + 2)
                        node.setLiteral(prefix + Placeholder.citation(kind, code.literal))
                        code.delete()
                        break
                    }
                }
                stack.append(node)
                child = node.next
            }
        }
    }

    /// Display math inside a larger paragraph is typeset inline in display style.
    private func inlineDisplayMath(_ html: String, _ math: MathProtector) -> String {
        guard html.contains("\(Placeholder.open)dmath:") else { return html }
        var result = ""
        for token in html.components(separatedBy: String(Placeholder.open)).enumerated() {
            if token.offset == 0 {
                result += token.element
                continue
            }
            let piece = token.element
            if piece.hasPrefix("dmath:"), let close = piece.firstIndex(of: Placeholder.close) {
                let digits = piece[piece.index(piece.startIndex, offsetBy: 6)..<close].prefix { $0.isNumber }
                if let i = Int(digits), math.displayMath.indices.contains(i) {
                    result +=
                        "\(Placeholder.open)tex:\\displaystyle \(math.displayMath[i].replacingOccurrences(of: "\n", with: " "))\(Placeholder.close)"
                    result += piece[piece.index(after: close)...]
                    continue
                }
            }
            result += String(Placeholder.open) + piece
        }
        return result
    }

    // MARK: - Fences

    /// Whether the code block starting at `line` opens with ``` or ~~~ (not an indented block).
    static func isFenced(_ lines: [String], _ line: Int) -> Bool { fence(in: lines, line) != nil }

    private static func fence(in lines: [String], _ line: Int) -> (Character, Int)? {
        guard line >= 1, line <= lines.count else { return nil }
        // Skip indentation and container markers (block quotes, list items) before the fence.
        let text = lines[line - 1].drop { " \t>-*+.0123456789".contains($0) }
        guard let c = text.first, c == "`" || c == "~" else { return nil }
        let run = text.prefix { $0 == c }.count
        return run >= 3 ? (c, run) : nil
    }

    private mutating func checkFenceClosed(_ node: MarkdownNode, lines: [String]) {
        guard let (c, run) = Self.fence(in: lines, node.startLine) else { return }
        let end = node.endLine
        if end > node.startLine, end <= lines.count {
            let closing = lines[end - 1].drop { " \t>".contains($0) }.trimmingCharacters(in: .whitespaces)
            if closing.count >= run, closing.allSatisfy({ $0 == c }) { return }
        }
        error(
            node.startLine, "this code fence is never closed (expected a closing \(String(repeating: c, count: run)))")
    }

    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for c in text.lowercased() {
            if c.isLetter || c.isNumber {
                out.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out.append("-")
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}

extension MarkdownNode {
    /// HTML of an image node's description (cmark puts it in `alt`; we want the markup).
    var innerHTMLOfChildren: String {
        children.map { child -> String in
            switch child.type {
            case CMARK_NODE_TEXT: return HTML.escape(child.literal)
            case CMARK_NODE_CODE: return "<code>\(HTML.escape(child.literal))</code>"
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: return " "
            default: return child.html
            }
        }.joined()
    }
}
