/// The contract between the book engine and the chapter programs it generates and runs.
///
/// Both sides import this module (it depends on nothing), so a name written here cannot drift
/// between the writer and the reader.
public enum RunContract {
    /// The file in the capture folder that holds the values cells record for the prose.
    public static let valuesFile = "values.json"

    /// Whether `name` may name a recorded value: letters, digits, `_`, `-` and `.`.
    public static func isValidValueName<S: StringProtocol>(_ name: S) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)
        }
    }
}
