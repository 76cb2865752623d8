/// One language of the site: its book and the folder of its pages. The original's pages are at
/// the site's root, each translation's in `<code>/`, under the same page names.
struct SiteLanguage {
    /// BCP 47 code: the pages' `lang`, and a translation's folder.
    var code: String
    /// The language's name for itself, shown by the language switcher.
    var name: String
    /// Folder of the pages, relative to the site's root (empty for the original).
    var folder: String
    var book: Book

    /// The way from a page of this language up to the site's root: `` or `../`.
    var toRoot: String { String(repeating: "../", count: folder.split(separator: "/").count) }

    /// The path of this language's `page`, relative to the site's root.
    func path(_ page: String) -> String { folder.isEmpty ? page : "\(folder)/\(page)" }

    /// The switcher's short label for narrow screens: a short name as it is (`中文`), else the code (`ID`).
    var shortName: String { name.count <= 3 ? name : code.uppercased() }

    /// A relative link from a page in `folder` to the site path `target` (both relative to the root).
    static func relativeLink(from folder: String, to target: String) -> String {
        let from = folder.split(separator: "/")
        let to = target.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
        let up = String(repeating: "../", count: from.count - common)
        return up + to[common...].joined(separator: "/")
    }

    /// Whether `code` can name a folder of the site: letters, digits and `-`, starting with a letter.
    static func isValidCode(_ code: String) -> Bool {
        guard let first = code.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return code.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
        }
    }
}
