import Foundation

/// Reads `Chapters/book.json` and checks it before anything is written: every error names
/// `Chapters/book.json:<line>`, and the folders `book tangle` writes into (and deletes stale
/// files from) may only be generated folders inside `Sources/`.
enum BookSettingsFile {
    static let path = "\(BookLoader.chaptersFolder)/book.json"

    /// The file is not JSON at all: where the parser stopped, and why.
    private static func notJSON(_ error: Error, text: String) -> Diagnostic {
        Diagnostic(
            SourceLocation(file: path, line: syntaxErrorLine(error, text: text)),
            "not valid JSON: \(syntaxErrorMessage(error))")
    }

    /// The settings, and the problems found (the default settings if the file is unusable).
    static func read(_ data: Data, root: URL) -> (BookConfig, [Diagnostic]) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            _ = try JSONSerialization.jsonObject(with: data)
        } catch {
            return (BookConfig(), [notJSON(error, text: text)])
        }
        let config: BookConfig
        do {
            config = try JSONDecoder().decode(BookConfig.self, from: data)
        } catch let error as DecodingError {
            return (BookConfig(), [describe(error, text: text)])
        } catch {
            return (BookConfig(), [notJSON(error, text: text)])
        }
        return (config, folderProblems(config, text: text, root: root))
    }

    // MARK: - Folders

    /// Why the generated folders are unsafe to write into, if they are.
    static func folderProblems(_ config: BookConfig, text: String, root: URL) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func problem(_ key: String, _ message: String) {
            problems.append(Diagnostic(SourceLocation(file: path, line: line(ofKey: key, in: text)), message))
        }
        if !isModuleName(config.library) {
            problem(
                "library",
                "\"library\" must be a module name (letters, digits, `_`, not starting with a digit), got \(quoted(config.library)); the library is generated into Sources/<library>/"
            )
        } else if handWritten(root.appendingPathComponent("Sources/\(config.library)")) {
            problem(
                "library",
                "\"library\": Sources/\(config.library) holds hand-written sources; `book tangle` would overwrite them (choose a new name, e.g. \"D2L\")"
            )
        }
        let programs = config.programsPath
        let parts = programs.split(separator: "/", omittingEmptySubsequences: false)
        if programs.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            problem(
                "programsPath",
                "\"programsPath\" must be a plain relative folder inside Sources/ (no `.`, `..`, empty or absolute parts), got \(quoted(programs))"
            )
        } else if parts.count < 2 || parts[0] != "Sources" {
            problem(
                "programsPath",
                "\"programsPath\" must be a folder inside Sources/ (e.g. \"Sources/Programs\"), not \(quoted(programs)): `book tangle` deletes the stale programs in it"
            )
        } else if parts[1] == Substring(config.library) {
            problem(
                "programsPath",
                "\"programsPath\" (\(programs)) may not lie in the library's folder Sources/\(config.library)")
        } else if handWritten(root.appendingPathComponent("Sources/\(parts[1])")) {
            problem(
                "programsPath",
                "\"programsPath\": Sources/\(parts[1]) holds hand-written sources; choose a folder of its own (e.g. \"Sources/Programs\")"
            )
        }
        return problems
    }

    /// Whether a folder holds a Swift file `book tangle` did not generate (a hand-written target).
    static func handWritten(_ folder: URL) -> Bool {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else { return false }
        for case let url as URL in walker {
            guard url.pathExtension == "swift",
                (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true
            else { continue }
            if !GeneratedFolders.isGenerated(url) { return true }
        }
        return false
    }

    static func isModuleName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy {
            $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        }
    }

    private static func quoted(_ s: String) -> String { "\"\(s)\"" }

    // MARK: - Lines

    /// The line of `"key":` in the file (its first occurrence), or 1.
    static func line(ofKey key: String, in text: String) -> Int {
        guard let range = text.range(of: "\"\(key)\"") else { return 1 }
        return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// A decoding error as `book.json:<line>: "key": what was expected`.
    static func describe(_ error: DecodingError, text: String) -> Diagnostic {
        let (context, what): (DecodingError.Context, String)
        switch error {
        case .typeMismatch(let type, let c): (context, what) = (c, "expected \(typeName(type))")
        case .valueNotFound(let type, let c): (context, what) = (c, "expected \(typeName(type)), found null")
        case .keyNotFound(let key, let c): (context, what) = (c, "missing \"\(key.stringValue)\"")
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty, let underlying = c.underlyingError {
                return Diagnostic(
                    SourceLocation(file: path, line: syntaxErrorLine(underlying, text: text)),
                    "not valid JSON: \(syntaxErrorMessage(underlying))")
            }
            (context, what) = (c, c.debugDescription)
        @unknown default:
            return Diagnostic(SourceLocation(file: path, line: 1), "cannot read the book settings: \(error)")
        }
        let keys = context.codingPath.filter { $0.intValue == nil }.map(\.stringValue)
        let line = keys.last.map { self.line(ofKey: $0, in: text) } ?? 1
        let at = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return Diagnostic(
            SourceLocation(file: path, line: line),
            "\(at.isEmpty ? "the settings" : String(at.dropFirst(at.hasPrefix(".") ? 1 : 0))): \(what)")
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is [String].Type: "a list of strings"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// The line a JSON syntax error names (Foundation says "line N" or gives a byte index).
    static func syntaxErrorLine(_ error: Error, text: String) -> Int {
        let message = syntaxErrorMessage(error)
        if let range = message.range(of: "line "), let n = Int(message[range.upperBound...].prefix { $0.isNumber }) {
            return n
        }
        if let range = message.range(of: "character "), let n = Int(message[range.upperBound...].prefix { $0.isNumber })
        {
            return text.utf16.prefix(n).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        }
        if let index = (error as NSError).userInfo["NSJSONSerializationErrorIndex"] as? Int {
            return text.utf8.prefix(index).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        }
        return 1
    }

    static func syntaxErrorMessage(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }
}
