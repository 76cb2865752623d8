import ArgumentParser
import BookEngine

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the chapters (cached) and render the HTML book.")
    func run() throws { throw ValidationError("not yet") }
}

struct Doctest: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check every cell whose expected output is written in its chapter.")
    func run() throws { throw ValidationError("not yet") }
}
