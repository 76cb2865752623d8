import XCTest

@testable import TensorKit

/// The chapter's two language models built from tensor ops, against PyTorch: one-hot inputs,
/// recurrent layers, output layer, mean cross-entropy, gradients, and clipping.
final class LanguageModelFixtureTests: XCTestCase {
    /// The same through the portable kernels (what macOS/arm64 runs).
    func testPortableKernels() throws {
        try withPortableKernels {
            try testConciseGRULanguageModel()
            try testStackedRNNScratch()
        }
    }

    /// The same through the AVX2 kernels (what x86-64 CPUs without AVX-512 run).
    func testAVX2Kernels() throws {
        try XCTSkipUnless(BLAS.supportedKernels.contains(.avx2), "no AVX2 on this CPU")
        try withKernels(.avx2) {
            try testConciseGRULanguageModel()
            try testStackedRNNScratch()
        }
    }

    /// d2l's RNNLM with a 2-layer nn.GRU and a Linear output layer.
    func testConciseGRULanguageModel() throws {
        let f = try Fixture("rnnlm_gru_2layer")
        let vocab = f.config("vocab_size"), hidden = f.config("hidden_size"), layers = f.config("num_layers")
        let gru = GRU(inputSize: vocab, hiddenSize: hidden, numLayers: layers)
        let linear = Linear(hidden, vocab)
        for l in 0..<layers {
            f.load(gru.weightIH[l], "rnn.weight_ih_l\(l)")
            f.load(gru.weightHH[l], "rnn.weight_hh_l\(l)")
            f.load(gru.biasIH[l], "rnn.bias_ih_l\(l)")
            f.load(gru.biasHH[l], "rnn.bias_hh_l\(l)")
        }
        f.load(linear.weight, "linear.weight")
        f.load(linear.bias!, "linear.bias")
        let X = f.ints("inputs", "X"), Y = f.ints("inputs", "Y")  // (batch, steps)
        let (hiddens, hn) = gru(oneHot(X.transposed(), vocab))  // (steps, batch, hidden)
        let logits = linear(hiddens).swapAxes(0, 1)  // (batch, steps, vocab)
        let loss = crossEntropy(logits.reshaped([-1, vocab]), Y.reshaped([-1]))
        loss.backward()
        f.check(logits, "outputs", "logits")
        f.check(hn, "outputs", "h_n")
        f.check(loss.item, "outputs", "loss")
        for l in 0..<layers {
            f.check(gru.weightIH[l].grad, "grads", "rnn.weight_ih_l\(l)")
            f.check(gru.weightHH[l].grad, "grads", "rnn.weight_hh_l\(l)")
            f.check(gru.biasIH[l].grad, "grads", "rnn.bias_ih_l\(l)")
            f.check(gru.biasHH[l].grad, "grads", "rnn.bias_hh_l\(l)")
        }
        f.check(linear.weight.grad, "grads", "linear.weight")
        f.check(linear.bias?.grad, "grads", "linear.bias")
    }

    /// d2l's StackedRNNScratch inside RNNLMScratch, written step by step with ordinary ops.
    func testStackedRNNScratch() throws {
        let f = try Fixture("stacked_rnn_scratch_2layer")
        let vocab = f.config("vocab_size"), layers = f.config("num_layers")
        let Wxh = (0..<layers).map { f.tensor("params", "rnns.\($0).W_xh", requiresGrad: true) }
        let Whh = (0..<layers).map { f.tensor("params", "rnns.\($0).W_hh", requiresGrad: true) }
        let bh = (0..<layers).map { f.tensor("params", "rnns.\($0).b_h", requiresGrad: true) }
        let Whq = f.tensor("params", "W_hq", requiresGrad: true), bq = f.tensor("params", "b_q", requiresGrad: true)
        let X = f.ints("inputs", "X"), Y = f.ints("inputs", "Y")
        let steps = X.shape[1], batch = X.shape[0], hidden = Whh[0].shape[0]

        let inputs = oneHot(X.transposed(), vocab)  // (steps, batch, vocab)
        var outputs = (0..<steps).map { inputs[$0] }
        var finalStates: [Tensor] = []
        for l in 0..<layers {
            var H = Tensor.zeros([batch, hidden])
            var layerOutputs: [Tensor] = []
            for X in outputs {
                H = tanh(matmul(X, Wxh[l]) + matmul(H, Whh[l]) + bh[l])
                layerOutputs.append(H)
            }
            outputs = layerOutputs
            finalStates.append(H)
        }
        let logits = Tensor.stack(outputs.map { matmul($0, Whq) + bq }, axis: 1)  // (batch, steps, vocab)
        let loss = crossEntropy(logits.reshaped([-1, vocab]), Y.reshaped([-1]))
        loss.backward()
        f.check(logits, "outputs", "logits")
        f.check(Tensor.stack(finalStates), "outputs", "final_states")
        f.check(loss.item, "outputs", "loss")
        for l in 0..<layers {
            f.check(Wxh[l].grad, "grads", "rnns.\(l).W_xh")
            f.check(Whh[l].grad, "grads", "rnns.\(l).W_hh")
            f.check(bh[l].grad, "grads", "rnns.\(l).b_h")
        }
        f.check(Whq.grad, "grads", "W_hq")
        f.check(bq.grad, "grads", "b_q")

        let params = Wxh + Whh + bh + [Whq, bq]
        let before = params.map { $0.grad!.scalars }
        let norm = clipGradNorm(params, maxNorm: 1)
        f.check(norm, "outputs", "grad_norm")
        let clipScale = f.scalar("outputs", "clip_scale")
        for (p, g) in zip(params, before) {
            assertClose(p.grad!.scalars, g.map { Double($0) * clipScale }, "clipped gradient")
        }
        // and with a bound below the norm, every gradient scales by maxNorm / norm
        let scale = 0.5 / Double(norm)
        clipGradNorm(params, maxNorm: 0.5)
        for (p, g) in zip(params, before) {
            assertClose(p.grad!.scalars, g.map { Double($0) * clipScale * scale }, "clipped to 0.5")
        }
    }
}
