import Foundation

/// Checks a written site: every internal `href`/`src` (and CSS `url()`) names a file of the site,
/// every `#anchor` an id on its page, nothing points outside it, and no page leaks a build path.
/// A link's `data-anchors="a b"` (anchors a script adds to its `href`) are checked as `href#a`, `href#b`.
public struct LinkChecker {
    /// The site folder to check.
    public var site: URL
    /// The name diagnostics use for the site folder (e.g. `site`), whatever folder is checked.
    public var displayName: String
    /// Strings that must not occur in any file (absolute paths of the build machine).
    public var forbiddenStrings: [String]

    public init(site: URL, displayName: String = "site", forbiddenStrings: [String] = []) {
        self.site = site.standardizedFileURL
        self.displayName = displayName
        self.forbiddenStrings = forbiddenStrings
    }

    /// Every problem found, located at the file and line that hold it: broken links are errors,
    /// ids used twice are warnings.
    public func check() -> [Diagnostic] {
        let files = siteFiles()
        var ids: [String: Set<String>] = [:]
        func idsOf(_ path: String) -> Set<String> {
            if let known = ids[path] { return known }
            let text = (try? String(contentsOf: site.appendingPathComponent(path), encoding: .utf8)) ?? ""
            let found = Set(Self.matches(of: Self.idPattern, in: text).map { HTML.decodeEntities($0.value) })
            ids[path] = found
            return found
        }
        var problems: [Diagnostic] = []
        for path in files.sorted() {
            let ext = (path as NSString).pathExtension.lowercased()
            guard ["html", "css", "js", "svg", "json", "txt"].contains(ext),
                let text = try? String(contentsOf: site.appendingPathComponent(path), encoding: .utf8)
            else { continue }
            for forbidden in forbiddenStrings where !forbidden.isEmpty {
                guard let found = text.firstRange(ofBytes: forbidden) else { continue }
                problems.append(
                    error(
                        path, Self.line(of: found.lowerBound, in: text),
                        "contains the build machine's path `\(forbidden)`"))
            }
            if ext == "html" { problems += duplicateIDs(in: text, path: path) }
            let references: [(value: String, offset: String.Index)]
            switch ext {
            case "html": references = Self.matches(of: Self.linkPattern, in: text)
            case "css": references = Self.matches(of: Self.cssURLPattern, in: text)
            default: continue
            }
            for (raw, offset) in references {
                let value = HTML.decodeEntities(raw).trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
                // A link to the web is the author's (checked with `--check-links`); what the page loads
                // itself (`src`, CSS) must be in the site, which works offline.
                if Self.isExternal(value) && text[..<offset].hasSuffix("href=\"") { continue }
                if let problem = problem(with: value, from: path, files: files, ids: idsOf) {
                    problems.append(error(path, Self.line(of: offset, in: text), problem))
                }
            }
            if ext == "html" {
                for (value, offset) in Self.anchorLinks(in: text) {
                    if let problem = problem(with: value, from: path, files: files, ids: idsOf) {
                        problems.append(error(path, Self.line(of: offset, in: text), problem))
                    }
                }
            }
        }
        return problems
    }

    /// Ids used twice on a page: a link to them reaches only the first (a warning, not an error).
    func duplicateIDs(in text: String, path: String) -> [Diagnostic] {
        var seen = Set<String>()
        var problems: [Diagnostic] = []
        for (id, offset) in Self.matches(of: Self.idPattern, in: text) where !seen.insert(id).inserted {
            problems.append(
                Diagnostic(
                    SourceLocation(file: "\(displayName)/\(path)", line: Self.line(of: offset, in: text)),
                    "the id `\(id)` is used more than once on the page", severity: .warning))
        }
        return problems
    }

    private func error(_ path: String, _ line: Int, _ message: String) -> Diagnostic {
        Diagnostic(SourceLocation(file: "\(displayName)/\(path)", line: line), message)
    }

    /// Why `value`, found in the file at `path`, is a broken or forbidden link (nil when fine).
    func problem(with value: String, from path: String, files: Set<String>, ids: (String) -> Set<String>) -> String? {
        if value.isEmpty { return "empty link" }
        if value.hasPrefix("data:") { return nil }
        if value.hasPrefix("//") { return "link outside the site: \(value)" }
        if let colon = value.firstIndex(of: ":"), !value[..<colon].contains("/"), !value[..<colon].contains("#"),
            !value[..<colon].contains("?")
        {
            return "link outside the site: \(value)"
        }
        var target = value
        var fragment: String?
        if let hash = target.firstIndex(of: "#") {
            fragment = String(target[target.index(after: hash)...])
            target = String(target[..<hash])
        }
        if let query = target.firstIndex(of: "?") { target = String(target[..<query]) }
        if target.hasPrefix("/") { return "absolute link: \(value)" }
        let resolved: String
        if target.isEmpty {
            resolved = path
        } else {
            let base = (path as NSString).deletingLastPathComponent
            let joined = base.isEmpty ? target : base + "/" + target
            guard let normal = Self.normalize(joined.removingPercentEncoding ?? joined) else {
                return "link outside the site: \(value)"
            }
            resolved = normal
        }
        guard files.contains(resolved) else { return "broken link: \(value) (no file \(resolved))" }
        if let fragment, !fragment.isEmpty, resolved.hasSuffix(".html") {
            let id = fragment.removingPercentEncoding ?? fragment
            if !ids(resolved).contains(id) { return "broken link: \(value) (no id `\(id)` in \(resolved))" }
        }
        return nil
    }

    /// Whether `value` is a link to the web or an address (`https:`, `http:`, `mailto:`).
    static func isExternal(_ value: String) -> Bool {
        ["http://", "https://", "mailto:"].contains { value.lowercased().hasPrefix($0) }
    }

    /// Every `href` to the web in the site's pages, where it first occurs (for `--check-links`).
    public func externalLinks() -> [(url: String, location: SourceLocation)] {
        var seen = Set<String>()
        var links: [(String, SourceLocation)] = []
        for path in siteFiles().sorted() where path.hasSuffix(".html") {
            guard let text = try? String(contentsOf: site.appendingPathComponent(path), encoding: .utf8) else {
                continue
            }
            for (raw, offset) in Self.matches(of: ["href=\""], in: text) {
                let value = HTML.decodeEntities(raw)
                guard value.hasPrefix("http://") || value.hasPrefix("https://"), seen.insert(value).inserted else {
                    continue
                }
                links.append(
                    (value, SourceLocation(file: "\(displayName)/\(path)", line: Self.line(of: offset, in: text))))
            }
        }
        return links
    }

    /// `a/./b/../c` as `a/c`; nil when it climbs out of the site.
    static func normalize(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// Paths of every regular file in the site, relative to it.
    func siteFiles() -> Set<String> {
        var files: Set<String> = []
        let base = site.path.hasSuffix("/") ? site.path : site.path + "/"
        guard let walker = FileManager.default.enumerator(at: site, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            return files
        }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.path
            if path.hasPrefix(base) { files.insert(String(path.dropFirst(base.count))) }
        }
        return files
    }

    /// `href#anchor` for each anchor of a `data-anchors` attribute, with the `href` of the same tag.
    static func anchorLinks(in text: String) -> [(value: String, offset: String.Index)] {
        var links: [(String, String.Index)] = []
        for (anchors, offset) in matches(of: ["data-anchors=\""], in: text) {
            guard let open = text[..<offset].lastIndex(of: "<") else { continue }
            let close = text[offset...].firstIndex(of: ">") ?? text.endIndex
            let href = matches(of: linkPattern, in: String(text[open..<close])).first.map {
                HTML.decodeEntities($0.value)
            }
            let base = href.map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0] } ?? ""
            for anchor in HTML.decodeEntities(anchors).split(separator: " ") {
                links.append(("\(base)#\(anchor)", offset))
            }
        }
        return links
    }

    // Attributes are matched only where they start a new attribute, so `xlink:href` and escaped
    // text inside <pre> (quotes are `&quot;` there) are left alone.
    static let linkPattern = ["href=\"", "src=\""]
    static let idPattern = ["id=\""]
    static let cssURLPattern = ["url("]

    /// The values after each of `openers` (up to the closing quote, or `)` for CSS `url(`).
    static func matches(of openers: [String], in text: String) -> [(value: String, offset: String.Index)] {
        var found: [(String, String.Index)] = []
        for opener in openers {
            let closer: Character = opener.hasSuffix("(") ? ")" : "\""
            var searchStart = text.startIndex
            while let r = text.firstRange(ofBytes: opener, from: searchStart) {
                searchStart = r.upperBound
                if closer == "\"" {
                    guard r.lowerBound > text.startIndex, text[text.index(before: r.lowerBound)].isWhitespace else {
                        continue
                    }
                }
                guard let end = text[r.upperBound...].firstIndex(of: closer) else { break }
                found.append((String(text[r.upperBound..<end]), r.upperBound))
                searchStart = end
            }
        }
        return found.sorted { $0.1 < $1.1 }
    }

    static func line(of index: String.Index, in text: String) -> Int {
        text[..<index].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }
}
