import TensorKit

/// d2l's RNNScratch: H = tanh(X W_xh + H W_hh + b_h) for each step of time-major inputs.
final class RNNScratch {
    let numHiddens: Int
    let W_xh: Tensor, W_hh: Tensor, b_h: Tensor

    init(numInputs: Int, numHiddens: Int, sigma: Float = 0.01) {
        self.numHiddens = numHiddens
        W_xh = Tensor.randn([numInputs, numHiddens]) * sigma
        W_hh = Tensor.randn([numHiddens, numHiddens]) * sigma
        b_h = Tensor.zeros([numHiddens])
        for p in [W_xh, W_hh, b_h] { p.requiresGrad = true }
    }

    var parameters: [Tensor] { [W_xh, W_hh, b_h] }

    /// inputs (steps, batch, inputs) -> the per-step outputs (batch, hidden) and the last state.
    func callAsFunction(_ inputs: Tensor, _ state: Tensor?) -> ([Tensor], Tensor) {
        var H = state ?? Tensor.zeros([inputs.shape[1], numHiddens])
        var outputs: [Tensor] = []
        for t in 0..<inputs.shape[0] {
            let X = inputs[t]
            H = tanh(matmul(X, W_xh) + matmul(H, W_hh) + b_h)
            outputs.append(H)
        }
        return (outputs, H)
    }
}

/// d2l's StackedRNNScratch: layer l's outputs are layer l+1's inputs.
final class StackedRNNScratch {
    let numHiddens: Int
    let rnns: [RNNScratch]

    init(numInputs: Int, numHiddens: Int, numLayers: Int, sigma: Float = 0.01) {
        self.numHiddens = numHiddens
        rnns = (0..<numLayers).map { RNNScratch(numInputs: $0 == 0 ? numInputs : numHiddens, numHiddens: numHiddens, sigma: sigma) }
    }

    var parameters: [Tensor] { rnns.flatMap { $0.parameters } }

    /// inputs (steps, batch, inputs) -> top layer outputs (steps, batch, hidden), per-layer states.
    func callAsFunction(_ inputs: Tensor, _ states: [Tensor]?) -> (Tensor, [Tensor]) {
        var outputs = inputs
        var Hs = states ?? []
        for i in rnns.indices {
            let (layerOutputs, H) = rnns[i](outputs, states?[i])
            outputs = Tensor.stack(layerOutputs, axis: 0)
            if Hs.count > i { Hs[i] = H } else { Hs.append(H) }
        }
        return (outputs, Hs)
    }
}

/// d2l's RNNLMScratch: one-hot inputs, the RNN, and O_t = H_t W_hq + b_q.
final class RNNLMScratch: LanguageModel {
    let rnn: StackedRNNScratch
    let vocabSize: Int
    let W_hq: Tensor, b_q: Tensor
    var training = true

    init(rnn: StackedRNNScratch, vocabSize: Int, sigma: Float = 0.01) {
        self.rnn = rnn
        self.vocabSize = vocabSize
        W_hq = Tensor.randn([rnn.numHiddens, vocabSize]) * sigma
        b_q = Tensor.zeros([vocabSize])
        W_hq.requiresGrad = true
        b_q.requiresGrad = true
    }

    var parameters: [Tensor] { rnn.parameters + [W_hq, b_q] }

    /// rnn outputs (steps, batch, hidden) -> logits (batch, steps, vocab), all steps in one
    /// product as the chapter writes it.
    func outputLayer(_ rnnOutputs: Tensor) -> Tensor {
        let steps = rnnOutputs.shape[0], batch = rnnOutputs.shape[1]
        let logits = matmul(rnnOutputs.reshaped([-1, rnn.numHiddens]), W_hq) + b_q
        return logits.reshaped([steps, batch, vocabSize]).swapAxes(0, 1)
    }

    func callAsFunction(_ X: IntTensor) -> Tensor {
        let embs = oneHot(X.transposed(), vocabSize)   // (steps, batch, vocab)
        let (rnnOutputs, _) = rnn(embs, nil)
        return outputLayer(rnnOutputs)
    }

    func predict(_ prefix: String, _ numPreds: Int, _ data: TimeMachine) -> String {
        greedyPredict(prefix, numPreds, data) { (token: Int, state: [Tensor]?) in
            let (outputs, next) = rnn(oneHot(IntTensor([token], shape: [1, 1]), vocabSize), state)
            return (outputLayer(outputs), next)
        }
    }
}
