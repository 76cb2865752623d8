import Foundation

/// Which chapters' library (`save`) cells a chapter's code reaches, so that editing a chapter
/// re-runs only the chapters that use what it defines.
///
/// A chapter reaches a library chapter when its code names something that chapter's `save`
/// cells declare (a type, function, property or case), and, transitively, what that chapter's
/// library code names in turn. Names are matched as words, so a shared name errs on the side of
/// re-running. Not seen: effects without a name (a conformance or an operator added later).
struct LibraryReach {
    private var declared: [String: Set<String>] = [:]  // library chapter -> names its save cells declare
    private var uses: [String: Set<String>] = [:]  // chapter -> words its code uses
    private var libraryUses: [String: Set<String>] = [:]  // library chapter -> words its save cells use
    private let order: [String]

    init(book: Book) {
        order = book.chapters.map(\.name)
        for chapter in book.chapters {
            let saved = chapter.cells.filter(\.isSaved).map(\.source).joined(separator: "\n")
            if !saved.isEmpty {
                declared[chapter.name] = Self.declarations(in: saved)
                libraryUses[chapter.name] = Self.words(in: saved)
            }
            uses[chapter.name] = Self.words(in: chapter.cells.map(\.source).joined(separator: "\n"))
        }
    }

    /// The library chapters `chapter` reaches, in book order (its own included when it has `save` cells).
    func libraryChapters(reachedBy chapter: String) -> [String] {
        var reached = Set<String>()
        if declared[chapter] != nil { reached.insert(chapter) }
        var frontier = [uses[chapter] ?? []]
        while let words = frontier.popLast() {
            for (library, names) in declared where !reached.contains(library) && !names.isDisjoint(with: words) {
                reached.insert(library)
                frontier.append(libraryUses[library] ?? [])
            }
        }
        return order.filter(reached.contains)
    }

    static let declarationPattern = try! NSRegularExpression(
        pattern:
            #"\b(?:func|class|struct|enum|protocol|typealias|actor|var|let|case|associatedtype)\s+([A-Za-z_][A-Za-z0-9_]*)"#
    )
    static let wordPattern = try! NSRegularExpression(pattern: #"[A-Za-z_][A-Za-z0-9_]*"#)

    /// The names a library cell declares for other code to use: its top-level declarations,
    /// and the members of its extensions (how a later chapter adds to an earlier type). Members
    /// of its own types are reached through the type's name, so they do not count: a chapter that
    /// says `.count` does not use every library type with a `count`.
    static func declarations(in code: String) -> Set<String> {
        var names = Set<String>()
        var depth = 0
        var inExtension = false  // the top-level block now open is an extension
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if depth == 0 {
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
                let keyword = words.first {
                    !["public", "internal", "private", "fileprivate", "final", "open", "@MainActor"].contains(
                        String($0))
                }
                if keyword != nil { inExtension = keyword == "extension" }
            }
            if depth == 0 || (depth == 1 && inExtension) {
                names.formUnion(matches(declarationPattern, in: text, group: 1))
            }
            for c in text where c == "{" || c == "}" { depth = max(0, depth + (c == "{" ? 1 : -1)) }
        }
        return names
    }

    static func words(in code: String) -> Set<String> {
        matches(wordPattern, in: code, group: 0)
    }

    private static func matches(_ pattern: NSRegularExpression, in code: String, group: Int) -> Set<String> {
        let text = code as NSString
        var out = Set<String>()
        pattern.enumerateMatches(in: code, range: NSRange(location: 0, length: text.length)) { match, _, _ in
            if let range = match?.range(at: group), range.location != NSNotFound {
                out.insert(text.substring(with: range))
            }
        }
        return out
    }
}
