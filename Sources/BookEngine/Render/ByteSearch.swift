import Foundation

/// Substring search over UTF-8 bytes. Foundation's `range(of:)` compares by Unicode rules,
/// which markup does not need (the renderer looks for ASCII such as ` href="`), and is many
/// times slower: it was half of `book serve`'s time for a prose edit.
extension StringProtocol {
    /// The first occurrence of `needle` at or after `start`, byte for byte.
    func firstRange(ofBytes needle: String, from start: Index? = nil) -> Range<Index>? {
        let from = start ?? startIndex
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return from..<from }
        let found = utf8[from...].withContiguousStorageIfAvailable { bytes -> Int? in
            Self.offset(of: pattern, in: bytes)
        }
        guard let found else {
            // Not contiguous UTF-8 (a bridged string): the slow, general search.
            return self[from...].range(of: needle).map { $0.lowerBound..<$0.upperBound }
        }
        guard let offset = found else { return nil }
        let lower = utf8.index(from, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: pattern.count)
    }

    /// Every occurrence of `needle`, in order, not overlapping.
    func ranges(ofBytes needle: String) -> [Range<Index>] {
        var found: [Range<Index>] = []
        var from = startIndex
        while let r = firstRange(ofBytes: needle, from: from) {
            found.append(r)
            from = r.upperBound
            if r.isEmpty { break }
        }
        return found
    }

    private static func offset(of pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, bytes.count >= pattern.count else { return nil }
        let m = pattern.count, last = bytes.count - m
        var i = 0
        while i <= last {
            // memchr finds the first byte; memcmp checks the rest.
            guard let hit = memchr(base + i, Int32(pattern[0]), last - i + 1) else { return nil }
            let j = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if pattern.withUnsafeBufferPointer({ memcmp(hit, $0.baseAddress!, m) }) == 0 { return j }
            i = j + 1
        }
        return nil
    }
}
