import TensorKit

/// What the trainer needs of a character language model.
protocol LanguageModel: AnyObject {
    var parameters: [Tensor] { get }
    var training: Bool { get set }
    var vocabSize: Int { get }
    /// X (batch, steps) token ids -> logits (batch, steps, vocab).
    func callAsFunction(_ X: IntTensor) -> Tensor
    /// Greedy continuation of `prefix` by `numPreds` characters (d2l's predict).
    func predict(_ prefix: String, _ numPreds: Int, _ data: TimeMachine) -> String
}

extension LanguageModel {
    /// Mean cross-entropy over every (batch, step) token.
    func loss(_ logits: Tensor, _ Y: IntTensor) -> Tensor {
        crossEntropy(logits.reshaped([-1, vocabSize]), Y.reshaped([-1]))
    }
}

/// d2l's prediction loop, given one step of the model: (token, state) -> (logits (1, 1, vocab), state).
func greedyPredict<State>(_ prefix: String, _ numPreds: Int, _ data: TimeMachine,
                          _ step: (Int, State?) -> (Tensor, State)) -> String {
    let chars = prefix.map { String($0) }
    var state: State? = nil
    var outputs = [data.index(chars[0])]
    withNoGrad {
        for i in 0..<(chars.count + numPreds - 1) {
            let (logits, next) = step(outputs[outputs.count - 1], state)
            state = next
            if i < chars.count - 1 {
                outputs.append(data.index(chars[i + 1]))  // warm-up: feed the prefix
            } else {
                outputs.append(logits.reshaped([-1]).argmax(axis: 0).values[0])
            }
        }
    }
    return outputs.map { data.idxToToken[$0] }.joined()
}
