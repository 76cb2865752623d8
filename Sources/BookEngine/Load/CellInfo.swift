/// Parses a code block's info string (```` ```swift save id=x ````) into language and attributes.
enum CellInfo {
    static func language(of info: String) -> String {
        // cmark ends the language at any whitespace, a tab included.
        let first = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
        // d2l's pandoc-style `{.python .input}`: the first class is the language.
        if first.hasPrefix("{.") { return String(first.dropFirst(2).prefix { $0 != "}" && $0 != "." }) }
        return String(first)
    }

    /// The attributes of a Swift cell; unknown or malformed ones are diagnostics.
    static func attributes(_ info: String, at location: SourceLocation) -> (CellAttributes, [Diagnostic]) {
        var attributes = CellAttributes()
        var problems: [Diagnostic] = []
        for word in info.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = parts[0], value = parts.count > 1 ? parts[1] : nil
            switch (key, value) {
            case ("save", nil): attributes.save = true
            case ("hide", nil): attributes.hide = true
            case ("norun", nil): attributes.noRun = true
            case ("ellipsis", nil): attributes.ellipsis = true
            case ("normalize-whitespace", nil): attributes.normalizeWhitespace = true
            case ("trap", nil): attributes.trap = true
            case ("compile-fail", nil): attributes.compileFail = true
            case ("id", let v?) where isIdentifier(v): attributes.id = v
            case ("tab", let v?) where v.split(separator: ",").allSatisfy({ isIdentifier(String($0)) }):
                attributes.tabs = v.split(separator: ",").map(String.init)
            case ("tolerance", let v?):
                if let t = Double(v), t >= 0 {
                    attributes.tolerance = t
                } else {
                    problems.append(Diagnostic(location, "tolerance must be a non-negative number, got '\(v)'"))
                }
            default:
                problems.append(
                    Diagnostic(
                        location,
                        "unknown cell attribute '\(word)' (known: \(CellAttributes.names.joined(separator: ", ")))"))
            }
        }
        if attributes.save && (attributes.trap || attributes.compileFail || attributes.noRun) {
            problems.append(Diagnostic(location, "a `save` cell cannot also be `trap`, `compile-fail` or `norun`"))
        }
        if attributes.trap && attributes.compileFail {
            problems.append(Diagnostic(location, "a cell cannot be both `trap` and `compile-fail`"))
        }
        return (attributes, problems)
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
