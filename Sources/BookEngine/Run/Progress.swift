import Foundation

/// What the engine is doing, as it happens: which chapter builds or runs, which cell (its line
/// in the chapter), the training's epoch lines, the time so far and, when an earlier run says how
/// long the chapter takes, an estimate.
///
/// On a terminal it is one status line, rewritten in place; elsewhere (CI, a pipe, a file) it is
/// plain lines, one per event, and epoch lines only as the program prints them.
public final class Progress: @unchecked Sendable {
    public enum Style: Sendable { case statusLine, lines, silent }
    public let style: Style
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var chapter = ""
    private var started = Date()
    private var estimate: Double?
    private var cellText = ""
    private var epochText = ""
    private var shown = false

    public init(
        style: Style, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.style = style
        self.write = write
    }

    /// A status line on a terminal, lines otherwise.
    public static func forStandardError() -> Progress {
        let terminal = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        return Progress(style: terminal ? .statusLine : .lines)
    }

    /// A message of its own (building, cached, why a chapter runs): a line in every style.
    public func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard style != .silent else { return }
        clear()
        write(text + "\n")
        redraw()
    }

    /// A chapter's program starts; `estimate` is how long its last run took, if known.
    public func running(_ chapter: String, estimate: Double?) {
        lock.lock()
        defer { lock.unlock() }
        self.chapter = chapter
        self.estimate = estimate
        started = Date()
        cellText = ""
        epochText = ""
        if style == .lines {
            write("\(chapter): running" + (estimate.map { " (the last run took \(Self.duration($0)))" } ?? "") + "\n")
        }
        redraw()
    }

    /// A chapter's program is being built; `line` is the build's latest line (`[12/40] Compiling ...`).
    public func building(_ chapter: String, line: Substring? = nil) {
        lock.lock()
        defer { lock.unlock() }
        if self.chapter != chapter + " (building)" {
            self.chapter = chapter + " (building)"
            started = Date()
            estimate = nil
            cellText = ""
        }
        if let line, line.hasPrefix("[") { epochText = String(line.prefix(80)) }
        redraw()
    }

    /// The program began a cell, at `location` (`Chapters/deep-rnn.md:212`).
    public func cell(_ index: Int, at location: String) {
        lock.lock()
        defer { lock.unlock() }
        cellText = "cell \(index) (\(location))"
        epochText = ""
        if style == .lines { write("\(chapter): \(cellText) [\(Self.duration(elapsed))]\n") }
        redraw()
    }

    /// A line the program printed or reported: epoch lines show in the status line; plain style
    /// prints the program's own epoch lines only (its progress reports would be too many).
    public func programLine(_ text: Substring, isReport: Bool) {
        let line = text.trimmingCharacters(in: .whitespaces)
        // `epoch 3/100 ...`, `epoch  10: ...`: the word, then a number.
        guard line.hasPrefix("epoch"), line.dropFirst(5).drop(while: { $0 == " " }).first?.isNumber == true else {
            return
        }
        lock.lock()
        defer { lock.unlock() }
        epochText = line
        if style == .lines, !isReport { write("\(chapter): \(line) [\(Self.duration(elapsed))]\n") }
        redraw()
    }

    /// The chapter's program finished (or failed).
    public func finished() {
        lock.lock()
        defer { lock.unlock() }
        clear()
        chapter = ""
    }

    private var elapsed: Double { Date().timeIntervalSince(started) }

    /// The status line: `deep-rnn · cell 7 (Chapters/deep-rnn.md:212) · epoch 37/100 ... · 0:41 of ~1:50`.
    private func redraw() {
        guard style == .statusLine, !chapter.isEmpty else { return }
        var parts = [chapter]
        if !cellText.isEmpty { parts.append(cellText) }
        if !epochText.isEmpty { parts.append(epochText) }
        parts.append(Self.duration(elapsed) + (estimate.map { " of ~" + Self.duration($0) } ?? ""))
        var line = parts.joined(separator: " · ")
        let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 120
        if line.count > width - 1 { line = String(line.prefix(width - 2)) + "…" }
        write("\r\u{1B}[K" + line)
        shown = true
    }

    private func clear() {
        guard shown else { return }
        write("\r\u{1B}[K")
        shown = false
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s < 60 ? "\(s) s" : String(format: "%d:%02d", s / 60, s % 60)
    }
}
