/// What a `:label:` names, and where it lives, for resolving `:numref:` and `:eqref:`.
public struct LabelTarget: Sendable, Equatable {
    public enum Kind: String, Sendable { case chapter, section, figure, equation, table }
    public var kind: Kind
    public var chapter: String
    /// The HTML id on the chapter's page.
    public var anchor: String
    /// The number shown for a reference, e.g. `4.2`.
    public var number: String
    /// Heading text or figure caption (plain text), for link titles.
    public var title: String
    public var location: SourceLocation
}

extension Book {
    /// Every label of the book. Duplicates keep the first; `book check` reports the others.
    public var labels: [String: LabelTarget] {
        var table: [String: LabelTarget] = [:]
        for target in allLabels where table[target.label] == nil { table[target.label] = target.target }
        return table
    }

    /// Every label in book order, duplicates included.
    public var allLabels: [(label: String, target: LabelTarget)] {
        var result: [(String, LabelTarget)] = []
        for chapter in chapters {
            for block in chapter.allBlocks {
                switch block {
                case .heading(let h):
                    guard let label = h.label else { continue }
                    result.append(
                        (
                            label,
                            LabelTarget(
                                kind: h.level == 1 ? .chapter : .section, chapter: chapter.name,
                                anchor: h.anchor, number: h.number, title: h.text,
                                location: chapter.location(h.line))
                        ))
                case .figure(let f):
                    guard let label = f.label else { continue }
                    result.append(
                        (
                            label,
                            LabelTarget(
                                kind: .figure, chapter: chapter.name, anchor: label,
                                number: f.number, title: f.captionHTML,
                                location: chapter.location(f.line))
                        ))
                case .table(let t):
                    guard let label = t.label else { continue }
                    result.append(
                        (
                            label,
                            LabelTarget(
                                kind: .table, chapter: chapter.name, anchor: label,
                                number: t.number, title: "",
                                location: chapter.location(t.line))
                        ))
                case .displayMath(let m):
                    guard let label = m.label else { continue }
                    result.append(
                        (
                            label,
                            LabelTarget(
                                kind: .equation, chapter: chapter.name, anchor: label,
                                number: m.number ?? "", title: m.tex,
                                location: chapter.location(m.line))
                        ))
                default: continue
                }
            }
        }
        return result
    }
}
