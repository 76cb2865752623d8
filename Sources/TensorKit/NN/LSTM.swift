/// A multi-layer long short-term memory over time-major input, as PyTorch's nn.LSTM:
/// gates i, f, g, o = σ, σ, tanh, σ of (W_i* x + b_i* + W_h* h + b_h*);
/// c' = f * c + i * g, h' = o * tanh(c').
public final class LSTM: Module {
    /// Features per step of the input.
    public let inputSize: Int
    /// Features of the hidden state.
    public let hiddenSize: Int
    /// Stacked layers.
    public let numLayers: Int
    /// Dropout on every layer's output except the last, in training only.
    public let dropout: Float
    /// Enables the dropout between layers.
    public var training = true
    /// Per layer: (4*hidden, in) with gates stacked i, f, g, o.
    public var weightIH: [Tensor] { weights.weightIH }
    /// Per layer: (4*hidden, hidden).
    public var weightHH: [Tensor] { weights.weightHH }
    /// Per layer: (4*hidden).
    public var biasIH: [Tensor] { weights.biasIH }
    /// Per layer: (4*hidden).
    public var biasHH: [Tensor] { weights.biasHH }
    let weights: RecurrentWeights

    /// Every weight and bias starts ~ U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, dropout: Float = 0) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.dropout = dropout
        weights = RecurrentWeights(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize,
                                   numLayers: numLayers, op: "LSTM")
    }

    /// Per layer in PyTorch's order: weightIH, weightHH, biasIH, biasHH.
    public var parameters: [Tensor] { weights.all }

    /// x (steps, batch, input), state (h, c) each (layers, batch, hidden) or zeros ->
    /// output (steps, batch, hidden) of the top layer, final (h, c) each (layers, batch, hidden).
    public func callAsFunction(_ x: Tensor, _ state: (h: Tensor, c: Tensor)? = nil)
        -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        checkRecurrentInput("LSTM", x, inputSize: inputSize, state?.h, layers: numLayers, hidden: hiddenSize)
        checkRecurrentInput("LSTM", x, inputSize: inputSize, state?.c, layers: numLayers, hidden: hiddenSize)
        let steps = x.shape[0]
        var input = x
        var hs: [Tensor] = [], cs: [Tensor] = []
        for l in 0..<numLayers {
            // y: (T+1, B, H) = h_1...h_T then c_T
            let y = lstmLayer(input, layerState(state?.h, l), layerState(state?.c, l),
                              weightIH[l], weightHH[l], biasIH[l], biasHH[l])
            let out = y[0..<steps]
            hs.append(y[steps - 1])
            cs.append(y[steps])
            input = l < numLayers - 1 ? TensorKit.dropout(out, p: dropout, training: training) : out
        }
        return (input, (Tensor.stack(hs), Tensor.stack(cs)))
    }
}

/// One LSTM layer over a whole sequence, as one autograd op.
/// x: (T, B, in); h0, c0: (B, H) or nil for zeros; returns (T+1, B, H): h_1...h_T, then c_T.
func lstmLayer(_ x: Tensor, _ h0: Tensor?, _ c0: Tensor?, _ wih: Tensor, _ whh: Tensor,
               _ bih: Tensor, _ bhh: Tensor) -> Tensor {
    let steps = x.shape[0], batch = x.shape[1], h = whh.shape[1], g = 4 * h
    let bh = batch * h, bg = batch * g
    let gi = inputProjection(x, wih, bih)                     // (T*B, 4H): W_i x + b_i
    let ys = Tensor(uninitialized: [steps + 2, batch, h])     // h0, h_1...h_T, c_T
    let acts = Tensor(uninitialized: [steps, batch, g])       // saved i, f, g, o
    let cs = Tensor(uninitialized: [steps + 1, batch, h])     // c0, c_1...c_T
    let tcs = Tensor(uninitialized: [steps, batch, h])        // saved tanh(c_t)
    let ysP = ys.data, actsP = acts.data, csP = cs.data, tcsP = tcs.data, giP = gi.data, bhhP = bhh.data
    loadInitialState(h0, ysP, bh)
    loadInitialState(c0, csP, bh)
    for t in 0..<steps {
        let hPrev = ysP + t * bh, hNext = hPrev + bh, cPrev = csP + t * bh, cNext = cPrev + bh
        let at = actsP + t * bg, git = giP + t * bg, tc = tcsP + t * bh
        // at (B, 4H) = h_{t-1} W_hh^T + gi_t + b_hh, then the gate activations
        BLAS.gemm(transB: true, m: batch, n: g, k: h, hPrev, lda: h, whh.data, ldb: h, beta: 0, at, ldc: g)
        for b in 0..<batch {
            let row = at + b * g, irow = git + b * g
            for j in 0..<g { row[j] += irow[j] + bhhP[j] }
            vSigmoid(row, row, 2 * h)                         // i, f
            vTanh(row + 2 * h, row + 2 * h, h)                // g
            vSigmoid(row + 3 * h, row + 3 * h, h)             // o
            let cp = cPrev + b * h, cn = cNext + b * h
            for j in 0..<h { cn[j] = row[h + j] * cp[j] + row[j] * row[2 * h + j] }
        }
        vTanh(cNext, tc, bh)
        for b in 0..<batch {
            let o = at + b * g + 3 * h, tcb = tc + b * h, hn = hNext + b * h
            for j in 0..<h { hn[j] = o[j] * tcb[j] }
        }
    }
    (ysP + (steps + 1) * bh).update(from: csP + steps * bh, count: bh)
    let out = Tensor(view: ys.storage, offset: bh, shape: [steps + 1, batch, h])
    var inputs = [x, wih, whh, bih, bhh]
    if let h0 { inputs.append(h0) }
    if let c0 { inputs.append(c0) }
    if Tensor.recording(inputs) {
        out.record(inputs) { gOut in
            // gOut: (T+1, B, H) = dL/dh_t for each step, then dL/dc_T.
            let ysP = ys.data, actsP = acts.data, csP = cs.data, tcsP = tcs.data
            let dG = Tensor(uninitialized: [steps * batch, g])   // gradient of the gate pre-activations
            let dh = Tensor.zeros([batch, h]), dc = Tensor(uninitialized: [batch, h])
            let dGP = dG.data, dhP = dh.data, dcP = dc.data, gP = gOut.data
            dcP.update(from: gP + steps * bh, count: bh)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let at = actsP + t * bg, tc = tcsP + t * bh, cPrev = csP + t * bh
                let dg = dGP + t * bg, go = gP + t * bh
                for b in 0..<batch {
                    let row = at + b * g, d = dg + b * g, k = b * h
                    for j in 0..<h {
                        let i = row[j], f = row[h + j], gg = row[2 * h + j], o = row[3 * h + j]
                        let tcj = tc[k + j]
                        let dht = go[k + j] + dhP[k + j]
                        let dct = dcP[k + j] + dht * o * (1 - tcj * tcj)
                        d[j] = dct * gg * i * (1 - i)
                        d[h + j] = dct * cPrev[k + j] * f * (1 - f)
                        d[2 * h + j] = dct * i * (1 - gg * gg)
                        d[3 * h + j] = dht * tcj * o * (1 - o)
                        dcP[k + j] = dct * f
                    }
                }
                // dh_{t-1} = dG_t W_hh: (B, 4H) x (4H, H)
                BLAS.gemm(m: batch, n: h, k: g, dg, lda: g, whh.data, ldb: h, beta: 0, dhP, ldc: h)
            }
            h0?.accumulateGrad(dh, owned: true)
            c0?.accumulateGrad(dc, owned: true)
            recurrentWeightBackward(ysP, whh, bhh, dGP, rows: steps * batch)
            inputProjectionBackward(x, wih, bih, dGP)
        }
    }
    return out
}
