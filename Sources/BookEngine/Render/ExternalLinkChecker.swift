import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `book render --check-links`: asks each web address the site links to whether it is there.
/// Opt-in, because the build itself is offline; a link that fails is an error at its page and line.
public struct ExternalLinkChecker {
    public var timeout: TimeInterval = 15

    public init() {}

    public func check(_ links: [(url: String, location: SourceLocation)]) -> [Diagnostic] {
        let session = URLSession(configuration: .ephemeral)
        var problems: [Diagnostic] = []
        for (url, location) in links {
            if let problem = status(of: url, session: session) {
                problems.append(Diagnostic(location, "external link \(url): \(problem)"))
            }
        }
        return problems
    }

    /// Why the address does not answer (nil when it answers with a status below 400). HEAD first;
    /// servers that refuse HEAD are asked with GET.
    private func status(of address: String, session: URLSession) -> String? {
        guard let url = URL(string: address) else { return "not a valid URL" }
        var answer = fetch(url, method: "HEAD", session: session)
        if case .status(let code) = answer, code == 405 || code == 403 {
            answer = fetch(url, method: "GET", session: session)
        }
        switch answer {
        case .status(let code) where code < 400: return nil
        case .status(let code): return "HTTP status \(code)"
        case .failure(let message): return message
        }
    }

    private enum Answer {
        case status(Int)
        case failure(String)
    }

    private func fetch(_ url: URL, method: String, session: URLSession) -> Answer {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer = Answer.failure("no answer within \(Int(timeout)) s")
        session.dataTask(with: request) { _, response, error in
            if let error {
                answer = .failure(error.localizedDescription)
            } else if let http = response as? HTTPURLResponse {
                answer = .status(http.statusCode)
            }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + timeout + 1)
        return answer
    }
}
