/// One section of a chapter as the table of contents and the search index see it.
struct SectionEntry {
    var level: Int
    var number: String
    var anchor: String
    /// The heading's HTML (inline math resolved).
    var titleHTML: String
    var title: String
    /// The section's text for searching: prose, figure captions, code.
    var text: String
}
