import Foundation

/// Loads the translations of a book: `Chapters/<code>/<chapter>.md` for each language
/// after the first in `book.json`. A translation holds prose only and places the
/// original's cells by id, so code and outputs can never drift between languages.
public enum TranslationLoader {
    /// The translated books by language code, and the problems found (errors and warnings).
    public static func load(_ original: Book) -> (books: [String: Book], diagnostics: [Diagnostic]) {
        var books: [String: Book] = [:]
        var diagnostics: [Diagnostic] = []
        for language in original.config.languages.dropFirst() {
            let (book, problems) = load(original, language: language)
            books[language.code] = book
            diagnostics += problems
        }
        return (books, diagnostics)
    }

    /// One language; a chapter with no translation is taken from the original (with a warning).
    static func load(_ original: Book, language: BookConfig.Language) -> (Book, [Diagnostic]) {
        let folder = "\(BookLoader.chaptersFolder)/\(language.code)"
        var diagnostics: [Diagnostic] = []
        var chapters: [Chapter] = []
        for chapter in original.chapters {
            let path = "\(folder)/\(chapter.name).md"
            let url = original.root.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                // A translation in progress: the original's page stands in for it.
                diagnostics.append(
                    Diagnostic(
                        SourceLocation(file: chapter.path, line: 1),
                        "no \(language.name) translation yet: \(path) does not exist (the original is shown)",
                        severity: .warning))
                chapters.append(chapter)
                continue
            }
            switch SourceText.read(url, path: path) {
            case .failure(let problem):
                diagnostics.append(problem)
                chapters.append(chapter)
            case .success(let text):
                var loader = ChapterLoader(name: chapter.name, path: path, number: chapter.number)
                loader.original = chapter
                var translated = loader.load(text)
                diagnostics += loader.diagnostics
                translated?.language = language.code
                var result = translated ?? chapter
                diagnostics += TranslationChecker.compare(result, with: chapter)
                diagnostics += TranslationChecker.placeMissingCells(in: &result, from: chapter)
                chapters.append(result)
            }
        }
        let files =
            (try? FileManager.default.contentsOfDirectory(atPath: original.root.appendingPathComponent(folder).path))
            ?? []
        for file in files.sorted()
        where file.hasSuffix(".md") && original.chapter(named: String(file.dropLast(3))) == nil {
            diagnostics.append(
                Diagnostic(
                    SourceLocation(file: "\(folder)/\(file)", line: 1),
                    "translates no chapter of the book (the original lists none named '\(file.dropLast(3))')"))
        }
        var book = Book(
            title: language.title ?? original.title, root: original.root, config: original.config, chapters: chapters)
        book.bibliography = original.bibliography
        book.languageCode = language.code
        return (book, diagnostics)
    }
}

/// Compares a translated chapter with its original: cells placed exactly once and in order
/// (errors), sections that changed since they were translated (warnings).
public enum TranslationChecker {
    public static func compare(_ translation: Chapter, with original: Chapter) -> [Diagnostic] {
        guard translation.path != original.path else { return [] }
        var problems: [Diagnostic] = []
        let placed = translation.blocks.compactMap { block -> (String, Int)? in
            if case .cell(let c) = block { return (c.id, c.line) } else { return nil }
        }
        let expected = original.cells.map(\.id)
        var seen = Set<String>()
        for (id, line) in placed where !seen.insert(id).inserted {
            problems.append(Diagnostic(translation.location(line), "cell '\(id)' is placed more than once"))
        }
        let order = placed.map(\.0).filter { expected.contains($0) }
        if order != expected.filter({ seen.contains($0) }) && problems.isEmpty {
            problems.append(
                Diagnostic(
                    translation.location(1),
                    "cells are placed in a different order than in \(original.path): "
                        + order.joined(separator: ", "), severity: .warning))
        }

        let originals = Dictionary(original.headings.map { ($0.anchor, $0) }, uniquingKeysWith: { a, _ in a })
        var translated = Set<String>()
        for heading in translation.headings {
            guard let reference = heading.translates else {
                problems.append(
                    Diagnostic(
                        translation.location(heading.line),
                        "section '\(heading.text)' records no :original:`ANCHOR HASH` (see `book sections \(original.name)`)",
                        severity: .warning))
                continue
            }
            guard let source = originals[reference.anchor] else {
                problems.append(
                    Diagnostic(
                        translation.location(reference.line),
                        "translates '\(reference.anchor)', which is no section of \(original.path)"))
                continue
            }
            translated.insert(reference.anchor)
            if source.sourceHash != reference.hash {
                problems.append(
                    Diagnostic(
                        translation.location(reference.line),
                        "stale: section \(source.number) '\(source.text)' of \(original.path) changed since it was translated (recorded \(reference.hash), now \(source.sourceHash))",
                        severity: .warning))
            }
        }
        for heading in original.headings where !translated.contains(heading.anchor) {
            problems.append(
                Diagnostic(
                    translation.location(1),
                    "section \(heading.number) '\(heading.text)' of \(original.path) has no translation",
                    severity: .warning))
        }
        return problems
    }
}

extension TranslationChecker {
    /// Puts each cell of the original that the translation does not place yet where the
    /// original has it: right after the cell before it (or before the cell after it), so an
    /// edit to the original never breaks a translation's page. One warning for each.
    public static func placeMissingCells(in translation: inout Chapter, from original: Chapter) -> [Diagnostic] {
        guard translation.path != original.path else { return [] }
        var problems: [Diagnostic] = []
        let placedIDs = Set(translation.cells.map(\.id))
        for (k, cell) in original.cells.enumerated() where !placedIDs.contains(cell.id) {
            let blocks = translation.blocks
            func position(of id: String) -> Int? {
                blocks.firstIndex { if case .cell(let c) = $0 { return c.id == id } else { return false } }
            }
            var at = blocks.count, whereText = "at the end"
            if let before = original.cells[..<k].reversed().first(where: { position(of: $0.id) != nil }),
                let i = position(of: before.id)
            {
                at = i + 1
                whereText = "after cell '\(before.id)'"
            } else if let after = original.cells[(k + 1)...].first(where: { position(of: $0.id) != nil }),
                let i = position(of: after.id)
            {
                at = i
                whereText = "before cell '\(after.id)'"
            }
            var shown = cell
            shown.line = blocks[..<at].last?.line ?? 1
            translation.blocks.insert(.cell(shown), at: at)
            problems.append(
                Diagnostic(
                    translation.location(shown.line),
                    "cell '\(cell.id)' (\(original.path):\(cell.line)) is not placed in this translation yet; it is shown \(whereText) "
                        + "(place it with :cell:`\(cell.id)`)", severity: .warning))
        }
        return problems
    }
}

extension Chapter {
    /// The chapter's headings in order.
    public var headings: [Heading] {
        blocks.compactMap { if case .heading(let h) = $0 { return h } else { return nil } }
    }
}
