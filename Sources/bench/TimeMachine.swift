import Foundation
import TensorKit

/// The Time Machine as the chapter uses it: characters, a 28-token vocabulary, and
/// (10000 train, 5000 validation) overlapping sequences of 32 steps.
struct TimeMachine {
    static let sha1 = "090b5e7e70c295757f55df93cb0a180b9691891a"
    let idxToToken: [String]
    let tokenToIdx: [String: Int]
    let corpus: [Int]
    let trainX: IntTensor, trainY: IntTensor  // (10000, steps)
    let validX: IntTensor, validY: IntTensor  // (5000, steps)

    var vocabSize: Int { idxToToken.count }

    /// Reads and verifies the text, then tokenises as BOOK-SPEC says.
    init(path: String, numSteps: Int, numTrain: Int = 10000, numVal: Int = 5000) throws {
        let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let digest = sha1Hex(raw)
        guard digest == Self.sha1 else {
            throw BenchError("\(path): SHA-1 \(digest), expected \(Self.sha1)")
        }
        // Every run of non-letters becomes one space; then lowercase.
        var text: [UInt8] = []
        var inGap = false
        for c in raw {
            let isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            if isLetter {
                text.append(c >= 65 && c <= 90 ? c + 32 : c)
                inGap = false
            } else if !inGap {
                text.append(32)
                inGap = true
            }
        }
        let tokens = text.map { String(UnicodeScalar($0)) }
        idxToToken = Array(Set(tokens + ["<unk>"])).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var map: [String: Int] = [:]
        for (i, t) in idxToToken.enumerated() { map[t] = i }
        tokenToIdx = map
        let unk = map["<unk>"] ?? 0
        corpus = tokens.map { map[$0] ?? unk }
        let ids = corpus
        guard ids.count - numSteps >= numTrain + numVal else { throw BenchError("corpus too short: \(ids.count) tokens") }
        let train = 0..<numTrain, valid = numTrain..<(numTrain + numVal)
        trainX = Self.sequences(ids, train, numSteps, shift: 0)
        trainY = Self.sequences(ids, train, numSteps, shift: 1)
        validX = Self.sequences(ids, valid, numSteps, shift: 0)
        validY = Self.sequences(ids, valid, numSteps, shift: 1)
    }

    /// Row i is corpus[start + shift ..< start + shift + numSteps] for start = range[i].
    static func sequences(_ corpus: [Int], _ range: Range<Int>, _ numSteps: Int, shift: Int) -> IntTensor {
        var values: [Int] = []
        values.reserveCapacity(range.count * numSteps)
        for i in range { values.append(contentsOf: corpus[(i + shift)..<(i + shift + numSteps)]) }
        return IntTensor(values, shape: [range.count, numSteps])
    }

    /// The index of a token, `<unk>` for unknown ones.
    func index(_ token: String) -> Int { tokenToIdx[token] ?? tokenToIdx["<unk>"] ?? 0 }

    /// The first readable copy of timemachine.txt: $D2L_DATA, ../shared/data, ./data.
    static func locate() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["D2L_DATA"] {
            candidates += [env.hasSuffix(".txt") ? env : env + "/timemachine.txt"]
        }
        candidates += ["../shared/data/timemachine.txt", "data/timemachine.txt"]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
