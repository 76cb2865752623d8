import Foundation

/// A 128-bit FNV-1a hash (two 64-bit lanes): a cache key, not a security measure.
struct ContentHash {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func add(_ data: Data) {
        for byte in data {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte ^ 0x5c)) &* Self.prime
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        a = (a ^ 0xff) &* Self.prime
        b = (b ^ 0xa3) &* Self.prime
    }

    mutating func add(_ text: String) { add(Data(text.utf8)) }

    /// Adds every regular file under `folder` (sorted by path, path and contents).
    mutating func addFiles(under folder: URL) {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return }
        var paths: [String] = []
        while let relative = walker.nextObject() as? String { paths.append(relative) }
        for relative in paths.sorted() {
            let url = folder.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            add(relative)
            add(data)
        }
    }

    var hex: String { String(format: "%016llx%016llx", a, b) }
}
