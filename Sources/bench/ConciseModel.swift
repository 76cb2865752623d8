import TensorKit

/// d2l's RNNLM over a built-in multi-layer GRU, with a Linear output layer on all steps at once.
final class GRULanguageModel: LanguageModel {
    let rnn: GRU
    let linear: Linear
    let vocabSize: Int
    var training = true {
        didSet { rnn.training = training; linear.training = training }
    }

    init(vocabSize: Int, numHiddens: Int, numLayers: Int) {
        self.vocabSize = vocabSize
        rnn = GRU(inputSize: vocabSize, hiddenSize: numHiddens, numLayers: numLayers)
        linear = Linear(numHiddens, vocabSize)
    }

    var parameters: [Tensor] { rnn.parameters + linear.parameters }

    /// hiddens (steps, batch, hidden) -> logits (batch, steps, vocab).
    func outputLayer(_ hiddens: Tensor) -> Tensor { linear(hiddens).swapAxes(0, 1) }

    func callAsFunction(_ X: IntTensor) -> Tensor {
        let (hiddens, _) = rnn(oneHot(X.transposed(), vocabSize))
        return outputLayer(hiddens)
    }

    func predict(_ prefix: String, _ numPreds: Int, _ data: TimeMachine) -> String {
        greedyPredict(prefix, numPreds, data) { (token: Int, state: Tensor?) in
            let (hiddens, next) = rnn(oneHot(IntTensor([token], shape: [1, 1]), vocabSize), state)
            return (outputLayer(hiddens), next)
        }
    }
}
