/// A module's parameter values as plain arrays, in the order of `parameters`: a `Codable`
/// snapshot, so a chapter can keep a trained model in a checkpoint (`Book.checkpoint`) and load
/// it back instead of training again.
extension Module {
    /// Every parameter's values, row-major, in `parameters`' order.
    public func parameterValues() -> [[Float]] {
        parameters.map(\.scalars)
    }

    /// Sets every parameter from `parameterValues()` of a module of the same shape.
    public func loadParameterValues(_ values: [[Float]]) {
        let parameters = parameters
        precondition(
            values.count == parameters.count && zip(values, parameters).allSatisfy { $0.count == $1.count },
            "loadParameterValues: the snapshot's shapes do not match the module's parameters")
        for (p, v) in zip(parameters, values) {
            v.withUnsafeBufferPointer { p.mutableData.update(from: $0.baseAddress!, count: p.count) }
        }
    }
}
