extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        filled(shape, 0, requiresGrad)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        filled(shape, 1, requiresGrad)
    }

    /// A tensor with every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        filled(shape, value, requiresGrad)
    }

    static func filled(_ shape: [Int], _ value: Float, _ requiresGrad: Bool) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.data.initialize(repeating: value, count: t.count)
        t.requiresGrad = requiresGrad
        return t
    }

    /// Samples from N(0, 1) using the global generator.
    public static func randn(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        GlobalRandom.generator.fillNormal(t.data, t.count)
        t.requiresGrad = requiresGrad
        return t
    }

    /// Samples from U(low, high) using the global generator.
    public static func rand(
        _ shape: [Int], low: Float = 0, high: Float = 1,
        requiresGrad: Bool = false
    ) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let p = t.data
        for i in 0..<t.count { p[i] = low + (high - low) * GlobalRandom.generator.nextFloat() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// 0, 1, ..., n-1 as Floats.
    public static func arange(_ n: Int) -> Tensor {
        Tensor((0..<n).map { Float($0) }, shape: [n])
    }
}
