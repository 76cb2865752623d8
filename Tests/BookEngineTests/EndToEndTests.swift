import XCTest

@testable import BookEngine

/// The whole path on a small real package: tangle, build, run with capture, cache,
/// doctests (ordinary, trap, compile-fail), and failures that name the chapter's line.
final class EndToEndTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let chapter = """
        # Hello
        :label:`chap_hello`

        ```swift save
        public func greet(_ name: String) -> String { "Hello, \\(name)!" }
        ```

        ```swift
        print(greet("world"))
        print("epochs", Book.epochs(3))
        Book.show(svg: "<svg xmlns=\\"http://www.w3.org/2000/svg\\"></svg>")
        print("after the figure")
        Book.record("greeting", greet("values"))
        Book.record("answer", 42)
        ```
        ```output
        Hello, world!
        epochs ≈ 1 ± 0
        after the figure
        ```

        ```swift trap
        let numbers = [1, 2, 3]
        if numbers.count < 5 { fatalError("need five numbers, got \\(numbers.count)") }
        ```
        ```output
        need five numbers, got 3
        ```

        ```swift compile-fail
        let count: Int = greet("x")
        ```
        ```output
        cannot convert value of type 'String' to specified type 'Int'
        ```

        """

    static let nested = """
        1. A step with code:

           ```swift id=step
           let steps = [1, 2]
           print("step", steps.count)
           ```
           ```output
           step 2
           ```

        > A quote with code:
        >
        > ```swift
        > print("quoted", steps.last!)
        > ```

        """

    func makeBook() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-book-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        for module in ["BookSupport", "BookContract"] {
            try fm.createSymbolicLink(
                at: root.appendingPathComponent("Sources/\(module)"),
                withDestinationURL: Self.repository.appendingPathComponent("Sources/\(module)"))
        }
        try """
        // swift-tools-version:6.2
        import PackageDescription
        let package = Package(
            name: "Mini",
            dependencies: [.package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")],
            targets: [
                .target(name: "BookContract"),
                .target(name: "BookSupport", dependencies: ["BookContract", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
                .target(name: "D2L", dependencies: ["BookSupport"]),
                .executableTarget(name: "hello", dependencies: ["D2L", "BookSupport"], path: "Sources/Programs/hello",
                                  swiftSettings: [.defaultIsolation(MainActor.self)]),
            ],
            swiftLanguageModes: [.v6]
        )
        """.write(to: root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try "# Mini\n\n- [Hello](hello.md)\n".write(
            to: root.appendingPathComponent("Chapters/SUMMARY.md"), atomically: true, encoding: .utf8)
        try #"{"programImports": ["Foundation", "BookSupport"], "libraryImports": ["Foundation", "BookSupport"]}"#
            .write(to: root.appendingPathComponent("Chapters/book.json"), atomically: true, encoding: .utf8)
        try Self.chapter.write(to: root.appendingPathComponent("Chapters/hello.md"), atomically: true, encoding: .utf8)
        return root
    }

    func runner(_ root: URL) throws -> ChapterRunner {
        let book = try BookLoader.load(root: root)
        try Tangler(book: book).write()
        var settings = RunSettings()
        settings.configuration = "debug"
        settings.arguments = ["--epochs", "1"]
        settings.timeout = 300
        let runner = ChapterRunner(book: book, settings: settings)
        runner.log = { _ in }
        return runner
    }

    func testTangleBuildRunCaptureDoctestAndFailures() throws {
        let root = try makeBook()
        defer { try? FileManager.default.removeItem(at: root) }

        // Run with capture: per-cell text and figures, in order; progress follows the cells.
        var runner = try runner(root)
        let chapter = runner.book.chapters[0]
        let sink = ProgressTests.Sink()
        runner.progress = Progress(style: .lines) { sink.write($0) }
        let run = try XCTUnwrap(runner.run([chapter])["hello"])
        XCTAssertTrue(sink.text.contains("hello: cell 2 (Chapters/hello.md:9) ["), sink.text)
        XCTAssertFalse(sink.text.contains("hello: epochs"), "only epoch lines are progress")
        XCTAssertNil(run.failure, "\(run.failure!)")
        let cell = try XCTUnwrap(run.output(ofCell: 2))
        XCTAssertEqual(cell.items.count, 3)
        XCTAssertEqual(cell.items.first, .text("Hello, world!\nepochs 1\n"))
        XCTAssertEqual(cell.items.last, .text("after the figure\n"))
        guard case .figure(let svg) = cell.items[1] else { return XCTFail("expected a figure") }
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertNotNil(cell.seconds)
        XCTAssertEqual(run.record.arguments, ["--epochs", "1"])
        XCTAssertEqual(
            run.values, ["greeting": .text("Hello, values!"), "answer": .number(42)], "values recorded for the prose")

        // The built program refuses to run once its chapter's code changed without a tangle,
        // and names the command that refreshes it; a prose edit does not stop it.
        let program = "\(runner.binPath)/hello"
        let url = root.appendingPathComponent("Chapters/hello.md")
        try (Self.chapter + "\nMore prose.\n").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Subprocess.run(program, ["--epochs", "1"], in: root).status, 0)
        try Self.chapter.replacingOccurrences(of: "after the figure", with: "after the edit")
            .write(to: url, atomically: true, encoding: .utf8)
        let stale = try Subprocess.run(program, ["--epochs", "1"], in: root)
        XCTAssertEqual(stale.status, 2)
        XCTAssertTrue(stale.stderr.contains("Chapters/hello.md changed since this program was generated"), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("swift run book tangle"), stale.stderr)
        XCTAssertFalse(stale.stdout.contains("after"), "no cell ran")
        try Self.chapter.write(to: url, atomically: true, encoding: .utf8)

        // Unchanged inputs come from the cache.
        XCTAssertNotNil(runner.cached(chapter))

        // Doctests: ordinary, trap and compile-fail all pass.
        let results = DoctestRunner(runner: runner).run([chapter])
        XCTAssertEqual(results.count, 3)
        XCTAssertTrue(results.allSatisfy(\.passed), results.filter { !$0.passed }.map(\.detail).joined(separator: "\n"))

        // Cells in a list item and in a block quote: cells of the program, in reading order, with
        // their doctest, and rendered where they stand with their outputs.
        try (Self.chapter + Self.nested).write(to: url, atomically: true, encoding: .utf8)
        runner = try self.runner(root)
        let nestedRun = try XCTUnwrap(runner.run(runner.book.chapters)["hello"])
        XCTAssertNil(nestedRun.failure, "\(nestedRun.failure!)")
        XCTAssertEqual(nestedRun.output(ofCell: 5)?.text, "step 2\n")
        XCTAssertEqual(nestedRun.output(ofCell: 6)?.text, "quoted 2\n")
        let nestedResults = DoctestRunner(runner: runner).run(runner.book.chapters)
        XCTAssertEqual(nestedResults.count, 4)
        XCTAssertTrue(
            nestedResults.allSatisfy(\.passed),
            nestedResults.filter { !$0.passed }.map(\.detail).joined(separator: "\n"))
        let site = root.appendingPathComponent("site")
        let options = SiteOptions(
            bookRoot: root, katexDirectory: site.appendingPathComponent("none"),
            katexFontsDirectory: site.appendingPathComponent("none"), requireKaTeX: false)
        _ = try SiteRenderer(book: runner.book, runs: ["hello": nestedRun], options: options).render(into: site)
        let page = try String(contentsOf: site.appendingPathComponent("hello.html"), encoding: .utf8)
        let quote = try XCTUnwrap(page.range(of: "<blockquote>"))
        let quoted = try XCTUnwrap(page.range(of: "quoted 2"), page)
        XCTAssertLessThan(quote.lowerBound, quoted.lowerBound)
        XCTAssertLessThan(quoted.lowerBound, try XCTUnwrap(page.range(of: "</blockquote>")).lowerBound)
        let item = try XCTUnwrap(
            page.range(of: "<li>\n<p>A step with code:</p>\n<div class=\"cell\" id=\"cell-step\">"), page)
        let itemEnd = try XCTUnwrap(page.range(of: "</li>", range: item.upperBound..<page.endIndex))
        let stepOutput = try XCTUnwrap(page.range(of: "step 2", range: item.upperBound..<page.endIndex))
        XCTAssertLessThan(stepOutput.lowerBound, itemEnd.lowerBound, "the output is inside the list item")

        // A cell that does not compile: the failure names its chapter line.
        try (Self.chapter + "```swift\nlet x: Int = \"text\"\n```\n").write(to: url, atomically: true, encoding: .utf8)
        runner = try self.runner(root)
        XCTAssertNil(runner.cached(runner.book.chapters[0]), "an edited cell invalidates the cache")
        let broken = try XCTUnwrap(runner.run(runner.book.chapters)["hello"]?.failure)
        XCTAssertEqual(broken.kind, .compile)
        XCTAssertEqual(broken.line, 37)
        XCTAssertEqual(broken.cell, 5)
        XCTAssertTrue(
            broken.message.contains(
                "Chapters/hello.md:37:14: error: cannot convert value of type 'String' to specified type 'Int'"),
            broken.message)
        XCTAssertFalse(broken.message.contains(root.path), "no build-machine path in messages")

        // A cell that traps: the failure names the line of the trap.
        try (Self.chapter + "```swift\nprint(\"before\")\nfatalError(\"stop here\")\n```\n").write(
            to: url, atomically: true, encoding: .utf8)
        runner = try self.runner(root)
        let trapped = try XCTUnwrap(runner.run(runner.book.chapters)["hello"])
        XCTAssertEqual(trapped.failure?.kind, .trap)
        XCTAssertEqual(trapped.failure?.line, 38)
        XCTAssertTrue(
            trapped.failure?.message.contains("Fatal error: stop here") == true, trapped.failure?.message ?? "")
        XCTAssertEqual(trapped.output(ofCell: 5)?.text, "before\n")
        XCTAssertNil(trapped.output(ofCell: 5)?.seconds, "the trapping cell did not finish")

        // An index out of range: the runtime's reason and the line of the failing statement.
        try (Self.chapter + "```swift\nlet xs = [1, 2]\nprint(\"indexing\")\nprint(xs[5])\n```\n").write(
            to: url, atomically: true, encoding: .utf8)
        runner = try self.runner(root)
        let outOfRange = try XCTUnwrap(runner.run(runner.book.chapters)["hello"]?.failure)
        XCTAssertEqual(outOfRange.kind, .trap)
        XCTAssertEqual(outOfRange.line, 39)
        XCTAssertTrue(
            outOfRange.message.hasPrefix("Fatal error: Index out of range\n  at Chapters/hello.md:39:"),
            outOfRange.message)

        // A chapter that runs past the time limit is stopped, and the cell is named.
        try "# Hello\n\n```swift\nprint(\"start\")\nwhile true { sleep(1) }\n```\n".write(
            to: url, atomically: true, encoding: .utf8)
        runner = try self.runner(root)
        XCTAssertNil(runner.build(runner.book.chapters[0]))
        var quick = runner.settings
        quick.timeout = 2
        let limited = ChapterRunner(book: runner.book, settings: quick)
        limited.log = { _ in }
        let stopped = limited.execute(runner.book.chapters[0])
        XCTAssertEqual(stopped.failure?.kind, .timeout)
        XCTAssertEqual(stopped.failure?.line, 4)
        XCTAssertEqual(stopped.output(ofCell: 1)?.text, "start\n")
    }

    /// A cell after an expensive one is edited: the expensive one is restored from its
    /// checkpoint (its output replayed, its value returned), not computed again; editing the
    /// expensive cell itself computes it again.
    func testCheckpointsRestoreExpensiveCells() throws {
        let root = try makeBook()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("Chapters/hello.md")
        let chapter = """
            # Hello

            ```swift
            let trained = Book.checkpoint("training") { () -> [Double] in
                print("training for real, pid \\(getpid())")
                Book.show(svg: "<svg xmlns=\\"http://www.w3.org/2000/svg\\"><rect width=\\"1\\" height=\\"1\\"/></svg>")
                print("done")
                return [1.5, 2.5]
            }
            ```

            ```swift
            print("sum", trained.reduce(0, +))
            ```

            """
        try chapter.write(to: url, atomically: true, encoding: .utf8)
        let first = try XCTUnwrap(try runner(root).run(try runner(root).book.chapters)["hello"])
        XCTAssertNil(first.failure, "\(first.failure!)")
        let computed = try XCTUnwrap(first.output(ofCell: 1))
        XCTAssertEqual(computed.restored, [])
        XCTAssertEqual(first.output(ofCell: 2)?.text, "sum 4.0\n")

        try chapter.replacingOccurrences(of: "print(\"sum\"", with: "print(\"total\"").write(
            to: url, atomically: true, encoding: .utf8)
        let second = try XCTUnwrap(try runner(root).run(try runner(root).book.chapters)["hello"])
        let restored = try XCTUnwrap(second.output(ofCell: 1))
        XCTAssertEqual(restored.restored.map(\.name), ["training"])
        XCTAssertEqual(restored.items, computed.items, "the same text and figure, replayed (same pid: not run again)")
        XCTAssertEqual(second.output(ofCell: 2)?.text, "total 4.0\n", "the edited cell runs with the restored value")

        try chapter.replacingOccurrences(of: "[1.5, 2.5]", with: "[1.5, 3.5]").write(
            to: url, atomically: true, encoding: .utf8)
        let third = try XCTUnwrap(try runner(root).run(try runner(root).book.chapters)["hello"])
        XCTAssertEqual(third.output(ofCell: 1)?.restored, [], "an edit to the cell itself computes it again")
        XCTAssertEqual(third.output(ofCell: 2)?.text, "sum 5.0\n")
    }
}
