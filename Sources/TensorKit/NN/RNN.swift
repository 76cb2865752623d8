/// A multi-layer Elman RNN over time-major input, as PyTorch's nn.RNN:
/// h' = φ(W_ih x + b_ih + W_hh h + b_hh) with φ = tanh or relu.
public final class RNN: Module {
    /// The activation φ of every layer.
    public enum Nonlinearity { case tanh, relu }

    /// Features per step of the input.
    public let inputSize: Int
    /// Features of the hidden state.
    public let hiddenSize: Int
    /// Stacked layers.
    public let numLayers: Int
    /// The activation of every layer.
    public let nonlinearity: Nonlinearity
    /// Dropout on every layer's output except the last, in training only.
    public let dropout: Float
    /// Enables the dropout between layers.
    public var training = true
    /// Per layer: (hidden, in).
    public var weightIH: [Tensor] { weights.weightIH }
    /// Per layer: (hidden, hidden).
    public var weightHH: [Tensor] { weights.weightHH }
    /// Per layer: (hidden).
    public var biasIH: [Tensor] { weights.biasIH }
    /// Per layer: (hidden).
    public var biasHH: [Tensor] { weights.biasHH }
    let weights: RecurrentWeights

    /// Every weight and bias starts ~ U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
        dropout: Float = 0
    ) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.nonlinearity = nonlinearity
        self.dropout = dropout
        weights = RecurrentWeights(
            gates: 1, inputSize: inputSize, hiddenSize: hiddenSize,
            numLayers: numLayers, op: "RNN")
    }

    /// Per layer in PyTorch's order: weightIH, weightHH, biasIH, biasHH.
    public var parameters: [Tensor] { weights.all }

    /// x (steps, batch, input), h0 (layers, batch, hidden) or zeros ->
    /// output (steps, batch, hidden) of the top layer, state (layers, batch, hidden).
    public func callAsFunction(_ x: Tensor, _ h0: Tensor? = nil) -> (output: Tensor, state: Tensor) {
        checkRecurrentInput("RNN", x, inputSize: inputSize, h0, layers: numLayers, hidden: hiddenSize)
        var input = x
        var finals: [Tensor] = []
        for l in 0..<numLayers {
            let hs = rnnLayer(
                input, layerState(h0, l), weightIH[l], weightHH[l], biasIH[l], biasHH[l],
                relu: nonlinearity == .relu)
            finals.append(hs[hs.shape[0] - 1])
            input = l < numLayers - 1 ? TensorKit.dropout(hs, p: dropout, training: training) : hs
        }
        return (input, Tensor.stack(finals))
    }
}

/// One Elman RNN layer over a whole sequence, as one autograd op (structured like gruLayer).
/// x: (T, B, in); h0: (B, H) or nil for zeros; returns h_1...h_T: (T, B, H).
func rnnLayer(
    _ x: Tensor, _ h0: Tensor?, _ wih: Tensor, _ whh: Tensor, _ bih: Tensor, _ bhh: Tensor,
    relu: Bool
) -> Tensor {
    let steps = x.shape[0], batch = x.shape[1], h = whh.shape[1], bh = batch * h
    let input = StepInput(x, wih, bih)
    let hs = Tensor(uninitialized: [steps + 1, batch, h])  // hs[0] = h0, hs[t+1] = h_t
    let hsP = hs.data, bhhP = bhh.data
    loadInitialState(h0, hsP, bh)
    let whhTPacked = PackedOperand.transpose(of: whh)  // W_hh^T: every step multiplies it
    let productPerStep = recurrentProductPerStep(hidden: h, gates: h)
    let work = batch * h * (h + input.inSize + 8)
    let whole = wholeSequenceProducts(batch: batch)
    // dense x: every step's W_ih x_t + b_ih at once, straight into h_1...h_T (T*B, H)
    let projectedAll = whole && input.projectAll(into: hsP + bh)
    for t in 0..<steps {
        if productPerStep {
            // the projections (unless done), then h_{t-1} W_hh^T added for the whole batch at once
            if !projectedAll {
                Parallel.forFixedBlocks(batch, align: 8, work: work) { rows in
                    input.project(step: t, rows: rows, into: hsP + (t + 1) * bh + rows.lowerBound * h)
                }
            }
            whhTPacked.product(m: batch, hsP + t * bh, lda: h, beta: 1, hsP + (t + 1) * bh, ldc: h)
        }
        // one pass over blocks of rows (across the worker pool): rows are independent
        Parallel.forFixedBlocks(batch, align: 8, work: work) { rows in
            let n = rows.count
            let hPrev = hsP + t * bh + rows.lowerBound * h, hNext = hsP + (t + 1) * bh + rows.lowerBound * h
            // hNext = (W_ih x_t + b_ih) + h_{t-1} W_hh^T + b_hh, then φ
            if !productPerStep {
                if !projectedAll { input.project(step: t, rows: rows, into: hNext) }
                whhTPacked.product(m: n, hPrev, lda: h, beta: 1, hNext, ldc: h)
            }
            for b in 0..<n {
                let row = hNext + b * h
                for j in 0..<h { row[j] += bhhP[j] }
            }
            if relu { for i in 0..<(n * h) { hNext[i] = max(hNext[i], 0) } } else { vTanh(hNext, hNext, n * h) }
        }
    }
    let out = Tensor(view: hs.storage, offset: bh, shape: [steps, batch, h])
    var inputs = [x, wih, whh, bih, bhh]
    if let h0 { inputs.append(h0) }
    if Tensor.recording(inputs) {
        out.record(inputs) { gOut in
            let whhPacked = PackedOperand(whh)  // every step's dh multiplies it
            // Per step, dG (B, H) is the gradient of the pre-activation, shared by both projections.
            let hsP = hs.data  // through the tensor, which the closure keeps alive
            // per step (B, H), or all steps (T, B, H) for the whole-sequence products
            let dG = Tensor(uninitialized: whole ? [steps, batch, h] : [batch, h])
            let dh = Tensor.zeros([batch, h])
            let dWih = Tensor(uninitialized: wih.shape), dWhh = Tensor(uninitialized: whh.shape)
            let dWihT = x.oneHot != nil ? Tensor.zeros([input.inSize, h]) : nil
            let db = Tensor.zeros([h])
            let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
            let dGP = dG.data, dhP = dh.data, gP = gOut.data
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let ht = hsP + (t + 1) * bh, hPrev = hsP + t * bh, go = gP + t * bh, first = t == steps - 1
                let dGP = whole ? dGP + t * bh : dGP
                Parallel.forRanges(bh, align: 16, work: bh) { r in
                    if relu {
                        for i in r { dGP[i] = ht[i] > 0 ? go[i] + dhP[i] : 0 }
                    } else {
                        for i in r { dGP[i] = (go[i] + dhP[i]) * (1 - ht[i] * ht[i]) }
                    }
                }
                addColumnSums(dGP, rows: batch, cols: h, into: db.data)
                if whole {
                    // dh_{t-1} = dG_t W_hh; the weight gradients wait for all the steps
                    whhPacked.product(m: batch, dGP, lda: h, beta: 0, dhP, ldc: h)
                    continue
                }
                hiddenStepBackward(
                    batch: batch, hidden: h, gates: h, dGP, whh: whhPacked, hPrev: hPrev,
                    dh: dhP, dhBeta: 0, dWhh: dWhh.data, first: first)
                input.backward(
                    step: t, dGP, dW: dWih.data, dWBeta: first ? 0 : 1, dWT: dWihT?.data, db: nil,
                    dx: dx?.data, dxBeta: 0)
            }
            if whole {
                // dW_hh (H, H) = dG^T (H, T*B) [h_0 ... h_{T-1}] (T*B, H)
                BLAS.gemm(
                    transA: true, m: h, n: h, k: steps * batch, dGP, lda: h, hsP, ldb: h, beta: 0,
                    dWhh.data, ldc: h)
                input.backwardAll(dGP, dW: dWih.data, dWT: dWihT?.data, dx: dx?.data)
            }
            h0?.accumulateGrad(dh, owned: true)
            whh.accumulateGrad(dWhh, owned: true)
            bhh.accumulateGrad(db, owned: false)
            bih.accumulateGrad(db, owned: false)
            input.accumulateGradients(dW: dWih, dWT: dWihT, dx: dx)
        }
    }
    return out
}
