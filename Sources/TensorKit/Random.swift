import Foundation

/// xoshiro256** seeded through SplitMix64: fast, small state, good statistical quality.
struct RandomGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// The generator's whole state, for saving and restoring it.
    var state: [UInt64] {
        get { [s.0, s.1, s.2, s.3] }
        set { if newValue.count == 4 { s = (newValue[0], newValue[1], newValue[2], newValue[3]) } }
    }

    init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    @inline(__always) mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always) mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always) mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in 0..<n (Lemire's method would be faster; modulo bias is < 2^-40 here).
    @inline(__always) mutating func next(below n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Fills `out` with N(0, 1) samples (Box-Muller, both outputs used).
    mutating func fillNormal(_ out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i < n {
            let u1 = 1 - nextDouble()  // (0, 1]: log stays finite
            let u2 = nextDouble()
            let r = (-2 * _log(u1)).squareRoot()
            out[i] = Float(r * _cos(2 * Double.pi * u2))
            if i + 1 < n { out[i + 1] = Float(r * _sin(2 * Double.pi * u2)) }
            i += 2
        }
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Foundation.sin(x) }

/// The generator behind randn, rand, randomPermutation, dropout and layer initialisation.
enum GlobalRandom {
    nonisolated(unsafe) static var generator = RandomGenerator(seed: 0)
}

/// Seeds the global generator, making every later random draw reproducible.
public func manualSeed(_ seed: UInt64) {
    GlobalRandom.generator = RandomGenerator(seed: seed)
}

/// The global generator's state: saved with a checkpoint, so a restored run goes on drawing
/// the same random numbers as the run that computed it.
public func randomState() -> [UInt64] { GlobalRandom.generator.state }

/// Sets the global generator's state (from `randomState()`).
public func setRandomState(_ state: [UInt64]) { GlobalRandom.generator.state = state }

/// A uniformly random permutation of 0..<n (Fisher-Yates) from the global generator.
public func randomPermutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    if n < 2 { return p }
    for i in stride(from: n - 1, to: 0, by: -1) {
        let j = GlobalRandom.generator.next(below: i + 1)
        p.swapAt(i, j)
    }
    return p
}
