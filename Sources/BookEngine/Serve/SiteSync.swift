import Foundation

/// Brings a freshly rendered site into the served one file by file, touching only the files
/// whose bytes differ, so a prose edit rewrites one page (per language) and the browser
/// reloads only that page. Each file is replaced by a rename, so a reader (or Ctrl-C) never
/// sees half a file.
public enum SiteSync {
    /// Makes `target` hold what `fresh` holds, except that files under the folders in `keeping`
    /// (`theme/`) stay when `fresh` lacks them; returns the site-relative paths that changed
    /// (added, rewritten or removed), sorted.
    @discardableResult
    public static func sync(_ fresh: URL, into target: URL, keeping: [String] = []) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        let new = files(under: fresh), old = files(under: target)
        var changed: [String] = []
        for path in new.sorted() {
            let source = fresh.appendingPathComponent(path), destination = target.appendingPathComponent(path)
            guard let data = fm.contents(atPath: source.path) else { continue }
            if old.contains(path), fm.contents(atPath: destination.path) == data { continue }
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(data, to: destination)
            changed.append(path)
        }
        for path in old.subtracting(new).sorted() where !keeping.contains(where: { path.hasPrefix($0) }) {
            try fm.removeItem(at: target.appendingPathComponent(path))
            changed.append(path)
        }
        return changed.sorted()
    }

    /// Regular files under `folder`, relative to it.
    static func files(under folder: URL) -> Set<String> {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        let prefix = folder.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        var result = Set<String>()
        for case let url as URL in walker
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            if path.hasPrefix(prefix) { result.insert(String(path.dropFirst(prefix.count))) }
        }
        return result
    }
}
