import Foundation

/// A recorded value: a number or a piece of text. Chapter programs write it (`Book.record`); the
/// engine reads it after the run and the prose quotes it (:value:`name`).
public enum RecordedValue: Codable, Equatable, Sendable {
    case number(Double)
    case text(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .text(let text): try container.encode(text)
        }
    }
}
