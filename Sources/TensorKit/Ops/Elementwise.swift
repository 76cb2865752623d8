import Foundation
import TensorKitKernels

// Elementwise arithmetic with broadcasting, and the pointwise nonlinearities.
// Each op computes its result and records, right beside it, how its gradient flows back.

extension Tensor {
    /// a + b, broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out: Tensor
        if let sum = fusedSum(a, b) {
            out = sum  // pending products: summed by accumulating gemms when first read
        } else {
            out = Tensor(uninitialized: broadcastShape(a.shape, b.shape, op: "add"))
            broadcastMap(a, b, out) { $0 + $1 }
        }
        if recording(a, b) {
            out.record([a, b]) { g in
                accumulateReduced(a, g)
                accumulateReduced(b, g)
            }
        }
        return out
    }

    /// a - b, broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = Tensor(uninitialized: broadcastShape(a.shape, b.shape, op: "subtract"))
        broadcastMap(a, b, out) { $0 - $1 }
        if recording(a, b) {
            out.record([a, b]) { g in
                accumulateReduced(a, g)
                if b.requiresGrad { b.accumulateGrad(reduceToShape(scaled(g, -1), b.shape), owned: true) }
            }
        }
        return out
    }

    /// a * b elementwise, broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = Tensor(uninitialized: broadcastShape(a.shape, b.shape, op: "multiply"))
        broadcastMap(a, b, out) { $0 * $1 }
        if recording(a, b) {
            out.record([a, b]) { g in
                // da = g * b, db = g * a, each summed back to its own shape
                if a.requiresGrad {
                    let t = Tensor(uninitialized: g.shape)
                    broadcastMap(g, b, t) { $0 * $1 }
                    a.accumulateGrad(reduceToShape(t, a.shape), owned: true)
                }
                if b.requiresGrad {
                    let t = Tensor(uninitialized: g.shape)
                    broadcastMap(g, a, t) { $0 * $1 }
                    b.accumulateGrad(reduceToShape(t, b.shape), owned: true)
                }
            }
        }
        return out
    }

    /// a / b elementwise, broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = Tensor(uninitialized: broadcastShape(a.shape, b.shape, op: "divide"))
        broadcastMap(a, b, out) { $0 / $1 }
        if recording(a, b) {
            let y = out.detached()
            out.record([a, b]) { g in
                // da = g / b; db = -g * a / b^2 = -g * y / b
                if a.requiresGrad {
                    let t = Tensor(uninitialized: g.shape)
                    broadcastMap(g, b, t) { $0 / $1 }
                    a.accumulateGrad(reduceToShape(t, a.shape), owned: true)
                }
                if b.requiresGrad {
                    let gy = Tensor(uninitialized: g.shape)
                    broadcastMap(g, y, gy) { $0 * $1 }
                    let t = Tensor(uninitialized: g.shape)
                    broadcastMap(gy, b, t) { -$0 / $1 }
                    b.accumulateGrad(reduceToShape(t, b.shape), owned: true)
                }
            }
        }
        return out
    }

    /// -x.
    public static prefix func - (x: Tensor) -> Tensor { scalarAffine(x, scale: -1, shift: 0) }

    /// Arithmetic with a scalar on either side.
    public static func + (a: Tensor, s: Float) -> Tensor { scalarAffine(a, scale: 1, shift: s) }
    public static func + (s: Float, a: Tensor) -> Tensor { scalarAffine(a, scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { scalarAffine(a, scale: 1, shift: -s) }
    public static func - (s: Float, a: Tensor) -> Tensor { scalarAffine(a, scale: -1, shift: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { scalarAffine(a, scale: s, shift: 0) }
    public static func * (s: Float, a: Tensor) -> Tensor { scalarAffine(a, scale: s, shift: 0) }

    /// a / s (divides, rather than multiplying by 1/s, to round as PyTorch does).
    public static func / (a: Tensor, s: Float) -> Tensor {
        let out = Tensor(uninitialized: a.shape)
        let x = a.data, y = out.data
        for i in 0..<a.count { y[i] = x[i] / s }
        if recording(a) {
            out.record([a]) { g in
                let gp = g.data
                a.withGradBuffer { d, fresh in storeOrAdd(d, fresh, a.count) { gp[$0] / s } }
            }
        }
        return out
    }

    /// s / a elementwise.
    public static func / (s: Float, a: Tensor) -> Tensor {
        let out = Tensor(uninitialized: a.shape)
        let x = a.data, y = out.data
        for i in 0..<a.count { y[i] = s / x[i] }
        if recording(a) {
            let yv = out.detached()
            out.record([a]) { g in
                let gp = g.data, yp = yv.data, xp = a.data
                a.withGradBuffer { d, fresh in storeOrAdd(d, fresh, a.count) { -gp[$0] * yp[$0] / xp[$0] } }
            }
        }
        return out
    }

    /// scale * x + shift, the scalar-operand arithmetic.
    static func scalarAffine(_ a: Tensor, scale: Float, shift: Float) -> Tensor {
        let out = Tensor(uninitialized: a.shape)
        let x = a.data, y = out.data
        for i in 0..<a.count { y[i] = scale * x[i] + shift }
        if recording(a) {
            out.record([a]) { g in
                if scale == 1 {
                    a.accumulateGrad(g)
                    return
                }
                let gp = g.data
                a.withGradBuffer { d, fresh in storeOrAdd(d, fresh, a.count) { scale * gp[$0] } }
            }
        }
        return out
    }
}

/// Accumulates g summed down to x's shape; a reduced copy is fresh, so x may keep it.
@inline(__always) func accumulateReduced(_ x: Tensor, _ g: Tensor) {
    if !x.requiresGrad { return }
    let r = reduceToShape(g, x.shape)
    x.accumulateGrad(r, owned: r !== g)
}

/// s * g as a new tensor (no graph).
func scaled(_ g: Tensor, _ s: Float) -> Tensor {
    let out = Tensor(uninitialized: g.shape)
    let x = g.data, y = out.data
    for i in 0..<g.count { y[i] = s * x[i] }
    return out
}

// MARK: - Pointwise nonlinearities

/// Elementwise hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    if let recipe = x.pendingProduct {
        // tanh(X W + H U + b), the RNN step: the sum is computed into out and never stored
        let y = out.data, cols = recipe.cols
        recipe.computeInParallel(into: y) { rows in
            vTanh(y + rows.lowerBound * cols, y + rows.lowerBound * cols, rows.count * cols)
        }
    } else {
        vTanh(x.data, out.data, x.count)
    }
    if Tensor.recording(x) {
        let y = out.detached()
        out.record([x]) { g in
            x.withGradBuffer { d, fresh in backwardThroughOutput(TanhDerivative.self, g.data, y.data, d, x.count, fresh)
            }
        }
    }
    return out
}

/// An activation whose derivative is a function of its output y.
protocol OutputDerivative {
    static func derivative(_ y: Float) -> Float
    /// The AVX-512 kernel: d = g * derivative(y), or d += that when accumulate is 1.
    static func kernel(
        _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>,
        _ n: Int, _ accumulate: Int32)
}

enum TanhDerivative: OutputDerivative {
    @inline(__always) static func derivative(_ y: Float) -> Float { 1 - y * y }
    static func kernel(
        _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>,
        _ n: Int, _ accumulate: Int32
    ) { tk_tanh_backward_avx512(g, y, d, n, accumulate) }
}

enum SigmoidDerivative: OutputDerivative {
    @inline(__always) static func derivative(_ y: Float) -> Float { y * (1 - y) }
    static func kernel(
        _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>,
        _ n: Int, _ accumulate: Int32
    ) { tk_sigmoid_backward_avx512(g, y, d, n, accumulate) }
}

/// d = g * f'(y) (fresh) or d += that, split across the worker pool. Generic rather than a
/// closure, so each worker's portable loop is specialised, inlined and vectorised.
@inline(__always)
func backwardThroughOutput<F: OutputDerivative>(
    _: F.Type, _ gp: UnsafePointer<Float>, _ yp: UnsafePointer<Float>,
    _ d: UnsafeMutablePointer<Float>, _ n: Int, _ fresh: Bool
) {
    Parallel.forRanges(n, align: 16, work: n) { r in
        if BLAS.avx512 {
            let o = r.lowerBound
            F.kernel(gp + o, yp + o, d + o, r.count, fresh ? 0 : 1)
        } else if fresh {
            for i in r { d[i] = gp[i] * F.derivative(yp[i]) }
        } else {
            for i in r { d[i] += gp[i] * F.derivative(yp[i]) }
        }
    }
}

/// Elementwise logistic sigmoid 1 / (1 + e^-x).
public func sigmoid(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    vSigmoid(x.data, out.data, x.count)
    if Tensor.recording(x) {
        let y = out.detached()
        out.record([x]) { g in
            x.withGradBuffer { d, fresh in
                backwardThroughOutput(SigmoidDerivative.self, g.data, y.data, d, x.count, fresh)
            }
        }
    }
    return out
}

/// Elementwise e^x.
public func exp(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    vExp(x.data, out.data, x.count)
    if Tensor.recording(x) {
        let y = out.detached()
        out.record([x]) { g in
            let gp = g.data, yp = y.data
            x.withGradBuffer { d, fresh in storeOrAdd(d, fresh, x.count) { gp[$0] * yp[$0] } }
        }
    }
    return out
}

/// Elementwise natural logarithm.
public func log(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    let xp = x.data, yp = out.data
    for i in 0..<x.count { yp[i] = Foundation.log(xp[i]) }
    if Tensor.recording(x) {
        out.record([x]) { g in
            let gp = g.data, xp = x.data
            x.withGradBuffer { d, fresh in storeOrAdd(d, fresh, x.count) { gp[$0] / xp[$0] } }
        }
    }
    return out
}

/// Elementwise max(x, 0).
public func relu(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    let xp = x.data, yp = out.data
    for i in 0..<x.count { yp[i] = max(xp[i], 0) }
    if Tensor.recording(x) {
        out.record([x]) { g in
            let gp = g.data, xp = x.data
            x.withGradBuffer { d, fresh in storeOrAdd(d, fresh, x.count) { xp[$0] > 0 ? gp[$0] : 0 } }
        }
    }
    return out
}
