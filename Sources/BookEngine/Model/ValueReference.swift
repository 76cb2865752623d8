import BookContract
import Foundation

/// A number (or text) in the prose that a cell produced: :value:`name FORMAT in LO...HI`.
///
/// `name` is what a cell of the chapter recorded with `Book.record`; FORMAT (optional) is one
/// printf conversion (`%.1f`, `%d`, `%.2e`, `%s`); `in LO...HI` (optional) is the claim the
/// sentence around it makes, checked whenever the chapter ran with its own settings.
public struct ValueReference: Equatable, Sendable {
    public var name: String
    public var format: String?
    public var range: ClosedRange<Double>?

    /// Parses the role's text, or says what is wrong with it.
    public static func parse(_ spec: String) -> Result<ValueReference, SpecError> {
        var words = spec.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let name = words.first, RunContract.isValidValueName(name) else {
            return .failure(
                SpecError(
                    "`:value:` needs the name a cell recorded (letters, digits, `_`, `-`, `.`), then "
                        + "an optional format and `in LO...HI`: :value:`ppl %.1f in 6...8`"))
        }
        words.removeFirst()
        var reference = ValueReference(name: name)
        if let format = words.first, format.hasPrefix("%") {
            guard isValidFormat(format) else {
                return .failure(SpecError("`\(format)` is not a format for one value (use e.g. %.1f, %d, %.2e, %s)"))
            }
            reference.format = format
            words.removeFirst()
        }
        if words.first == "in" {
            let bounds = words.count == 2 ? words[1].components(separatedBy: "...") : []
            guard bounds.count == 2, let lo = Double(bounds[0]), let hi = Double(bounds[1]), lo <= hi else {
                return .failure(SpecError("a claimed range is written `in LO...HI` with LO <= HI, e.g. `in 2...3.5`"))
            }
            reference.range = lo...hi
            words.removeFirst(2)
        }
        guard words.isEmpty else {
            return .failure(SpecError("unexpected `\(words.joined(separator: " "))` in :value:`\(spec)`"))
        }
        return .success(reference)
    }

    /// One conversion, with optional width and precision, nothing else.
    static func isValidFormat(_ format: String) -> Bool {
        format.range(of: #"^%[0-9]{0,2}(\.[0-9]{1,2})?[dfeEgGs]$"#, options: .regularExpression) != nil
    }

    /// The value as the prose shows it.
    public func text(of value: RecordedValue) -> String {
        switch value {
        case .text(let text): return text
        case .number(let number):
            guard let format else {
                if number.rounded() == number && abs(number) < 1e15 { return String(Int64(number)) }
                return String(format: "%.3g", number)
            }
            switch format.last {
            case "d": return String(format: String(format.dropLast()) + "lld", Int64(number.rounded()))
            case "s": return String(format: "%g", number)
            default: return String(format: format, number)
            }
        }
    }

    /// Whether the value keeps the prose's claim (always, when there is none).
    public func holds(for value: RecordedValue) -> Bool {
        guard let range else { return true }
        guard case .number(let number) = value else { return false }
        return range.contains(number)
    }

    public struct SpecError: Error, Equatable, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    init(name: String, format: String? = nil, range: ClosedRange<Double>? = nil) {
        self.name = name
        self.format = format
        self.range = range
    }
}
