import Foundation

/// Notices which files under a folder were added, changed or removed, by polling.
///
/// Polling is portable (no inotify/FSEvents) and cheap for a book's few hundred files: each
/// poll reads only the files' modification times and sizes; a file whose stamp moved is read
/// and hashed, so an editor that saves the same bytes again (or `touch`) changes nothing.
public struct FolderWatcher {
    /// What a file looked like at the last poll.
    public struct Stamp: Equatable, Sendable {
        public var modified: Date
        public var size: Int
        public var hash: String
    }

    public let folder: URL
    public private(set) var files: [String: Stamp] = [:]

    /// Takes the first snapshot of `folder` (paths are relative to it, `zh/gru.md`).
    public init(folder: URL) {
        self.folder = folder.standardizedFileURL
        files = scan(previous: [:])
    }

    /// The paths that were added, changed or removed since the last call (sorted).
    public mutating func changes() -> [String] {
        let now = scan(previous: files)
        let changed = Set(now.keys).union(files.keys).filter { now[$0]?.hash != files[$0]?.hash }
        files = now
        return changed.sorted()
    }

    private func scan(previous: [String: Stamp]) -> [String: Stamp] {
        let fm = FileManager.default
        var result: [String: Stamp] = [:]
        guard
            let walker = fm.enumerator(
                at: folder, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey],
                options: [.skipsHiddenFiles])
        else { return result }
        let prefix = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        for case let url as URL in walker {
            guard
                let values = try? url.resourceValues(forKeys: [
                    .contentModificationDateKey, .fileSizeKey, .isRegularFileKey,
                ]),
                values.isRegularFile == true
            else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            // Editors' swap and backup files are not the book's.
            if relative.hasSuffix("~") || relative.hasSuffix(".swp") { continue }
            let modified = values.contentModificationDate ?? .distantPast
            let size = values.fileSize ?? 0
            if let old = previous[relative], old.modified == modified, old.size == size {
                result[relative] = old
            } else if let data = fm.contents(atPath: path) {
                var hash = ContentHash()
                hash.add(data)
                result[relative] = Stamp(modified: modified, size: size, hash: hash.hex)
            }
        }
        return result
    }
}
