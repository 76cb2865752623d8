import FlyingFox
import FlyingSocks
import Foundation

/// Serves the site on 127.0.0.1 for `book serve`: files from the site folder (HTML pages with
/// the live-reload script added on the way out) and the `/__livereload` long poll.
///
/// FlyingFox (a small server on plain sockets and Swift concurrency) builds in seconds here;
/// Hummingbird would pull in swift-nio for one local reader (see README, "Live preview").
public final class PreviewServer: @unchecked Sendable {
    public let site: URL
    public let state: ReloadState
    /// How long one long poll waits for a change before answering anyway.
    public var pollTimeout: Double = 20
    private let server: HTTPServer

    /// A server on 127.0.0.1:`port` (0: a free port, see `start`).
    public init(site: URL, state: ReloadState, port: UInt16) throws {
        self.site = site.standardizedFileURL
        self.state = state
        // Connections idle longer than a long poll would be dropped by a shorter timeout.
        server = HTTPServer(
            config: .init(
                address: try .inet(ip4: "127.0.0.1", port: port), timeout: 60,
                logger: .disabled))
    }

    /// Starts listening and returns the port (the one chosen when asked for 0).
    public func start() async throws -> UInt16 {
        let handler = Handler(site: site, state: state, pollTimeout: pollTimeout)
        await server.appendRoute("*") { request in await handler.respond(to: request) }
        Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            throw SocketError.unsupportedAddress
        }
        return port
    }

    public func stop() async { await server.stop(timeout: 1) }

    /// Answers requests; separate from the server so it can be tested without sockets.
    struct Handler: Sendable {
        let site: URL
        let state: ReloadState
        let pollTimeout: Double

        func respond(to request: HTTPRequest) async -> HTTPResponse {
            guard request.method == .GET || request.method == .HEAD else {
                return HTTPResponse(statusCode: .methodNotAllowed)
            }
            // The raw (still percent-encoded) path: SitePath decodes it once and judges every segment.
            let path = request.target.path()
            if path == LiveReloadScript.endpoint {
                let since = Int(request.query["since"] ?? "") ?? 0
                let page = SitePath.relative(request.query["page"] ?? "/") ?? ""
                let snapshot = await state.wait(page: page, since: since, timeout: pollTimeout)
                let body = (try? JSONEncoder().encode(snapshot)) ?? Data("{}".utf8)
                return HTTPResponse(
                    statusCode: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: body)
            }
            return file(at: path)
        }

        func file(at path: String) -> HTTPResponse {
            // The version is read before the file is: a page never claims to be newer than it is.
            let snapshot = state.snapshot(page: SitePath.relative(path) ?? "", since: .max)
            guard let url = SitePath.resolve(path, in: site), let data = FileManager.default.contents(atPath: url.path)
            else {
                return HTTPResponse(
                    statusCode: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: Data("not found: \(path)\n".utf8))
            }
            var body = data
            let type = Self.contentType(of: url.pathExtension)
            if url.pathExtension == "html", let page = SitePath.relative(path) {
                body = Data(
                    LiveReloadScript.inject(into: String(decoding: data, as: UTF8.self), page: page, state: snapshot)
                        .utf8)
            }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: body)
        }

        static func contentType(of pathExtension: String) -> String {
            switch pathExtension.lowercased() {
            case "html": return "text/html; charset=utf-8"
            case "css": return "text/css; charset=utf-8"
            case "js": return "text/javascript; charset=utf-8"
            case "json": return "application/json"
            case "svg": return "image/svg+xml"
            case "png": return "image/png"
            case "jpg", "jpeg": return "image/jpeg"
            case "woff2": return "font/woff2"
            case "woff": return "font/woff"
            case "ttf": return "font/ttf"
            case "txt", "md": return "text/plain; charset=utf-8"
            default: return "application/octet-stream"
            }
        }
    }
}
