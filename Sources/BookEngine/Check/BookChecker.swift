import Foundation

/// `book check`: labels are unique, references resolve, figures exist, generated sources are current.
public struct BookChecker {
    public let book: Book
    public init(book: Book) { self.book = book }

    /// Every problem of the book and its translations; pass `translations` when the caller
    /// has already loaded them (`TranslationLoader.load(book)`), so they are read once.
    public func run(
        includeGeneratedSources: Bool = true,
        translations loaded: (books: [String: Book], diagnostics: [Diagnostic])? = nil
    ) -> [Diagnostic] {
        var problems = book.warnings + labelProblems() + referenceProblems() + figureProblems()
        if includeGeneratedSources { problems += Tangler(book: book).check() }
        let translations = loaded ?? TranslationLoader.load(book)
        problems += translations.diagnostics
        for code in translations.books.keys.sorted() {
            problems += BookChecker(book: translations.books[code]!).referenceProblems()
        }
        return problems
    }

    func labelProblems() -> [Diagnostic] {
        var first: [String: SourceLocation] = [:]
        var problems: [Diagnostic] = []
        for (label, target) in book.allLabels {
            if let earlier = first[label] {
                problems.append(Diagnostic(target.location, "duplicate label '\(label)' (first defined at \(earlier))"))
            } else {
                first[label] = target.location
            }
        }
        return problems
    }

    func referenceProblems() -> [Diagnostic] {
        let labels = book.labels
        let bibliography = book.bibliography
        var problems: [Diagnostic] = []
        for chapter in book.chapters {
            for block in chapter.allBlocks {
                guard let html = block.proseHTML else { continue }
                for case .citation(let kind, let keys) in Placeholder.tokens(in: html) {
                    for key in keys where bibliography.entries[key] == nil {
                        problems.append(
                            Diagnostic(
                                chapter.location(block.line),
                                ":\(kind.rawValue): of unknown BibTeX key '\(key)' (\(bibliography.source))"))
                    }
                }
                for case .reference(let kind, let label, let line) in Placeholder.tokens(in: html) {
                    let location = chapter.location(line ?? block.line)
                    guard let target = labels[label] else {
                        problems.append(Diagnostic(location, ":\(kind.rawValue): refers to missing label '\(label)'"))
                        continue
                    }
                    if kind == .eqref && target.kind != .equation {
                        problems.append(
                            Diagnostic(
                                location,
                                ":eqref: needs an equation label, but '\(label)' labels a \(target.kind.rawValue)"))
                    }
                }
            }
        }
        return problems
    }

    func figureProblems() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for chapter in book.chapters {
            for case .figure(let figure) in chapter.allBlocks {
                if figure.source.contains("://") || RenderContext.d2lImageFile(figure.source, root: book.root) != nil {
                    continue
                }
                let url = book.root.appendingPathComponent(BookLoader.chaptersFolder).appendingPathComponent(
                    figure.source)
                if !FileManager.default.fileExists(atPath: url.path) {
                    problems.append(
                        Diagnostic(chapter.location(figure.line), "figure file '\(figure.source)' does not exist"))
                }
            }
        }
        return problems
    }
}
