import Foundation

/// A chapter's file name becomes an executable product and target of `Package.swift`, so it
/// must be a valid program name and must not take the name of another target or product.
enum ChapterNames {
    /// Why `name` cannot be a chapter's name, or nil. `taken` are the package's other names.
    static func problem(_ name: String, taken: Set<String>) -> String? {
        let scalars = name.unicodeScalars
        func plain(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        guard let first = scalars.first, plain(first), scalars.allSatisfy({ plain($0) || $0 == "-" || $0 == "_" })
        else {
            return
                "'\(name)' is not a valid program name: rename the file to letters, digits, `-` and `_`, starting with a letter or digit (e.g. \(suggestion(name)).md)"
        }
        // SwiftPM compares names case-insensitively on case-insensitive file systems.
        if let clash = taken.first(where: { $0.lowercased() == name.lowercased() }) {
            return
                "the chapter's program would be named '\(name)', which the package already uses for '\(clash)': rename the file (e.g. \(name)-chapter.md)"
        }
        return nil
    }

    /// The names `Package.swift` gives its targets and products (the chapters' own excepted),
    /// the library's, and the engine's tool.
    static func taken(root: URL, config: BookConfig) -> Set<String> {
        var names: Set<String> = [config.library, "book", "Package"]
        guard let text = try? String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8) else {
            return names
        }
        var rest = Substring(text)
        while let range = rest.range(of: "name: \"") {
            let value = rest[range.upperBound...].prefix { $0 != "\"" && $0 != "\n" }
            // A chapter's own target, declared with its generated folder, is not a clash.
            let line = rest[range.upperBound...].prefix { $0 != "\n" }
            if !line.contains("path: \"\(config.programsPath)/\(value)\"") { names.insert(String(value)) }
            rest = rest[range.upperBound...]
        }
        return names
    }

    private static func suggestion(_ name: String) -> String {
        let cleaned = String(name.map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII ? $0 : "-" })
            .split(separator: "-").joined(separator: "-")
        return cleaned.isEmpty ? "chapter" : cleaned
    }
}
