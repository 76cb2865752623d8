import TensorKitKernels

// Vectorised exp / tanh / sigmoid over raw buffers (the portable fallback of tk_kernels.h's). libm's scalar tanhf costs ~10 ns an
// element, which would dominate an RNN step; these run 8 lanes at a time on the baseline
// x86-64 target (SSE2 only: no floor/round instructions, hence the magic-number rounding).

typealias V8 = SIMD8<Float>

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> V8 {
    UnsafeRawPointer(p).loadUnaligned(as: V8.self)
}

@inline(__always) func store8(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
}

/// e^x, Cephes' expf polynomial (about 1 ulp on [-87, 88]).
@inline(__always) func exp8(_ x: V8) -> V8 {
    // clamp by hand: the generic pointwiseMin/Max are not inlined and cost a call per vector
    let lo = V8(repeating: -87.3), hi = V8(repeating: 88.3)
    let x = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
    // n = round(x / ln 2): adding 1.5 * 2^23 rounds to an integer held in the low mantissa bits.
    let magic = V8(repeating: 12_582_912)
    let k = x * V8(repeating: 1.442_695_04) + magic
    let n = k - magic
    var r = x - n * V8(repeating: 0.693_359_375)
    r = r - n * V8(repeating: -2.121_944_4e-4)
    var p = V8(repeating: 1.987_569_15e-4)
    p = p * r + V8(repeating: 1.398_199_950_7e-3)
    p = p * r + V8(repeating: 8.333_451_907_3e-3)
    p = p * r + V8(repeating: 4.166_579_589_4e-2)
    p = p * r + V8(repeating: 1.666_666_545_9e-1)
    p = p * r + V8(repeating: 5.000_000_120_1e-1)
    let y = p * (r * r) + r + V8(repeating: 1)
    // 2^n from n's integer bits: (n + 127) << 23.
    let kb = unsafeBitCast(k, to: SIMD8<UInt32>.self)
    let e = (kb &- SIMD8<UInt32>(repeating: 0x4B40_0000) &+ SIMD8<UInt32>(repeating: 127)) &<< 23
    return y * unsafeBitCast(e, to: V8.self)
}

/// tanh(x): Cephes' odd polynomial near zero (keeps relative accuracy), 1 - 2/(e^2|x|+1) beyond.
@inline(__always) func tanh8(_ x: V8) -> V8 {
    let signBits = unsafeBitCast(x, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 0x8000_0000)
    let ax = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) ^ signBits, to: V8.self)
    let z = x * x
    var p = V8(repeating: -5.704_988_727_45e-3)
    p = p * z + V8(repeating: 2.063_908_879_54e-2)
    p = p * z + V8(repeating: -5.373_971_555_31e-2)
    p = p * z + V8(repeating: 1.333_144_220_36e-1)
    p = p * z + V8(repeating: -3.333_328_194_22e-1)
    let small = p * z * x + x
    let e = exp8(V8(repeating: 2) * ax)
    let bigAbs = V8(repeating: 1) - V8(repeating: 2) / (e + V8(repeating: 1))
    // copy the sign of x onto the large-|x| branch
    let big = unsafeBitCast(unsafeBitCast(bigAbs, to: SIMD8<UInt32>.self) | signBits, to: V8.self)
    return small.replacing(with: big, where: ax .>= V8(repeating: 0.625))
}

/// 1 / (1 + e^-x).
@inline(__always) func sigmoid8(_ x: V8) -> V8 {
    V8(repeating: 1) / (V8(repeating: 1) + exp8(-x))
}

/// Scalar versions through the same lanes, so the tail of a buffer gets identical results.
@inline(__always) func lanewise(_ x: Float, _ f: (V8) -> V8) -> Float { f(V8(repeating: x))[0] }

/// out[i] = f(x[i]) for a vectorised f; `out` may alias `x`.
@inline(__always) func mapBuffer(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    _ n: Int, _ f: (V8) -> V8
) {
    var i = 0
    while i + 8 <= n {
        store8(f(load8(x + i)), out + i)
        i += 8
    }
    if i < n {
        var tail = V8(repeating: 0)
        for j in 0..<(n - i) { tail[j] = x[i + j] }
        let r = f(tail)
        for j in 0..<(n - i) { out[i + j] = r[j] }
    }
}

// The buffer versions use the AVX-512 kernels from tk_kernels.h when the CPU has them.

// Long buffers are split across the worker pool, in pieces of whole vectors.

func vExp(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    Parallel.forRanges(n, align: 16, work: 4 * n) { r in
        let (x, out, n) = (x + r.lowerBound, out + r.lowerBound, r.count)
        if BLAS.avx512 { tk_exp_avx512(x, out, n) } else { mapBuffer(x, out, n, exp8) }
    }
}

func vTanh(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    Parallel.forRanges(n, align: 16, work: 4 * n) { r in
        let (x, out, n) = (x + r.lowerBound, out + r.lowerBound, r.count)
        if BLAS.avx512 { tk_tanh_avx512(x, out, n) } else { mapBuffer(x, out, n, tanh8) }
    }
}

func vSigmoid(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    Parallel.forRanges(n, align: 16, work: 4 * n) { r in
        let (x, out, n) = (x + r.lowerBound, out + r.lowerBound, r.count)
        if BLAS.avx512 { tk_sigmoid_avx512(x, out, n) } else { mapBuffer(x, out, n, sigmoid8) }
    }
}
