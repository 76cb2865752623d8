import XCTest

@testable import TensorKit

/// Every layer through the shared finite-difference checker (inputs, initial states, weights).
final class LayerGradientTests: XCTestCase {
    func testLinear() {
        manualSeed(1)
        let linear = Linear(4, 3)
        let x = sample([2, 5, 4], 2)
        checkGradients([x] + linear.parameters) { linear(x) }
        let noBias = Linear(4, 3, bias: false)
        XCTAssertEqual(noBias.parameters.count, 1)
        checkGradients([x, noBias.weight]) { noBias(x) }
        XCTAssertEqual(linear.numParameters, 15)
    }

    func testRNN() {
        manualSeed(2)
        for nonlinearity in [RNN.Nonlinearity.tanh, .relu] {
            let rnn = RNN(inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: nonlinearity)
            let x = sample([5, 2, 3], 3), h0 = sample([2, 2, 4], 4)
            // relu has a kink at 0: smaller steps keep the differences on one side of it
            checkGradients(
                [x, h0] + rnn.parameters, eps: nonlinearity == .relu ? 1e-4 : 1e-3,
                atol: nonlinearity == .relu ? 1e-2 : 2e-3
            ) {
                let (o, h) = rnn(x, h0)
                return Tensor.concat([o, h])
            }
        }
    }

    func testGRU() {
        manualSeed(3)
        let gru = GRU(inputSize: 3, hiddenSize: 5, numLayers: 2)
        let x = sample([4, 2, 3], 5), h0 = sample([2, 2, 5], 6)
        checkGradients([x, h0] + gru.parameters) {
            let (o, h) = gru(x, h0)
            return Tensor.concat([o, h])
        }
        checkGradients([x] + gru.parameters) { gru(x).output }
    }

    func testLSTM() {
        manualSeed(4)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2)
        let x = sample([4, 2, 3], 7), h0 = sample([2, 2, 4], 8), c0 = sample([2, 2, 4], 9)
        checkGradients([x, h0, c0] + lstm.parameters) {
            let (o, (h, c)) = lstm(x, (h0, c0))
            return Tensor.concat([o, h, c])
        }
    }

    func testLayersWithPortableKernels() {
        withPortableKernels {
            testRNN()
            testGRU()
            testLSTM()
            testGRUWithOneHotInputs()
        }
    }

    func testLayersWithAVX2Kernels() throws {
        try XCTSkipUnless(BLAS.supportedKernels.contains(.avx2), "no AVX2 on this CPU")
        withKernels(.avx2) {
            testRNN()
            testGRU()
            testLSTM()
            testGRUWithOneHotInputs()
        }
    }

    /// One-hot inputs take the gather path in the input projection; gradients still check out.
    func testGRUWithOneHotInputs() {
        manualSeed(5)
        let gru = GRU(inputSize: 6, hiddenSize: 4, numLayers: 2)
        let ids = IntTensor([0, 5, 3, 3, 1, 2], shape: [3, 2])
        checkGradients(gru.parameters) { gru(oneHot(ids, 6)).output }
        let dense = Tensor(oneHot(ids, 6).scalars, shape: [3, 2, 6])
        assertClose(gru(oneHot(ids, 6)).output, gru(dense).output.scalars)
    }

    func testParametersAndShapes() {
        let gru = GRU(inputSize: 28, hiddenSize: 32, numLayers: 2)
        XCTAssertEqual(gru.weightIH.map(\.shape), [[96, 28], [96, 32]])
        XCTAssertEqual(gru.weightHH.map(\.shape), [[96, 32], [96, 32]])
        XCTAssertEqual(gru.parameters.count, 8)
        let bound = 1 / Float(32).squareRoot()
        XCTAssertTrue(gru.parameters.allSatisfy { $0.scalars.allSatisfy { abs($0) <= bound } })
        let lstm = LSTM(inputSize: 5, hiddenSize: 4)
        XCTAssertEqual(lstm.biasIH.map(\.shape), [[16]])
        let (out, state) = RNN(inputSize: 5, hiddenSize: 4, numLayers: 3)(Tensor.zeros([7, 2, 5]))
        XCTAssertEqual(out.shape, [7, 2, 4])
        XCTAssertEqual(state.shape, [3, 2, 4])
    }

    func testDropoutBetweenLayersOnlyInTraining() {
        manualSeed(6)
        let gru = GRU(inputSize: 3, hiddenSize: 8, numLayers: 2, dropout: 0.5)
        let x = sample([4, 2, 3], 10)
        gru.eval()
        let a = gru(x).output.scalars, b = gru(x).output.scalars
        XCTAssertEqual(a, b)
        gru.train()
        XCTAssertNotEqual(gru(x).output.scalars, a)
    }
}
