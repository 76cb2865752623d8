/// A layer or model: something with trainable parameters and a training/evaluation switch.
public protocol Module: AnyObject {
    /// Every trainable tensor, in a stable order.
    var parameters: [Tensor] { get }
    /// True while training (dropout active); false for evaluation.
    var training: Bool { get set }
}

extension Module {
    /// Clears the gradient of every parameter.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// The total number of trainable scalars.
    public var numParameters: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Switches to training mode.
    public func train() { training = true }

    /// Switches to evaluation mode.
    public func eval() { training = false }
}

/// A parameter tensor drawn from U(-bound, bound), as PyTorch initialises layers.
func uniformParameter(_ shape: [Int], bound: Float) -> Tensor {
    Tensor.rand(shape, low: -bound, high: bound, requiresGrad: true)
}
