import XCTest

@testable import TensorKit

/// Parity with PyTorch's nn.RNN / nn.GRU / nn.LSTM: outputs, final states, loss, every gradient.
final class RecurrentFixtureTests: XCTestCase {
    /// Loads a recurrent layer's PyTorch-named parameters, in the order weight_ih, weight_hh, bias_ih, bias_hh.
    private func loadLayers(_ f: Fixture, _ ih: [Tensor], _ hh: [Tensor], _ bih: [Tensor], _ bhh: [Tensor]) {
        for l in ih.indices {
            f.load(ih[l], "weight_ih_l\(l)")
            f.load(hh[l], "weight_hh_l\(l)")
            f.load(bih[l], "bias_ih_l\(l)")
            f.load(bhh[l], "bias_hh_l\(l)")
        }
    }

    private func checkLayerGrads(_ f: Fixture, _ ih: [Tensor], _ hh: [Tensor], _ bih: [Tensor], _ bhh: [Tensor]) {
        for l in ih.indices {
            f.check(ih[l].grad, "grads", "weight_ih_l\(l)")
            f.check(hh[l].grad, "grads", "weight_hh_l\(l)")
            f.check(bih[l].grad, "grads", "bias_ih_l\(l)")
            f.check(bhh[l].grad, "grads", "bias_hh_l\(l)")
        }
    }

    func testRNNTanhTwoLayers() throws {
        let f = try Fixture("rnn_tanh_2layer")
        let rnn = RNN(
            inputSize: f.config("input_size"), hiddenSize: f.config("hidden_size"), numLayers: f.config("num_layers"))
        loadLayers(f, rnn.weightIH, rnn.weightHH, rnn.biasIH, rnn.biasHH)
        let x = f.tensor("inputs", "x", requiresGrad: true), h0 = f.tensor("inputs", "h0", requiresGrad: true)
        let (output, hn) = rnn(x, h0)
        let loss = (output * f.tensor("inputs", "grad_output")).sum() + (hn * f.tensor("inputs", "grad_h_n")).sum()
        loss.backward()
        f.check(output, "outputs", "output")
        f.check(hn, "outputs", "h_n")
        f.check(loss.item, "outputs", "loss")
        f.check(x.grad, "grads", "x")
        f.check(h0.grad, "grads", "h0")
        checkLayerGrads(f, rnn.weightIH, rnn.weightHH, rnn.biasIH, rnn.biasHH)
    }

    private func checkGRU(_ name: String) throws {
        let f = try Fixture(name)
        let gru = GRU(
            inputSize: f.config("input_size"), hiddenSize: f.config("hidden_size"), numLayers: f.config("num_layers"))
        loadLayers(f, gru.weightIH, gru.weightHH, gru.biasIH, gru.biasHH)
        let x = f.tensor("inputs", "x", requiresGrad: true), h0 = f.tensor("inputs", "h0", requiresGrad: true)
        let (output, hn) = gru(x, h0)
        let loss = (output * f.tensor("inputs", "grad_output")).sum() + (hn * f.tensor("inputs", "grad_h_n")).sum()
        loss.backward()
        f.check(output, "outputs", "output")
        f.check(hn, "outputs", "h_n")
        f.check(loss.item, "outputs", "loss")
        f.check(x.grad, "grads", "x")
        f.check(h0.grad, "grads", "h0")
        checkLayerGrads(f, gru.weightIH, gru.weightHH, gru.biasIH, gru.biasHH)
    }

    func testGRUTwoLayers() throws { try checkGRU("gru_2layer") }

    /// The same parity through the portable kernels (what macOS/arm64 runs).
    func testPortableKernels() throws {
        try withPortableKernels { try checkAll() }
    }

    /// The same parity through the AVX2 kernels (what x86-64 CPUs without AVX-512 run).
    func testAVX2Kernels() throws {
        try XCTSkipUnless(BLAS.supportedKernels.contains(.avx2), "no AVX2 on this CPU")
        try withKernels(.avx2) { try checkAll() }
    }

    /// The same parity with each step's recurrent product run for the whole batch (what layers
    /// with large weights do), with every kernel set.
    func testRecurrentProductPerStep() throws {
        let saved = perStepProductMinWeights
        perStepProductMinWeights = 0
        defer { perStepProductMinWeights = saved }
        for set in BLAS.supportedKernels { try withKernels(set) { try checkAll() } }
    }

    /// The same parity with the input projection and the weight gradients run step by step
    /// (what layers with large batches do; the fixtures' small batches take the whole-sequence
    /// products by default), with every kernel set.
    func testStepByStepProducts() throws {
        let saved = wholeSequenceMaxBatch
        wholeSequenceMaxBatch = 0
        defer { wholeSequenceMaxBatch = saved }
        for set in BLAS.supportedKernels { try withKernels(set) { try checkAll() } }
    }

    private func checkAll() throws {
        try testRNNTanhTwoLayers()
        try checkGRU("gru_2layer")
        try checkGRU("gru_3layer_wide")
        try testLSTMTwoLayers()
    }

    func testGRUThreeLayersWide() throws { try checkGRU("gru_3layer_wide") }

    func testLSTMTwoLayers() throws {
        let f = try Fixture("lstm_2layer")
        let lstm = LSTM(
            inputSize: f.config("input_size"), hiddenSize: f.config("hidden_size"), numLayers: f.config("num_layers"))
        loadLayers(f, lstm.weightIH, lstm.weightHH, lstm.biasIH, lstm.biasHH)
        let x = f.tensor("inputs", "x", requiresGrad: true)
        let h0 = f.tensor("inputs", "h0", requiresGrad: true), c0 = f.tensor("inputs", "c0", requiresGrad: true)
        let (output, (hn, cn)) = lstm(x, (h0, c0))
        let loss =
            (output * f.tensor("inputs", "grad_output")).sum() + (hn * f.tensor("inputs", "grad_h_n")).sum()
            + (cn * f.tensor("inputs", "grad_c_n")).sum()
        loss.backward()
        f.check(output, "outputs", "output")
        f.check(hn, "outputs", "h_n")
        f.check(cn, "outputs", "c_n")
        f.check(loss.item, "outputs", "loss")
        f.check(x.grad, "grads", "x")
        f.check(h0.grad, "grads", "h0")
        f.check(c0.grad, "grads", "c0")
        checkLayerGrads(f, lstm.weightIH, lstm.weightHH, lstm.biasIH, lstm.biasHH)
    }
}
