import Foundation

/// The verdict on one doctest.
public struct DoctestResult: Sendable {
    public var location: SourceLocation
    public var cell: Int
    public var passed: Bool
    /// On failure: a diff of expected against actual, or what went wrong.
    public var detail: String
}

/// Runs every doctest of the chapters: cells with an ```` ```output ```` block.
///
/// The chapter runs as for a render (with the book's quick settings, by default); `trap` cells
/// are run up to the trap and `compile-fail` cells type-checked alone against the library, as
/// part of that run. `DoctestJudge` then gives each block its verdict, as it does on the page.
public final class DoctestRunner {
    public let runner: ChapterRunner
    public init(runner: ChapterRunner) { self.runner = runner }

    public func run(_ chapters: [Chapter]) -> [DoctestResult] {
        chapters.flatMap(run)
    }

    func run(_ chapter: Chapter) -> [DoctestResult] {
        let doctests = chapter.cells.filter(\.isDoctest)
        guard !doctests.isEmpty else { return [] }
        let run = runner.run([chapter])[chapter.name]
        return doctests.map { cell in
            let location = chapter.location(cell.codeLine)
            switch DoctestJudge.judge(cell, in: chapter, run: run) {
            case .pass: return DoctestResult(location: location, cell: cell.index, passed: true, detail: "")
            case .fail(let detail), .notRun(let detail):
                return DoctestResult(location: location, cell: cell.index, passed: false, detail: detail)
            }
        }
    }
}
