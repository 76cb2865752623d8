import Foundation

/// Reads a source file as UTF-8 text with `\n` line endings, or reports why it can't.
enum SourceText {
    static func read(_ url: URL, path: String) -> Result<String, Diagnostic> {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return .failure(Diagnostic(SourceLocation(file: path, line: 0), "cannot read the file"))
        }
        return decode(data, path: path)
    }

    static func decode(_ data: Data, path: String) -> Result<String, Diagnostic> {
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, offset) = firstInvalidUTF8(data)
            return .failure(
                Diagnostic(
                    SourceLocation(file: path, line: line),
                    "the file is not valid UTF-8 (bad byte at offset \(offset)); save it as UTF-8"))
        }
        // CRLF and lone CR become LF, so code and line numbers are the same on every system.
        return .success(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
    }

    /// The line and byte offset of the first byte that is not part of valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, offset: Int) {
        let bytes = [UInt8](data)
        var i = 0, line = 1
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, i)
            }
            if i + length > bytes.count { return (line, i) }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return (line, i) }
            if b == 0x0A { line += 1 }
            i += length
        }
        return (line, i)
    }
}
