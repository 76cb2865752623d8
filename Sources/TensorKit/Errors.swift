// Builders for the messages that shape errors trap with. They are functions so tests can check
// the exact text (a trap cannot be caught), and the messages use fatalError, which keeps its
// text in release builds where precondition's is dropped.

/// "op: shapes [a] and [b] are not compatible".
func shapeMismatchMessage(_ op: String, _ a: [Int], _ b: [Int]) -> String {
    "\(op): shapes \(a) and \(b) are not compatible"
}

/// The message for `backward()` on a tensor that is not a scalar.
func backwardShapeMessage(_ shape: [Int]) -> String {
    "backward: can only start from a one-element tensor (a scalar loss), got shape \(shape)"
}

/// Traps with a shape mismatch message.
func shapeMismatch(_ op: String, _ a: [Int], _ b: [Int]) -> Never {
    fatalError(shapeMismatchMessage(op, a, b))
}

/// Resolves a possibly negative axis against `rank`, trapping with the op's name if out of range.
func normalizeAxis(_ axis: Int, rank: Int, op: String) -> Int {
    let a = axis < 0 ? axis + rank : axis
    if a < 0 || a >= rank { fatalError(axisMessage(op, axis, rank: rank)) }
    return a
}

/// "op: axis 3 is out of range for a tensor of rank 2".
func axisMessage(_ op: String, _ axis: Int, rank: Int) -> String {
    "\(op): axis \(axis) is out of range for a tensor of rank \(rank)"
}
