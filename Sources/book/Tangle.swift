import ArgumentParser
import BookEngine

struct Tangle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the library and chapter programs from the chapters' cells.")

    @OptionGroup var common: CommonOptions

    @Flag(help: "Write nothing; fail if the generated sources differ from what the chapters generate.")
    var check = false

    func run() throws {
        let book = try common.loadBook()
        let tangler = Tangler(book: book)
        if check {
            let problems = tangler.check()
            report(problems)
            if !problems.isEmpty { throw ExitCode.failure }
            print("generated sources are current (\(tangler.files().count) files)")
            return
        }
        let written = try tangler.write()
        print(written.isEmpty ? "generated sources are current" : "tangled: \(written.joined(separator: ", "))")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the book: chapters listed, labels unique, references resolve, generated sources current.")

    @OptionGroup var common: CommonOptions

    func run() throws {
        let book = try common.loadBook()
        let problems = BookChecker(book: book).run()
        report(problems)
        let errors = problems.filter { $0.severity == .error }.count
        print(
            "\(book.chapters.count) chapters, \(book.chapters.map(\.cells.count).reduce(0, +)) cells: \(errors) errors, \(problems.count - errors) warnings"
        )
        if errors > 0 { throw ExitCode.failure }
    }
}

struct Sections: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a chapter's sections with the :original: line a translation records for each.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The chapter (e.g. deep-rnn).")
    var chapter: String

    func run() throws {
        let book = try common.loadBook()
        guard let chapter = try select([chapter], from: book).first else { return }
        for heading in chapter.headings {
            print(
                "\(String(repeating: "#", count: heading.level)) \(heading.number) \(heading.text)\n:original:`\(heading.anchor) \(heading.sourceHash)`\n"
            )
        }
    }
}

struct Freeze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep the chapters' current checkpoints with the book (Chapters/frozen/), so a clone restores them.",
        discussion:
            "Run it after a full render. Only checkpoints whose keys match the chapter as it is are kept; the others are removed."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: RunOptions

    @Argument(help: "Chapters whose checkpoints to keep (all by default).")
    var chapters: [String] = []

    func run() throws {
        let book = try common.loadBook()
        let runner = ChapterRunner(book: book, settings: options.settings())
        for chapter in try select(chapters, from: book) {
            let (written, removed) = try runner.freeze(chapter)
            print("\(chapter.name): \(written.count) checkpoint(s) written, \(removed.count) removed")
        }
    }
}
