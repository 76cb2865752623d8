/// Stochastic gradient descent with optional momentum and L2 weight decay, as torch.optim.SGD.
public final class SGD {
    /// The tensors it updates.
    public let parameters: [Tensor]
    /// The learning rate (may be changed between steps).
    public var lr: Float
    /// Momentum factor (0: plain SGD).
    public var momentum: Float
    /// L2 penalty added to each gradient.
    public var weightDecay: Float
    private var velocity: [Tensor?]

    /// An optimiser over `parameters`, as torch.optim.SGD.
    public init(_ parameters: [Tensor], lr: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = Array(repeating: nil, count: parameters.count)
    }

    /// p -= lr * (grad + weightDecay * p), through momentum if set; skips parameters without grad.
    public func step() {
        for (k, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let w = p.mutableData, g = grad.data, n = p.count
            let lr = lr, wd = weightDecay, mu = momentum
            if mu == 0 {
                if wd == 0 {
                    for i in 0..<n { w[i] -= lr * g[i] }
                } else {
                    for i in 0..<n { w[i] -= lr * (g[i] + wd * w[i]) }
                }
                continue
            }
            // PyTorch's form: v = mu * v + d (v = d on the first step); p -= lr * v
            if velocity[k] == nil {
                let v = Tensor(uninitialized: p.shape)
                for i in 0..<n { v.data[i] = g[i] + wd * w[i] }
                velocity[k] = v
            } else if let v = velocity[k] {
                let vp = v.data
                for i in 0..<n { vp[i] = mu * vp[i] + g[i] + wd * w[i] }
            }
            let vp = velocity[k]!.data
            for i in 0..<n { w[i] -= lr * vp[i] }
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Rescales gradients so their global L2 norm is at most `maxNorm`; returns the norm before.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var sum: Double = 0
    for p in parameters {
        guard let g = p.grad else { continue }
        let gp = g.data
        var s: Float = 0
        for i in 0..<g.count { s += gp[i] * gp[i] }
        sum += Double(s)
    }
    let norm = Float(sum.squareRoot())
    if norm > maxNorm {
        let scale = maxNorm / norm
        for p in parameters {
            guard let g = p.grad else { continue }
            // grads are owned by leaves, so scaling in place touches no other tensor
            let gp = g.mutableData
            for i in 0..<g.count { gp[i] *= scale }
        }
    }
    return norm
}
