import TensorKitKernels

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
        weights = RecurrentWeights(
            gates: 4, inputSize: inputSize, hiddenSize: hiddenSize,
            numLayers: numLayers, op: "LSTM")
    }

    /// Per layer in PyTorch's order: weightIH, weightHH, biasIH, biasHH.
    public var parameters: [Tensor] { weights.all }

    /// x (steps, batch, input), state (h, c) each (layers, batch, hidden) or zeros ->
    /// output (steps, batch, hidden) of the top layer, final (h, c) each (layers, batch, hidden).
    public func callAsFunction(_ x: Tensor, _ state: (h: Tensor, c: Tensor)? = nil)
        -> (output: Tensor, state: (h: Tensor, c: Tensor))
    {
        checkRecurrentInput("LSTM", x, inputSize: inputSize, state?.h, layers: numLayers, hidden: hiddenSize)
        checkRecurrentInput("LSTM", x, inputSize: inputSize, state?.c, layers: numLayers, hidden: hiddenSize)
        let steps = x.shape[0]
        var input = x
        var hs: [Tensor] = [], cs: [Tensor] = []
        for l in 0..<numLayers {
            // y: (T+1, B, H) = h_1...h_T then c_T
            let y = lstmLayer(
                input, layerState(state?.h, l), layerState(state?.c, l),
                weightIH[l], weightHH[l], biasIH[l], biasHH[l])
            let out = y[0..<steps]
            hs.append(y[steps - 1])
            cs.append(y[steps])
            input = l < numLayers - 1 ? TensorKit.dropout(out, p: dropout, training: training) : out
        }
        return (input, (Tensor.stack(hs), Tensor.stack(cs)))
    }
}

/// One LSTM layer over a whole sequence, as one autograd op (structured like gruLayer).
/// x: (T, B, in); h0, c0: (B, H) or nil for zeros; returns (T+1, B, H): h_1...h_T, then c_T.
func lstmLayer(
    _ x: Tensor, _ h0: Tensor?, _ c0: Tensor?, _ wih: Tensor, _ whh: Tensor,
    _ bih: Tensor, _ bhh: Tensor
) -> Tensor {
    let steps = x.shape[0], batch = x.shape[1], h = whh.shape[1], g = 4 * h
    let bh = batch * h, bg = batch * g
    let input = StepInput(x, wih, bih)
    let gi = Tensor(uninitialized: [batch, g])  // W_i x_t + b_i, one step at a time
    let ys = Tensor(uninitialized: [steps + 2, batch, h])  // h0, h_1...h_T, c_T
    let acts = Tensor(uninitialized: [steps, batch, g])  // saved i, f, g, o
    let cs = Tensor(uninitialized: [steps + 1, batch, h])  // c0, c_1...c_T
    let tcs = Tensor(uninitialized: [steps, batch, h])  // saved tanh(c_t)
    let ysP = ys.data, actsP = acts.data, csP = cs.data, tcsP = tcs.data, giP = gi.data, bhhP = bhh.data
    loadInitialState(h0, ysP, bh)
    loadInitialState(c0, csP, bh)
    let whhTPacked = PackedOperand.transpose(of: whh)  // W_hh^T: every step multiplies it
    let productPerStep = recurrentProductPerStep(hidden: h, gates: g)
    let whole = wholeSequenceProducts(batch: batch)
    let projected = whole ? input.projectAll() : nil  // (T*B, 4H): dense x only
    let projectedP = projected.map { UnsafePointer($0.data) }
    for t in 0..<steps {
        if productPerStep {
            // at (B, 4H) = h_{t-1} W_hh^T for the whole batch first
            whhTPacked.product(m: batch, ysP + t * bh, lda: h, beta: 0, actsP + t * bg, ldc: g)
        }
        // one pass over blocks of rows (across the worker pool): rows are independent
        Parallel.forFixedBlocks(batch, align: 8, work: batch * g * (h + input.inSize + 16)) { rows in
            let o = rows.lowerBound, n = rows.count
            let hPrev = ysP + t * bh + o * h, hNext = ysP + (t + 1) * bh + o * h
            let cPrev = csP + t * bh + o * h, cNext = csP + (t + 1) * bh + o * h
            let at = actsP + t * bg + o * g, tc = tcsP + t * bh + o * h
            let gi = input.projection(step: t, rows: rows, projected: projectedP, scratch: giP + o * g)
            // at (rows, 4H) = h_{t-1} W_hh^T, then gi_t + b_hh and the gate activations
            if !productPerStep { whhTPacked.product(m: n, hPrev, lda: h, beta: 0, at, ldc: g) }
            if BLAS.avx512 {
                tk_lstm_forward_avx512(n, h, at, gi, bhhP, cPrev, cNext, tc, hNext)
                return
            }
            for b in 0..<n {
                let row = at + b * g, irow = gi + b * g
                for j in 0..<g { row[j] += irow[j] + bhhP[j] }
                vSigmoid(row, row, 2 * h)  // i, f
                vTanh(row + 2 * h, row + 2 * h, h)  // g
                vSigmoid(row + 3 * h, row + 3 * h, h)  // o
                let cp = cPrev + b * h, cn = cNext + b * h
                for j in 0..<h { cn[j] = row[h + j] * cp[j] + row[j] * row[2 * h + j] }
            }
            vTanh(cNext, tc, n * h)
            for b in 0..<n {
                let ob = at + b * g + 3 * h, tcb = tc + b * h, hn = hNext + b * h
                for j in 0..<h { hn[j] = ob[j] * tcb[j] }
            }
        }
    }
    (ysP + (steps + 1) * bh).update(from: csP + steps * bh, count: bh)
    let out = Tensor(view: ys.storage, offset: bh, shape: [steps + 1, batch, h])
    var inputs = [x, wih, whh, bih, bhh]
    if let h0 { inputs.append(h0) }
    if let c0 { inputs.append(c0) }
    if Tensor.recording(inputs) {
        out.record(inputs) { gOut in
            let whhPacked = PackedOperand(whh)  // every step's dh multiplies it
            // gOut: (T+1, B, H) = dL/dh_t for each step, then dL/dc_T. Per step, dG (B, 4H) is the
            // gradient of the gate pre-activations, shared by both projections.
            let ysP = ys.data, actsP = acts.data, csP = cs.data, tcsP = tcs.data  // kept alive by the closure
            // per step (B, 4H), or all steps (T, B, 4H) for the whole-sequence products
            let dG = Tensor(uninitialized: whole ? [steps, batch, g] : [batch, g])
            let dh = Tensor.zeros([batch, h]), dc = Tensor(uninitialized: [batch, h])
            let dWih = Tensor(uninitialized: wih.shape), dWhh = Tensor(uninitialized: whh.shape)
            let dWihT = x.oneHot != nil ? Tensor.zeros([input.inSize, g]) : nil
            let db = BlockPartials(batch: batch, width: g)
            let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
            let dGP = dG.data, dhP = dh.data, dcP = dc.data, gP = gOut.data
            dcP.update(from: gP + steps * bh, count: bh)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let at = actsP + t * bg, tc = tcsP + t * bh, cPrev = csP + t * bh, hPrev = ysP + t * bh
                let go = gP + t * bh, first = t == steps - 1
                let dGP = whole ? dGP + t * bg : dGP
                Parallel.forBlocks(batch, size: db.blockRows) { block, rows in
                    let o = rows.lowerBound, n = rows.count
                    let (at, tc, cPrev, go) = (at + o * g, tc + o * h, cPrev + o * h, go + o * h)
                    let (dh, dc, dG) = (dhP + o * h, dcP + o * h, dGP + o * g)
                    if BLAS.avx512 {
                        tk_lstm_backward_avx512(n, h, at, tc, cPrev, go, dh, dc, dG, db.block(block))
                    } else {
                        lstmStepBackward(n, h, at, tc, cPrev, go, dh, dc, dG)
                        addColumnSums(dG, rows: n, cols: g, into: db.block(block))
                    }
                }
                if whole {
                    // dh_{t-1} = dG_t W_hh; the weight gradients wait for all the steps
                    whhPacked.product(m: batch, dGP, lda: g, beta: 0, dhP, ldc: h)
                    continue
                }
                hiddenStepBackward(
                    batch: batch, hidden: h, gates: g, dGP, whh: whhPacked, hPrev: hPrev,
                    dh: dhP, dhBeta: 0, dWhh: dWhh.data, first: first)
                input.backward(
                    step: t, dGP, dW: dWih.data, dWBeta: first ? 0 : 1, dWT: dWihT?.data, db: nil,
                    dx: dx?.data, dxBeta: 0)
            }
            if whole {
                // dW_hh (4H, H) = dG^T (4H, T*B) [h_0 ... h_{T-1}] (T*B, H)
                BLAS.gemm(
                    transA: true, m: g, n: h, k: steps * batch, dGP, lda: g, ysP, ldb: h, beta: 0,
                    dWhh.data, ldc: h)
                input.backwardAll(dGP, dW: dWih.data, dWT: dWihT?.data, dx: dx?.data)
            }
            h0?.accumulateGrad(dh, owned: true)
            c0?.accumulateGrad(dc, owned: true)
            whh.accumulateGrad(dWhh, owned: true)
            let dbTotal = db.total()
            bhh.accumulateGrad(dbTotal, owned: false)
            bih.accumulateGrad(dbTotal, owned: false)
            input.accumulateGradients(dW: dWih, dWT: dWihT, dx: dx)
        }
    }
    return out
}

/// The portable version of tk_lstm_backward_avx512 (see tk_kernels.h), without the bias sums.
func lstmStepBackward(
    _ batch: Int, _ h: Int, _ at: UnsafePointer<Float>, _ tc: UnsafePointer<Float>,
    _ cPrev: UnsafePointer<Float>, _ go: UnsafePointer<Float>, _ dhP: UnsafePointer<Float>,
    _ dcP: UnsafeMutablePointer<Float>, _ dG: UnsafeMutablePointer<Float>
) {
    let g = 4 * h
    for b in 0..<batch {
        let row = at + b * g, d = dG + b * g, k = b * h
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
}
