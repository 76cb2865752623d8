import TensorKitKernels

/// A multi-layer gated recurrent unit over time-major input, computing what PyTorch's nn.GRU does:
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.
public final class GRU: Module {
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
    /// Per layer: (3*hidden, in) with gates stacked r, z, n.
    public var weightIH: [Tensor] { weights.weightIH }
    /// Per layer: (3*hidden, hidden).
    public var weightHH: [Tensor] { weights.weightHH }
    /// Per layer: (3*hidden).
    public var biasIH: [Tensor] { weights.biasIH }
    /// Per layer: (3*hidden).
    public var biasHH: [Tensor] { weights.biasHH }
    let weights: RecurrentWeights

    /// Every weight and bias starts ~ U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, dropout: Float = 0) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.dropout = dropout
        weights = RecurrentWeights(
            gates: 3, inputSize: inputSize, hiddenSize: hiddenSize,
            numLayers: numLayers, op: "GRU")
    }

    /// Per layer in PyTorch's order: weightIH, weightHH, biasIH, biasHH.
    public var parameters: [Tensor] { weights.all }

    /// x (steps, batch, input), h0 (layers, batch, hidden) or zeros ->
    /// output (steps, batch, hidden) of the top layer, state (layers, batch, hidden).
    public func callAsFunction(_ x: Tensor, _ h0: Tensor? = nil) -> (output: Tensor, state: Tensor) {
        checkRecurrentInput("GRU", x, inputSize: inputSize, h0, layers: numLayers, hidden: hiddenSize)
        var input = x
        var finals: [Tensor] = []
        for l in 0..<numLayers {
            let hs = gruLayer(input, layerState(h0, l), weightIH[l], weightHH[l], biasIH[l], biasHH[l])
            finals.append(hs[hs.shape[0] - 1])
            input = l < numLayers - 1 ? TensorKit.dropout(hs, p: dropout, training: training) : hs
        }
        return (input, Tensor.stack(finals))
    }
}

/// One GRU layer over a whole sequence, as one autograd op.
/// x: (T, B, in); h0: (B, H) or nil for zeros; returns the hidden states h_1...h_T: (T, B, H).
func gruLayer(_ x: Tensor, _ h0: Tensor?, _ wih: Tensor, _ whh: Tensor, _ bih: Tensor, _ bhh: Tensor) -> Tensor {
    let steps = x.shape[0], batch = x.shape[1], h = whh.shape[1], g = 3 * h
    let bh = batch * h, bg = batch * g
    let input = StepInput(x, wih, bih)
    let gi = Tensor(uninitialized: [batch, g])  // W_i x_t + b_i, one step at a time
    let hs = Tensor(uninitialized: [steps + 1, batch, h])  // hs[0] = h0, hs[t+1] = h_t
    let gates = Tensor(uninitialized: [steps, batch, g])  // saved r, z, hn = W_hn h + b_hn
    let ns = Tensor(uninitialized: [steps, batch, h])  // saved n
    let hsP = hs.data, gatesP = gates.data, nsP = ns.data, giP = gi.data, bhhP = bhh.data
    let whhTPacked = PackedOperand.transpose(of: whh)  // W_hh^T: every step multiplies it
    loadInitialState(h0, hsP, bh)
    let productPerStep = recurrentProductPerStep(hidden: h, gates: g)
    let whole = wholeSequenceProducts(batch: batch)
    let projected = whole ? input.projectAll() : nil  // (T*B, 3H): dense x only
    let projectedP = projected.map { UnsafePointer($0.data) }
    for t in 0..<steps {
        if productPerStep {
            // gt (B, 3H) = h_{t-1} W_hh^T for the whole batch first
            whhTPacked.product(m: batch, hsP + t * bh, lda: h, beta: 0, gatesP + t * bg, ldc: g)
        }
        // one pass over blocks of rows (across the worker pool): a row's projection, recurrent
        // product and gates need nothing from the other rows
        Parallel.forFixedBlocks(batch, align: 8, work: batch * g * (h + input.inSize + 16)) { rows in
            let o = rows.lowerBound, n = rows.count
            let hPrev = hsP + t * bh + o * h, hNext = hsP + (t + 1) * bh + o * h
            let gt = gatesP + t * bg + o * g, nt = nsP + t * bh + o * h
            let gi = input.projection(step: t, rows: rows, projected: projectedP, scratch: giP + o * g)
            // gt (rows, 3H) = h_{t-1} W_hh^T
            if !productPerStep { whhTPacked.product(m: n, hPrev, lda: h, beta: 0, gt, ldc: g) }
            if BLAS.avx512 {
                tk_gru_forward_avx512(n, h, gt, gi, bhhP, hPrev, nt, hNext)
                return
            }
            for b in 0..<n {
                let row = gt + b * g, irow = gi + b * g, nrow = nt + b * h
                for j in 0..<(2 * h) { row[j] += irow[j] + bhhP[j] }
                vSigmoid(row, row, 2 * h)  // r, z
                for j in 0..<h {
                    let hn = row[2 * h + j] + bhhP[2 * h + j]
                    row[2 * h + j] = hn
                    nrow[j] = irow[2 * h + j] + row[j] * hn  // pre-activation of n
                }
            }
            vTanh(nt, nt, n * h)
            for b in 0..<n {
                let z = gt + b * g + h, nb = nt + b * h, hp = hPrev + b * h, hn = hNext + b * h
                for j in 0..<h { hn[j] = nb[j] + z[j] * (hp[j] - nb[j]) }  // (1 - z) n + z h
            }
        }
    }
    let out = Tensor(view: hs.storage, offset: bh, shape: [steps, batch, h])
    var inputs = [x, wih, whh, bih, bhh]
    if let h0 { inputs.append(h0) }
    if Tensor.recording(inputs) {
        out.record(inputs) { gOut in
            let whhPacked = PackedOperand(whh)  // every step's dh multiplies it
            // gOut: (T, B, H). Per step, dGi and dGh (B, 3H) are the gradients of W_i x + b_i and
            // W_h h + b_h; every weight gradient is accumulated step by step from them.
            let hsP = hs.data, gatesP = gates.data, nsP = ns.data  // through the tensors the closure keeps
            // per step (B, 3H), or all steps (T, B, 3H) for the whole-sequence products
            let dGShape = whole ? [steps, batch, g] : [batch, g]
            let dGi = Tensor(uninitialized: dGShape), dGh = Tensor(uninitialized: dGShape)
            let dh = Tensor.zeros([batch, h])  // dL/dh_t from step t+1
            let dWih = wih.requiresGrad ? Tensor(uninitialized: wih.shape) : nil
            let dWihT = x.oneHot != nil ? Tensor.zeros([input.inSize, g]) : nil
            let dWhh = Tensor(uninitialized: whh.shape)
            let dbih = BlockPartials(batch: batch, width: g), dbhh = BlockPartials(batch: batch, width: g)
            let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
            let dGiP = dGi.data, dGhP = dGh.data, dhP = dh.data, gP = gOut.data
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let hPrev = hsP + t * bh, gt = gatesP + t * bg, nt = nsP + t * bh, go = gP + t * bh
                let first = t == steps - 1
                let (dGiP, dGhP) = whole ? (dGiP + t * bg, dGhP + t * bg) : (dGiP, dGhP)
                Parallel.forBlocks(batch, size: dbih.blockRows) { block, rows in
                    let o = rows.lowerBound, n = rows.count
                    let (gt, nt, hPrev, go) = (gt + o * g, nt + o * h, hPrev + o * h, go + o * h)
                    let (dh, dGi, dGh) = (dhP + o * h, dGiP + o * g, dGhP + o * g)
                    if BLAS.avx512 {
                        // also adds the bias gradients (column sums of dGi, dGh) into the block's partials
                        tk_gru_backward_avx512(
                            n, h, gt, nt, hPrev, go, dh, dGi, dGh, dbih.block(block), dbhh.block(block))
                    } else {
                        gruStepBackward(n, h, gt, nt, hPrev, go, dh, dGi, dGh)
                        addColumnSums(dGh, rows: n, cols: g, into: dbhh.block(block))
                        addColumnSums(dGi, rows: n, cols: g, into: dbih.block(block))
                    }
                }
                // the step kernel left z * dL/dh_t in dh (the path through h_{t-1} directly); add dGh_t W_hh
                if whole {
                    // the weight gradients wait for all the steps
                    whhPacked.product(m: batch, dGhP, lda: g, beta: 1, dhP, ldc: h)
                    continue
                }
                hiddenStepBackward(
                    batch: batch, hidden: h, gates: g, dGhP, whh: whhPacked, hPrev: hPrev,
                    dh: dhP, dhBeta: 1, dWhh: dWhh.data, first: first)
                input.backward(
                    step: t, dGiP, dW: dWih?.data, dWBeta: first ? 0 : 1,
                    dWT: dWihT?.data, db: nil, dx: dx?.data, dxBeta: 0)
            }
            if whole {
                // dW_hh (3H, H) = dGh^T (3H, T*B) [h_0 ... h_{T-1}] (T*B, H)
                BLAS.gemm(
                    transA: true, m: g, n: h, k: steps * batch, dGhP, lda: g, hsP, ldb: h, beta: 0,
                    dWhh.data, ldc: h)
                input.backwardAll(dGiP, dW: dWih?.data, dWT: dWihT?.data, dx: dx?.data)
            }
            h0?.accumulateGrad(dh, owned: true)
            whh.accumulateGrad(dWhh, owned: true)
            bhh.accumulateGrad(dbhh.total(), owned: true)
            bih.accumulateGrad(dbih.total(), owned: true)
            input.accumulateGradients(dW: dWih, dWT: dWihT, dx: dx)
        }
    }
    return out
}

/// The portable version of tk_gru_backward_avx512 (see tk_kernels.h).
func gruStepBackward(
    _ batch: Int, _ h: Int, _ gt: UnsafePointer<Float>, _ nt: UnsafePointer<Float>,
    _ hPrev: UnsafePointer<Float>, _ go: UnsafePointer<Float>, _ dhP: UnsafeMutablePointer<Float>,
    _ dgi: UnsafeMutablePointer<Float>, _ dgh: UnsafeMutablePointer<Float>
) {
    let g = 3 * h
    for b in 0..<batch {
        let row = gt + b * g, n = nt + b * h, hp = hPrev + b * h, gob = go + b * h, dhb = dhP + b * h
        let di = dgi + b * g, dhh = dgh + b * g
        for j in 0..<h {
            let r = row[j], z = row[h + j], hn = row[2 * h + j], nj = n[j]
            let dht = gob[j] + dhb[j]
            let dnPre = dht * (1 - z) * (1 - nj * nj)
            let drPre = dnPre * hn * r * (1 - r)
            let dzPre = dht * (hp[j] - nj) * z * (1 - z)
            di[j] = drPre
            di[h + j] = dzPre
            di[2 * h + j] = dnPre
            dhh[j] = drPre
            dhh[h + j] = dzPre
            dhh[2 * h + j] = dnPre * r
            dhb[j] = dht * z  // the direct path z * h_{t-1}
        }
    }
}
