import Foundation

/// What the live-reload script of a served page asks for: the site's version, which pages
/// changed in which version, which chapters are re-running, and the errors of the last render.
///
/// The watcher thread publishes, the HTTP handlers read; a lock keeps it simple and safe.
public final class ReloadState: @unchecked Sendable {
    /// One answer to a page's poll.
    public struct Snapshot: Codable, Equatable, Sendable {
        /// Grows by one with every published change.
        public var version: Int
        /// Whether the asking page must reload (its file, or a shared asset, changed after `since`).
        public var reload: Bool
        /// Chapters whose programs are re-running: their pages show the previous outputs, stale.
        public var running: [String]
        /// Errors of the last render (`Chapters/x.md:12: error: ...`); empty when it succeeded.
        public var errors: [String]
    }

    private let lock = NSLock()
    private var version = 0
    /// The version in which each site file (`zh/gru.html`) last changed.
    private var changedIn: [String: Int] = [:]
    private var running: [String] = []
    private var errors: [String] = []

    public init() {}

    public var currentVersion: Int { lock.withLock { version } }

    /// Records a new state of the site: the files that changed, the chapters re-running, the errors.
    public func publish(changed: [String], running: [String], errors: [String]) {
        lock.withLock {
            version += 1
            for path in changed { changedIn[path] = version }
            self.running = running
            self.errors = errors
        }
    }

    /// The state as seen by the page at `page` (site-relative) that last saw version `since`.
    public func snapshot(page: String, since: Int) -> Snapshot {
        lock.withLock {
            // A page reloads when its own file changed, or a shared file (style, script, figure)
            // did; another page's HTML (or the search index, which every prose edit rewrites)
            // changing leaves it alone.
            let reload = changedIn.contains { path, changed in
                changed > since && (path == page || !(path.hasSuffix(".html") || path.hasSuffix("search-index.js")))
            }
            return Snapshot(version: version, reload: reload, running: running, errors: errors)
        }
    }

    /// Waits (up to `timeout` seconds) for a version newer than `since`, then answers as `snapshot`.
    public func wait(page: String, since: Int, timeout: Double) async -> Snapshot {
        let deadline = Date().addingTimeInterval(timeout)
        while currentVersion <= since, Date() < deadline {
            try? await Task.sleep(nanoseconds: 40_000_000)
        }
        return snapshot(page: page, since: since)
    }
}
