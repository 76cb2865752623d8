// swift-tools-version:6.0
import Foundation
import PackageDescription

// Each chapter of the book is an executable whose sources `book tangle` generates into
// Sources/Programs/<chapter>/; list whatever is there so a new chapter needs no edit here.
let programsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Sources/Programs")
let chapterPrograms = ((try? FileManager.default.contentsOfDirectory(atPath: programsDir.path)) ?? [])
    .filter { !$0.hasPrefix(".") }
    .sorted()

let package = Package(
    name: "DeepRNNBook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "book", targets: ["book"]),
        .library(name: "TensorKit", targets: ["TensorKit"]),
        .library(name: "D2L", targets: ["D2L"]),
    ] + chapterPrograms.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark",
                       providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),

        // The tensor library: plays PyTorch's part; knows nothing about books.
        .target(name: "TensorKit", dependencies: ["CBLAS"]),

        // The book engine: Markdown chapters -> tangled targets, runs, HTML, doctests.
        .target(name: "BookEngine", dependencies: ["CCmark"], resources: [.copy("Theme")]),
        .executableTarget(name: "book", dependencies: [
            "BookEngine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // What every chapter program links: options, output capture, plots.
        .target(name: "BookSupport", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Generated from the chapters' `save` cells by `book tangle` (d2l's #@save library).
        .target(name: "D2L", dependencies: ["TensorKit", "BookSupport"]),

        // Benchmarks of the deep RNN chapter's two models (`./render.sh bench`).
        .executableTarget(name: "bench", dependencies: ["D2L", "TensorKit", "BookSupport"]),

        .testTarget(name: "TensorKitTests", dependencies: ["TensorKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BookEngineTests", dependencies: ["BookEngine"], resources: [.copy("Books")]),
        .testTarget(name: "BookSupportTests", dependencies: ["BookSupport"]),
    ] + chapterPrograms.map {
        .executableTarget(name: $0, dependencies: ["D2L", "TensorKit", "BookSupport"],
                          path: "Sources/Programs/\($0)")
    },
    swiftLanguageModes: [.v5]
)
