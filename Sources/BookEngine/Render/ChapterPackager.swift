import Foundation

/// A chapter as a standalone SwiftPM package, zipped for its page's download link: the
/// chapter's program, the library code of the chapters up to it, TensorKit and BookSupport as
/// sources, swift-argument-parser's sources (so nothing is fetched: it builds offline), the
/// chapters' Markdown (the sources' `#sourceLocation`s point there), the data set and a README.
///
/// The zip is written by Debian's `zip` (Info-ZIP): the renderer only needs "this folder as a
/// zip", the tool is installed with the system packages anyway, and it keeps a zip library out
/// of the book tool's build (ZIPFoundation would be one more package to compile on every clean
/// build).
public struct ChapterPackager: Sendable {
    /// The project's root, holding `Sources/TensorKit`, `Sources/BookSupport`, `Sources/BookContract` and `Sources/CBLAS`.
    public var projectRoot: URL
    /// swift-argument-parser's checkout (its `Sources/ArgumentParser*` and `LICENSE.txt`).
    public var argumentParser: URL
    /// The `zip` executable.
    public var zip: URL
    /// Where zips are kept under a hash of everything in them, so that rendering again with
    /// nothing changed does not copy and compress again; nil keeps none.
    public var cacheFolder: URL?

    public init(projectRoot: URL, argumentParser: URL, zip: URL) {
        self.projectRoot = projectRoot
        self.argumentParser = argumentParser
        self.zip = zip
    }

    /// The packager for the project at `root` (swift-argument-parser from SwiftPM's checkout
    /// in `.build`), or why there is none.
    public static func find(projectRoot root: URL) -> Result<ChapterPackager, DiagnosticList> {
        let fm = FileManager.default
        let parser = root.appendingPathComponent(".build/checkouts/swift-argument-parser")
        let location = SourceLocation(file: "site/\(folder)", line: 0)
        // A book that depends on this package (`book init`) has no copy of the libraries to pack.
        let missing = projectFolders.filter { !fm.fileExists(atPath: root.appendingPathComponent($0).path) }
        guard missing.isEmpty else {
            return .failure(
                DiagnosticList([
                    Diagnostic(
                        location, "this book has no \(missing.joined(separator: ", ")) of its own to put into them")
                ]))
        }
        guard fm.fileExists(atPath: parser.appendingPathComponent("Sources/ArgumentParser").path) else {
            return .failure(
                DiagnosticList([
                    Diagnostic(
                        location,
                        "swift-argument-parser's sources are not in \(parser.path): "
                            + "run `swift build` first (the chapter packages carry them)")
                ]))
        }
        guard
            let zip = ["/usr/bin/zip", "/bin/zip", "/opt/homebrew/bin/zip"].first(where: fm.isExecutableFile(atPath:))
        else {
            return .failure(DiagnosticList([Diagnostic(location, "`zip` is not installed: apt-get install -y zip")]))
        }
        return .success(ChapterPackager(projectRoot: root, argumentParser: parser, zip: URL(fileURLWithPath: zip)))
    }

    /// The site's folder of the zips.
    static let folder = "packages"

    /// A chapter's zip in the site: `packages/deep-rnn.zip`.
    static func sitePath(of chapter: String) -> String { "\(folder)/\(chapter).zip" }

    /// The package's folders copied from the project as they are.
    static let projectFolders = [
        "Sources/TensorKit", "Sources/TensorKitKernels", "Sources/BookSupport", "Sources/BookContract", "Sources/CBLAS",
    ]
    static let parserTargets = ["ArgumentParser", "ArgumentParserToolInfo"]

    /// The files and folders the package copies, by their path in it.
    private func copied(of book: Book) -> [(String, URL)] {
        Self.projectFolders.map { ($0, projectRoot.appendingPathComponent($0)) }
            + Self.parserTargets.map { ("Sources/\($0)", argumentParser.appendingPathComponent("Sources/\($0)")) }
            + [
                ("LICENSE-swift-argument-parser.txt", argumentParser.appendingPathComponent("LICENSE.txt")),
                (
                    "\(BookLoader.chaptersFolder)/data",
                    book.root.appendingPathComponent("\(BookLoader.chaptersFolder)/data")
                ),
            ]
    }

    /// Writes `chapter`'s package as a zip to `destination` (or copies the zip made before from the same files).
    func write(_ chapter: Chapter, of book: Book, to destination: URL) throws {
        let fm = FileManager.default
        let generated = try generatedFiles(chapter, of: book)
        let copied = copied(of: book)
        var hash = ContentHash()
        hash.add(chapter.name)
        for (path, contents) in generated {
            hash.add(path)
            hash.add(contents)
        }
        for (path, source) in copied {
            hash.add(path)
            if let data = fm.contents(atPath: source.path) { hash.add(data) } else { hash.addFiles(under: source) }
        }
        let cached = cacheFolder?.appendingPathComponent("\(hash.hex).zip")
        try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        if let cached, fm.fileExists(atPath: cached.path) {
            if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
            try fm.copyItem(at: cached, to: destination)
            return
        }
        try build(chapter, generated: generated, copied: copied, to: destination)
        if let cached, let folder = cacheFolder {
            // Only a cache: failing to fill it is not an error.
            try? fm.createDirectory(at: folder, withIntermediateDirectories: true)
            let partial = folder.appendingPathComponent(".\(hash.hex).partial")
            if (try? fm.copyItem(at: destination, to: partial)) != nil { try? fm.moveItem(at: partial, to: cached) }
        }
    }

    private func build(_ chapter: Chapter, generated: [(String, String)], copied: [(String, URL)], to destination: URL)
        throws
    {
        let fm = FileManager.default
        let staging = fm.temporaryDirectory.appendingPathComponent("book-package-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: staging) }
        let root = staging.appendingPathComponent(chapter.name)
        for (path, contents) in generated {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        for (path, source) in copied {
            // A book without a data folder has no data set to ship.
            if path.hasSuffix("/data") && !fm.fileExists(atPath: source.path) { continue }
            try copyTree(source, to: root.appendingPathComponent(path))
        }

        let partial = destination.deletingLastPathComponent().appendingPathComponent(
            ".\(destination.lastPathComponent).partial")
        try? fm.removeItem(at: partial)
        // -X: no extra file attributes (owner ids), -q: quiet; the zip holds the folder `<chapter>/`.
        let result = try Subprocess.run(zip.path, ["-q", "-r", "-X", partial.path, chapter.name], in: staging)
        guard result.status == 0 else {
            try? fm.removeItem(at: partial)
            throw DiagnosticList([
                Diagnostic(
                    SourceLocation(file: chapter.path, line: 0),
                    "zip could not write the chapter's package: \(result.stderr)")
            ])
        }
        if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
        try fm.moveItem(at: partial, to: destination)
    }

    /// The package's files made here rather than copied: the manifest, the README, the chapter's
    /// program and library code (as `book tangle` generates them), and the chapters' Markdown.
    func generatedFiles(_ chapter: Chapter, of book: Book) throws -> [(String, String)] {
        guard let position = book.chapters.firstIndex(where: { $0.name == chapter.name }) else { return [] }
        let upTo = book.chapters[...position]
        let library = book.config.library
        let tangled = Tangler(book: book).files()
        let libraryPaths = Set(
            ["Sources/\(library)/\(library).swift"]
                + upTo.map { "Sources/\(library)/\(Tangler.typeName($0.name)).swift" })
        var files: [(String, String)] = [
            ("Package.swift", manifest(chapter, library: library)),
            ("README.md", readme(chapter, of: book)),
        ]
        for file in tangled {
            if libraryPaths.contains(file.path) {
                files.append((file.path, file.contents))
            } else if file.path == "\(book.config.programsPath)/\(chapter.name)/main.swift" {
                files.append(("Sources/\(chapter.name)/main.swift", file.contents))
            }
        }
        for other in upTo {
            let text = try String(contentsOf: book.root.appendingPathComponent(other.path), encoding: .utf8)
            files.append((other.path, text))
        }
        return files
    }

    /// Package.swift: the same targets as the book's own package, with swift-argument-parser's
    /// two targets as sources.
    func manifest(_ chapter: Chapter, library: String) -> String {
        let name = Tangler.literal(chapter.name)
        return """
            // swift-tools-version:6.2
            // Chapter \(chapter.number), "\(chapter.title)", as a standalone package: `swift run -c release \(chapter.name)`.
            // Generated by the book's renderer from the chapter; everything it needs is inside.
            import PackageDescription

            let package = Package(
                name: \(name),
                platforms: [.macOS(.v13)],
                products: [.executable(name: \(name), targets: [\(name)])],
                targets: [
                    .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                                   providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
                    // swift-argument-parser (Apache 2.0, LICENSE-swift-argument-parser.txt), as sources so
                    // that nothing needs to be downloaded.
                    .target(name: "ArgumentParserToolInfo", exclude: ["CMakeLists.txt"]),
                    .target(name: "ArgumentParser", dependencies: ["ArgumentParserToolInfo"], exclude: ["CMakeLists.txt"]),
                    // The book's tensor library.
                    .target(name: "TensorKitKernels"),
                    .target(name: "TensorKit", dependencies: ["CBLAS", "TensorKitKernels"]),
                    // What chapter programs link: options, output capture, plots; and what they share with the book's engine.
                    .target(name: "BookContract"),
                    .target(name: "BookSupport", dependencies: ["BookContract", "ArgumentParser"]),
                    // The book's library: the `save` cells of this chapter and the ones before it.
                    .target(name: \(Tangler.literal(library)), dependencies: ["TensorKit", "BookSupport"]),
                    // The chapter's cells: top-level code, on the main actor like everything it declares.
                    .executableTarget(name: \(name), dependencies: [\(Tangler.literal(library)), "TensorKit", "BookSupport"],
                                      swiftSettings: [.defaultIsolation(MainActor.self)]),
                ],
                swiftLanguageModes: [.v6]
            )

            """
    }

    func readme(_ chapter: Chapter, of book: Book) -> String {
        """
        # \(chapter.number). \(chapter.title)

        This is chapter \(chapter.number) of *\(book.title)* as a standalone Swift package: the
        chapter's code, and everything it needs, as sources. Run it with

        ```sh
        swift run -c release \(chapter.name)
        ```

        from this folder. It needs Swift 6 (<https://www.swift.org/install/>) and OpenBLAS
        (`sudo apt-get install libopenblas-dev pkg-config` on Debian and Ubuntu,
        `brew install openblas` on macOS); nothing is downloaded. Options:

        ```sh
        swift run -c release \(chapter.name) --epochs 1   # a quick look: one epoch per training
        swift run -c release \(chapter.name) --seed 3     # the same seed gives the same numbers
        swift run -c release \(chapter.name) --help
        ```

        | folder | what it holds |
        | --- | --- |
        | `Sources/\(chapter.name)/` | the chapter's program: its cells, in order |
        | `Sources/\(book.config.library)/` | the book's library: the `save` cells of this chapter and the ones before it |
        | `Sources/TensorKit/`, `Sources/TensorKitKernels/`, `Sources/CBLAS/` | the book's tensor library (autograd, layers, SGD), its C kernels, OpenBLAS |
        | `Sources/BookSupport/`, `Sources/BookContract/` | the options, output capture and plots of chapter programs |
        | `Sources/ArgumentParser*/` | swift-argument-parser, Apache 2.0 (`LICENSE-swift-argument-parser.txt`) |
        | `\(BookLoader.chaptersFolder)/` | the chapters' Markdown (error messages point at their lines) and the data set |

        Figures are saved in `./figures`.

        """
    }

    /// Copies a file or a folder (following symbolic links), leaving out hidden files.
    private func copyTree(_ from: URL, to: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let source = from.resolvingSymlinksInPath()
        guard fm.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
            throw DiagnosticList([
                Diagnostic(SourceLocation(file: from.path, line: 0), "missing: the chapter packages need it")
            ])
        }
        if !isDirectory.boolValue {
            try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contentsOf: source).write(to: to)
            return
        }
        try fm.createDirectory(at: to, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: source.path).sorted() where !name.hasPrefix(".") {
            try copyTree(source.appendingPathComponent(name), to: to.appendingPathComponent(name))
        }
    }
}
