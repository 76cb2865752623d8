// Pieces shared by the fused RNN / GRU / LSTM layers. Each layer runs a whole sequence as ONE
// autograd op: per step, a gemm for the recurrent term and fused gate arithmetic (AVX-512
// kernels in tk_kernels.h where available); backward walks the steps in reverse over the saved
// activations. The input projection and the weight gradients run either per step, with operands
// that stay in cache (a (B, gates*H) buffer, not a (T*B, gates*H) one per layer), or for small
// batches as one large gemm over all steps (see wholeSequenceProducts).

/// PyTorch-named weights of a stack of recurrent layers with `gates` gates each.
struct RecurrentWeights {
    var weightIH: [Tensor] = []  // (gates*hidden, in)
    var weightHH: [Tensor] = []  // (gates*hidden, hidden)
    var biasIH: [Tensor] = []  // (gates*hidden)
    var biasHH: [Tensor] = []  // (gates*hidden)

    /// Every weight and bias ~ U(-1/sqrt(hidden), 1/sqrt(hidden)), as PyTorch.
    init(gates: Int, inputSize: Int, hiddenSize: Int, numLayers: Int, op: String) {
        if inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0 {
            fatalError(
                "\(op): sizes must be positive (inputSize \(inputSize), hiddenSize \(hiddenSize), numLayers \(numLayers))"
            )
        }
        let bound = 1 / Float(hiddenSize).squareRoot()
        let g = gates * hiddenSize
        for l in 0..<numLayers {
            weightIH.append(uniformParameter([g, l == 0 ? inputSize : hiddenSize], bound: bound))
            weightHH.append(uniformParameter([g, hiddenSize], bound: bound))
            biasIH.append(uniformParameter([g], bound: bound))
            biasHH.append(uniformParameter([g], bound: bound))
        }
    }

    /// In PyTorch's order: per layer weight_ih, weight_hh, bias_ih, bias_hh.
    var all: [Tensor] {
        weightIH.indices.flatMap { [weightIH[$0], weightHH[$0], biasIH[$0], biasHH[$0]] }
    }
}

/// Checks x (T, B, in) and an optional (layers, B, H) state, trapping with both shapes.
func checkRecurrentInput(_ op: String, _ x: Tensor, inputSize: Int, _ state: Tensor?, layers: Int, hidden: Int) {
    if x.rank != 3 || x.shape[2] != inputSize || x.shape[0] == 0 {
        shapeMismatch(op, x.shape, [-1, -1, inputSize])
    }
    if let s = state, s.shape != [layers, x.shape[1], hidden] {
        shapeMismatch(op, x.shape, s.shape)
    }
}

/// The input side of a recurrent layer one step at a time: W_ih x_t + b_ih into a (B, G)
/// buffer that stays in cache (rather than one (T*B, G) product for all steps, which goes out to
/// memory and back), and its backward per step, with a gather / scatter for one-hot x.
struct StepInput {
    let x: Tensor, wih: Tensor, bih: Tensor
    let batch: Int, inSize: Int, gates: Int
    /// W_ih^T (in, G): row v is what token v contributes, for gathers and plain products.
    let wT: Tensor
    /// The buffers the projection reads, fetched here on the calling thread (reading a tensor
    /// may compute a pending value), so worker threads can project rows; x's only if dense.
    private let xP: UnsafePointer<Float>?, wTP: UnsafePointer<Float>, bP: UnsafePointer<Float>

    init(_ x: Tensor, _ wih: Tensor, _ bih: Tensor) {
        self.x = x
        self.wih = wih
        self.bih = bih
        batch = x.shape[1]
        inSize = wih.shape[1]
        gates = wih.shape[0]
        wT = permuted(wih, [1, 0])
        xP = x.oneHot == nil ? UnsafePointer(x.data) : nil
        wTP = UnsafePointer(wT.data)
        bP = UnsafePointer(bih.data)
    }

    /// out (B, G) = x_t W_ih^T + b_ih.
    func project(step t: Int, into out: UnsafeMutablePointer<Float>) {
        project(step: t, rows: 0..<batch, into: out)
    }

    /// Rows `rows` of step t's projection into out, which points at the first of them. Reads
    /// only buffers that exist already, so worker threads may call it.
    func project(step t: Int, rows: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        let g = gates, b = bP
        if let hot = x.oneHot {
            // row r = W_ih^T[token r] + b_ih, in one pass
            let table = wTP
            hot.indices.withUnsafeBufferPointer { idx in
                let first = x.offset / inSize + t * batch
                for r in rows {
                    let src = table + Int(idx[first + r]) * g, dst = out + (r - rows.lowerBound) * g
                    for j in 0..<g { dst[j] = src[j] + b[j] }
                }
            }
        } else {
            BLAS.gemmBias(
                m: rows.count, n: g, k: inSize, xP! + (t * batch + rows.lowerBound) * inSize, lda: inSize,
                wTP, ldb: g, bias: b, out, ldc: g)
        }
    }

    /// For dense x, every step's projection at once: (T*B, G) = X W_ih^T + b_ih, one large
    /// product that packs W_ih once rather than once per step; nil for one-hot x (whose
    /// projection is a row gather, as cheap per step).
    func projectAll() -> Tensor? {
        guard xP != nil else { return nil }
        let out = Tensor(uninitialized: [x.shape[0] * batch, gates])
        _ = projectAll(into: out.data)
        return out
    }

    /// The same into out (T*B rows of G); false, writing nothing, for one-hot x.
    func projectAll(into out: UnsafeMutablePointer<Float>) -> Bool {
        guard let xP else { return false }
        BLAS.gemmBias(
            m: x.shape[0] * batch, n: gates, k: inSize, xP, lda: inSize, wTP, ldb: gates, bias: bP, out, ldc: gates)
        return true
    }

    /// Rows `rows` of step t's projection: in `projected` (projectAll's result) when there is
    /// one, else computed into `scratch` (for the first of the rows).
    func projection(
        step t: Int, rows: Range<Int>, projected: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>
    ) -> UnsafePointer<Float> {
        if let projected { return projected + (t * batch + rows.lowerBound) * gates }
        project(step: t, rows: rows, into: scratch)
        return UnsafePointer(scratch)
    }

    /// Accumulates step t's input-side gradients from dG_t (B, G) into the given buffers:
    /// dW (G, in) unless nil or, for one-hot x, dWT (in, G); db (G) unless nil; dx_t (B, in)
    /// unless nil.
    func backward(
        step t: Int, _ dG: UnsafePointer<Float>, dW: UnsafeMutablePointer<Float>?, dWBeta: Float,
        dWT: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
        dx: UnsafeMutablePointer<Float>?, dxBeta: Float
    ) {
        backward(
            rows: t * batch..<(t + 1) * batch, dG, dW: dW, dWBeta: dWBeta, dWT: dWT, db: db, dx: dx,
            dxBeta: dxBeta)
    }

    /// The same for every step at once from dG (T*B, G): one product for dW over all T*B rows
    /// (rather than T that each read and write all of dW) and one for dx.
    func backwardAll(
        _ dG: UnsafePointer<Float>, dW: UnsafeMutablePointer<Float>?, dWT: UnsafeMutablePointer<Float>?,
        dx: UnsafeMutablePointer<Float>?
    ) {
        backward(rows: 0..<x.shape[0] * batch, dG, dW: dW, dWBeta: 0, dWT: dWT, db: nil, dx: dx, dxBeta: 0)
    }

    /// Rows `rows` of x's (T*B) rows, from their dG (rows, G).
    private func backward(
        rows: Range<Int>, _ dG: UnsafePointer<Float>, dW: UnsafeMutablePointer<Float>?, dWBeta: Float,
        dWT: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
        dx: UnsafeMutablePointer<Float>?, dxBeta: Float
    ) {
        let g = gates, n = rows.count, first = rows.lowerBound
        if let hot = x.oneHot, let dWT {
            oneHotScatterAdd(hot, rowOffset: x.offset / inSize + first, rows: n, dG, g, dWT)
        } else if let dW {
            // dW (G, in) += dG^T (G, n) x_rows (n, in)
            BLAS.gemm(
                transA: true, m: g, n: inSize, k: n, dG, lda: g, x.data + first * inSize, ldb: inSize,
                beta: dWBeta, dW, ldc: inSize)
        }
        if let db { addColumnSums(dG, rows: n, cols: g, into: db) }
        if let dx {
            // dx_rows (n, in) = dG (n, G) W_ih (G, in)
            BLAS.gemm(
                m: n, n: inSize, k: g, dG, lda: g, wih.data, ldb: inSize, beta: dxBeta,
                dx + first * inSize, ldc: inSize)
        }
    }

    /// Hands the summed input-side gradients to W_ih (dWT, for one-hot x, transposed back) and x.
    func accumulateGradients(dW: Tensor?, dWT: Tensor?, dx: Tensor?) {
        if let dWT {
            wih.accumulateGrad(permuted(dWT, [1, 0]), owned: true)
        } else if let dW {
            wih.accumulateGrad(dW, owned: true)
        }
        if let dx { x.accumulateGrad(dx, owned: true) }
    }
}

/// The hidden side of one backward step, shared by RNN, GRU and LSTM:
/// dh_{t-1} = dhBeta * dh + dG_t W_hh, (B, G) x (G, H); dW_hh = (first ? 0 : dW_hh) + dG_t^T h_{t-1}.
func hiddenStepBackward(
    batch: Int, hidden h: Int, gates g: Int, _ dG: UnsafePointer<Float>,
    whh: PackedOperand, hPrev: UnsafePointer<Float>,
    dh: UnsafeMutablePointer<Float>, dhBeta: Float,
    dWhh: UnsafeMutablePointer<Float>, first: Bool
) {
    whh.product(m: batch, dG, lda: g, beta: dhBeta, dh, ldc: h)
    BLAS.gemm(transA: true, m: g, n: h, k: batch, dG, lda: g, hPrev, ldb: h, beta: first ? 0 : 1, dWhh, ldc: h)
}

/// Whether a layer runs its input projection for all steps as one product before the time
/// loop, and its weight gradients (and dx) as one product over all steps after the backward
/// loop, instead of step by step. A per-step product with only B rows packs its weights again
/// every step, and a per-step weight gradient reads and writes all of dW for B rows of work:
/// with a small batch that dominates; with a large one the per-step operands stay in cache
/// (a (B, G) buffer, not (T*B, G) that goes out to memory and back) and win.
func wholeSequenceProducts(batch: Int) -> Bool { batch < wholeSequenceMaxBatch }

/// The batch from which wholeSequenceProducts says no. Tests change it to run the PyTorch
/// fixtures both ways.
nonisolated(unsafe) var wholeSequenceMaxBatch = 512

/// Per-block partial sums of a bias gradient (G) over a batch split into fixed row blocks, so a
/// step's gate kernel can run on the blocks at once and the sums still come out the same
/// whatever the number of threads: each block adds into its own row of partials, and `total`
/// adds the rows in block order.
struct BlockPartials {
    let blockRows: Int, blocks: Int, width: Int
    let buffer: Tensor

    init(batch: Int, width: Int) {
        blockRows = productBlockRows(batch)
        blocks = (batch + blockRows - 1) / blockRows
        self.width = width
        buffer = Tensor.zeros([blocks, width])
    }

    /// Block b's partial sums.
    func block(_ b: Int) -> UnsafeMutablePointer<Float> { buffer.data + b * width }

    /// The sum of the blocks' partials, in block order.
    func total() -> Tensor {
        let out = Tensor.zeros([width])
        for b in 0..<blocks { addInPlace(out.data, block(b), width) }
        return out
    }
}

/// Whether a layer's recurrent product h_{t-1} W_hh^T runs once per step for the whole batch
/// (split across threads by columns, so each thread reads its part of W_hh once) rather than
/// inside each block of rows with the gates (where every block reads all of W_hh again): when
/// W_hh is too large to stay in a core's cache, its traffic is what limits the step.
func recurrentProductPerStep(hidden h: Int, gates g: Int) -> Bool { h * g >= perStepProductMinWeights }

/// The size of W_hh (floats) from which recurrentProductPerStep says yes: 2 MB, beyond a
/// core's L2 on the machines measured (below it, the blocks re-read W_hh from L2 cheaply and
/// one dispatch per step is better). Tests lower it to run the PyTorch fixtures both ways.
nonisolated(unsafe) var perStepProductMinWeights = 524_288

/// Copies the initial state (B, H) into `dst`, or zeros when there is none.
func loadInitialState(_ h0: Tensor?, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
    if let h0 { dst.update(from: h0.data, count: n) } else { dst.initialize(repeating: 0, count: n) }
}

/// The layer inputs of a stack: layer l's state slice of an optional (layers, B, H) state.
func layerState(_ state: Tensor?, _ l: Int) -> Tensor? { state.map { $0[l] } }
