import Foundation

/// What a chapter program's standard error says about a trap: the runtime's reason and the
/// chapter lines of the failing statement (the backtrace names them through `#sourceLocation`).
///
/// Chapter cells are built unoptimized, so the runtime prints its reason (`Fatal error: Index
/// out of range`); optimized library code prints `*** Swift runtime failure: ... ***` instead, or
/// only the crash, and then the innermost frame (`Array.subscript.getter`) says what failed.
struct TrapReport {
    /// The runtime's words: `Fatal error: Index out of range`, `Precondition failed: ...`.
    var reasons: [String] = []
    /// Backtrace frames that point into the book's chapters, innermost first: `Chapters/x.md:12:5`.
    var frames: [(location: String, function: String)] = []
    /// The innermost frame's function when the runtime gave no reason (e.g. `Array.subscript.getter`).
    var innermost: String?
    /// The line of the failing statement in the chapter that ran (not a library chapter's line).
    var chapterLine: Int?

    init(stderr: String, chapter: Chapter) {
        let lines = stderr.split(separator: "\n").map { String($0) }
        for line in lines {
            if let r = line.range(of: "Fatal error: ") ?? line.range(of: "Precondition failed: ") ?? line.range(
                of: "Assertion failed: ")
                ?? line.range(of: "Fatal error")
            {
                // Drop the standard library's own file (`Swift/Array.swift:418: `) before the words.
                let prefix = line[..<r.lowerBound]
                let keepsPrefix = prefix.contains(".md:")
                reasons.append(keepsPrefix ? line : String(line[r.lowerBound...]))
            } else if line.hasPrefix("*** Swift runtime failure: "), line.hasSuffix(" ***") {
                reasons.append("Swift runtime failure: " + line.dropFirst(27).dropLast(4))
            } else if line.hasPrefix("Error: ") || line.contains(": error: ") {
                reasons.append(line)
            }
        }
        let chaptersFolder = (chapter.path as NSString).deletingLastPathComponent
        var sawCrashedThread = false
        for line in lines {
            if line.hasPrefix("Thread "), line.hasSuffix(" crashed:") {
                sawCrashedThread = true
                continue
            }
            guard sawCrashedThread else { continue }
            if line.hasPrefix("Thread ") || line.hasPrefix("Registers:") { break }
            // `  3 [ra] 0x000055... deep_rnn_main + 1228 in deep-rnn at Chapters/deep-rnn.md:89:18`
            guard let at = line.range(of: " at ", options: .backwards) else {
                if innermost == nil { innermost = Self.function(in: line) }
                continue
            }
            let location = String(line[at.upperBound...])
            if location.hasPrefix(chaptersFolder + "/"), location.contains(".md:") {
                frames.append((location, Self.function(in: String(line[..<at.lowerBound])) ?? ""))
            } else if frames.isEmpty, innermost == nil {
                innermost = Self.function(in: String(line[..<at.lowerBound]))
            }
        }
        let own = chapter.path + ":"
        if let frame = frames.first(where: { $0.location.hasPrefix(own) }) {
            chapterLine = Int(frame.location.dropFirst(own.count).prefix { $0.isNumber })
        } else if let reason = reasons.first(where: { $0.contains(".md:") }),
            let r = reason.range(of: "\(chapter.name).md:")
        {
            chapterLine = Int(reason[r.upperBound...].prefix { $0.isNumber })
        }
    }

    /// The function a backtrace frame names: `f(_:)` in `0x... f(_:) + 116 in t`.
    static func function(in frame: String) -> String? {
        let words = frame.split(separator: " ", omittingEmptySubsequences: true)
        guard let address = words.firstIndex(where: { $0.hasPrefix("0x") }) else { return nil }
        var name = words[(address + 1)...].joined(separator: " ")
        if let plus = name.range(of: " + ", options: .backwards) { name = String(name[..<plus.lowerBound]) }
        if let inModule = name.range(of: " in ", options: .backwards) { name = String(name[..<inModule.lowerBound]) }
        return name.isEmpty ? nil : name
    }

    /// The reason and where: what the terminal and the page show.
    var summary: String {
        var out = reasons
        if out.isEmpty, let innermost, !frames.isEmpty {
            out.append("the program trapped in \(innermost.replacingOccurrences(of: "specialized ", with: ""))")
        }
        for frame in frames.prefix(5) {
            out.append("  at \(frame.location)" + (frame.function.isEmpty ? "" : " (\(frame.function))"))
        }
        return out.joined(separator: "\n")
    }
}
