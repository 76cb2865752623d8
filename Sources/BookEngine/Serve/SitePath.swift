import Foundation

/// Maps a request's path to a file inside the served site, refusing anything that could
/// reach outside it: `..` and `.` segments (plain or percent-encoded), backslashes, NUL bytes,
/// hidden files, and symbolic links that lead out of the site.
public enum SitePath {
    /// The file for `requestPath` (`/`, `/deep-rnn.html`, `/zh/`, `/img/a%20b.svg`), or nil.
    /// A folder stands for its `index.html`.
    public static func resolve(_ requestPath: String, in site: URL) -> URL? {
        guard let segments = segments(of: requestPath) else { return nil }
        let root = site.standardizedFileURL.resolvingSymlinksInPath()
        var url = segments.reduce(root) { $0.appendingPathComponent($1) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { url.appendPathComponent("index.html") }
        // A link inside the site may point anywhere; only what really lies under the root is served.
        let real = url.resolvingSymlinksInPath().path
        guard real.hasPrefix(root.path + "/"), FileManager.default.isReadableFile(atPath: real) else { return nil }
        return URL(fileURLWithPath: real)
    }

    /// The decoded segments of a path relative to the site, or nil when one is unsafe.
    public static func segments(of requestPath: String) -> [String]? {
        // The query and fragment are not part of the file's name.
        let path =
            requestPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? ""
        guard path.hasPrefix("/") || path.isEmpty else { return nil }
        var segments: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let segment = raw.removingPercentEncoding else { return nil }
            if segment == "." || segment == ".." || segment.hasPrefix(".") { return nil }
            if segment.contains("/") || segment.contains("\\") || segment.contains("\u{0}") { return nil }
            segments.append(segment)
        }
        return segments
    }

    /// The site-relative path of a served file (`zh/deep-rnn.html`), for matching pages to changes.
    public static func relative(_ requestPath: String) -> String? {
        guard let segments = segments(of: requestPath) else { return nil }
        let joined = segments.joined(separator: "/")
        return joined.isEmpty || requestPath.hasSuffix("/")
            ? (joined.isEmpty ? "index.html" : joined + "/index.html") : joined
    }
}
