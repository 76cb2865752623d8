import CBLAS
import D2L
import Foundation
import TensorKit

// `bench --sweep`: one training step like the chapter's (one-hot input, the recurrent layers,
// a Linear output, cross-entropy, zero grads, backward, global clipping, SGD) at sizes from the
// chapter's up to the exercises' and the older edition's, timed against PyTorch's same step
// (Sources/bench/torch_sweep.py) in the same minutes.

/// One configuration of the sweep; torch_sweep.py knows the same names.
struct SweepConfig {
    var name: String
    /// "rnn" (tanh), "gru", "lstm", or "scratch" (the chapter's StackedRNNScratch + RNNLMScratch)
    var cell: String
    var hidden: Int, layers: Int, batch: Int, steps: Int

    /// Gates per hidden unit: the width of each layer's products is gates * hidden.
    var gates: Int { cell == "gru" ? 3 : cell == "lstm" ? 4 : 1 }

    /// Nominal floating-point operations of one training step: the matrix products only, each
    /// counted as a dense product (2 m n k, the one-hot input included) and three times over
    /// (forward, gradient of the inputs, gradient of the weights). Element-wise work, the loss
    /// and SGD are not counted; PyTorch's figure is counted the same way.
    func flopsPerStep(vocab: Int) -> Double {
        var perToken = 0.0
        for l in 0..<layers {
            let input = l == 0 ? vocab : hidden
            perToken += 2 * Double(gates * hidden) * Double(input + hidden)
        }
        perToken += 2 * Double(hidden) * Double(vocab)
        return 3 * perToken * Double(batch * steps)
    }
}

let sweepVocab = 28
let sweepConfigs: [SweepConfig] = [
    SweepConfig(name: "chapter-scratch", cell: "scratch", hidden: 32, layers: 2, batch: 1024, steps: 32),
    SweepConfig(name: "chapter-gru", cell: "gru", hidden: 32, layers: 2, batch: 1024, steps: 32),
    SweepConfig(name: "rnn-128x3-b512", cell: "rnn", hidden: 128, layers: 3, batch: 512, steps: 32),
    SweepConfig(name: "lstm-256x2-b32", cell: "lstm", hidden: 256, layers: 2, batch: 32, steps: 35),
    SweepConfig(name: "gru-256x2-b256", cell: "gru", hidden: 256, layers: 2, batch: 256, steps: 32),
    SweepConfig(name: "gru-1024x2-b64", cell: "gru", hidden: 1024, layers: 2, batch: 64, steps: 32),
    SweepConfig(name: "lstm-512x4-b128", cell: "lstm", hidden: 512, layers: 4, batch: 128, steps: 32),
]

extension TensorKit.RNN: RecurrentNetwork {
    public var numHiddens: Int { hiddenSize }
    public func callAsFunction(_ inputs: Tensor, state: Tensor?) -> (outputs: Tensor, state: Tensor) {
        let (output, newState) = self(inputs, state)
        return (output, newState)
    }
}

/// The sweep's parent: measures the sgemm peak, then runs each configuration in its own
/// process (so each peak memory is that configuration's alone), which measures the peak again
/// after its own steps; a line's fraction is of the higher of the two.
func runSweep(_ options: Options) throws {
    let chosen = options.config.map { name in sweepConfigs.filter { $0.name == name } } ?? sweepConfigs
    if chosen.isEmpty {
        throw BenchError("--config: one of \(sweepConfigs.map(\.name).joined(separator: ", "))")
    }
    let peak = measureSgemmPeak()
    print(
        "{"
            + [
                ("sgemm_peak_gflops", json(peak.best, digits: 1)),
                ("sgemm_openblas_gflops", json(peak.openBLAS, digits: 1)),
                ("sgemm_tensorkit_gflops", json(peak.tensorKit, digits: 1)),
                ("sgemm_size", String(peak.size)),
                ("matrix_kernel", json(matrixKernel)),
                ("threads", String(workerThreadCount)),
                (
                    "flops",
                    json("matrix products only, dense (one-hot input included), x3 for forward and both gradients")
                ),
            ].map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    fflush(nil)  // every stream: `stdout` is a C global Swift 6 will not touch
    for config in chosen {
        var args = [
            "--sweep-child", config.name, "--peak", String(peak.best), "--seconds", String(options.seconds),
            "--seed", String(options.seed),
        ]
        if options.quiet { args.append("--quiet") }
        if let python = options.torchPython { args += ["--torch", python] }
        try runChild(args)
    }
}

/// One configuration: PyTorch's step (when asked), TensorKit's, the sgemm peak, PyTorch's again,
/// then the JSON line.
func runSweepChild(_ name: String, peak: Double, _ options: Options) throws {
    guard let config = sweepConfigs.first(where: { $0.name == name }) else {
        throw BenchError("--sweep-child: unknown configuration \(name)")
    }
    // PyTorch before and after TensorKit, so the two see the machine in the same minutes
    var torchRuns: [TorchSweepFigures] = []
    if let python = options.torchPython { torchRuns.append(try measureTorchSweep(python: python, config, options)) }
    let own = measureSweepStep(config, options)
    let peakRSS = peakRSSMegabytes()  // before the sgemm's matrices
    // the peak again, in these minutes: on a shared machine it drifts as much as the step
    let peakNow = measureSgemmPeak().best
    let peak = max(peak.isFinite ? peak : 0, peakNow)
    if let python = options.torchPython { torchRuns.append(try measureTorchSweep(python: python, config, options)) }

    let tokens = Double(config.batch * config.steps)
    let flops = config.flopsPerStep(vocab: sweepVocab)
    var fields: [(String, String)] = [
        ("config", json(config.name)),
        ("cell", json(config.cell)), ("hidden", String(config.hidden)), ("layers", String(config.layers)),
        ("batch", String(config.batch)), ("steps", String(config.steps)),
        ("measured_steps", String(own.stepSeconds.count)),
        ("tokens_per_s", json(tokens / median(own.stepSeconds), digits: 0)),
        ("gflops_per_s", json(flops / median(own.stepSeconds) / 1e9, digits: 2)),
        ("fraction_of_peak", json(flops / median(own.stepSeconds) / 1e9 / peak, digits: 3)),
        ("sgemm_peak_gflops", json(peak, digits: 1)),
        ("peak_rss_mb", json(peakRSS, digits: 1)),
        ("loss", json(own.loss, digits: 4)),
        ("matrix_kernel", json(matrixKernel)),
        ("threads", String(workerThreadCount)),
    ]
    if !torchRuns.isEmpty {
        let torchTokens = median(torchRuns.map { $0.tokensPerSecond })
        fields.append(("torch_version", json(torchRuns[0].version)))
        fields.append(("torch_tokens_per_s", json(torchTokens, digits: 0)))
        fields.append(
            (
                "torch_tokens_per_s_runs",
                "["
                    + torchRuns.map { json($0.tokensPerSecond, digits: 0) }
                    .joined(separator: ", ") + "]"
            ))
        fields.append(("torch_threads_runs", "[" + torchRuns.map { String($0.threads) }.joined(separator: ", ") + "]"))
        fields.append(("torch_gflops_per_s", json(torchTokens / tokens * flops / 1e9, digits: 2)))
        fields.append(("torch_peak_rss_mb", json(torchRuns.map(\.peakRSSMegabytes).max() ?? .nan, digits: 1)))
        fields.append(("ratio_vs_torch", json(tokens / median(own.stepSeconds) / torchTokens, digits: 3)))
    }
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

/// Random token batches (one-hot inputs, next-token targets), seeded.
struct SweepData {
    let X: IntTensor, Y: IntTensor
    init(_ config: SweepConfig, seed: UInt64) {
        var rng = seed &+ 0x9E3779B97F4A7C15
        func next() -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Int((rng >> 33) % UInt64(sweepVocab))
        }
        let n = config.batch * (config.steps + 1)
        let tokens = (0..<n).map { _ in next() }
        var x: [Int] = [], y: [Int] = []
        for b in 0..<config.batch {
            let row = tokens[b * (config.steps + 1)..<(b + 1) * (config.steps + 1)]
            x += row.dropLast()
            y += row.dropFirst()
        }
        X = IntTensor(x, shape: [config.batch, config.steps])
        Y = IntTensor(y, shape: [config.batch, config.steps])
    }
}

/// Seconds of each timed step (after warm-up steps) and the last loss.
func measureSweepStep(_ config: SweepConfig, _ options: Options) -> (stepSeconds: [Double], loss: Double) {
    manualSeed(options.seed)
    let data = SweepData(config, seed: options.seed)
    func run<Model: LanguageModel>(_ model: Model) -> (stepSeconds: [Double], loss: Double) {
        let optimizer = model.configureOptimizers()
        var times: [Double] = [], loss = 0.0
        let warmUp = 2, start = now()
        // at least 3 timed steps, and about `options.seconds` of them
        var step = 0
        while step < warmUp + 3 || now() - start < options.seconds + (times.first ?? 0) * Double(warmUp) {
            let t0 = now()
            let l = model.loss(model(data.X), data.Y)
            optimizer.zeroGrad()
            l.backward()
            _ = clipGradNorm(model.parameters, maxNorm: gradientClip)
            optimizer.step()
            loss = Double(l.item)
            if step >= warmUp { times.append(now() - t0) }
            step += 1
            if step > 10_000 { break }
        }
        return (times, loss)
    }
    let lr: Float = 1
    switch config.cell {
    case "scratch":
        return run(
            RNNLMScratch(
                StackedRNNScratch(
                    numInputs: sweepVocab, numHiddens: config.hidden,
                    numLayers: config.layers), vocabSize: sweepVocab, lr: lr))
    case "gru":
        return run(
            RNNLM(
                GRU(inputSize: sweepVocab, hiddenSize: config.hidden, numLayers: config.layers),
                vocabSize: sweepVocab, lr: lr))
    case "lstm":
        return run(
            RNNLM(
                LSTM(inputSize: sweepVocab, hiddenSize: config.hidden, numLayers: config.layers),
                vocabSize: sweepVocab, lr: lr))
    default:
        return run(
            RNNLM(
                TensorKit.RNN(inputSize: sweepVocab, hiddenSize: config.hidden, numLayers: config.layers),
                vocabSize: sweepVocab, lr: lr))
    }
}

struct TorchSweepFigures {
    var version: String
    /// The better of PyTorch's figures with TensorKit's thread count and with one thread.
    var tokensPerSecond: Double
    var threads: Int
    var peakRSSMegabytes: Double
}

/// PyTorch's figures for the same step, from Sources/bench/torch_sweep.py: the better of as many
/// threads as TensorKit uses and one thread.
func measureTorchSweep(python: String, _ config: SweepConfig, _ options: Options) throws -> TorchSweepFigures {
    guard
        let script = ["Sources/bench/torch_sweep.py", "../Sources/bench/torch_sweep.py"]
            .first(where: { FileManager.default.fileExists(atPath: $0) })
    else {
        throw BenchError(
            "--torch: PyTorch's side of the sweep is not at Sources/bench/torch_sweep.py "
                + "(run the bench from the repository's root)")
    }
    let args = [
        script, "--config", config.name, "--threads", String(workerThreadCount),
        "--seconds", String(options.seconds), "--seed", String(options.seed),
    ]
    let object = try runPythonJSON(python, args, options)
    guard let tokens = object["tokens_per_s"] as? NSNumber else {
        throw BenchError(
            "--torch: `\(python) \(args.joined(separator: " "))` printed no tokens_per_s; "
                + "run it by hand to see why")
    }
    return TorchSweepFigures(
        version: object["torch"] as? String ?? "?", tokensPerSecond: tokens.doubleValue,
        threads: (object["threads"] as? NSNumber)?.intValue ?? 0,
        peakRSSMegabytes: (object["peak_rss_mb"] as? NSNumber)?.doubleValue ?? .nan)
}

/// The machine's sgemm peak as measured here: square products of `size`, through TensorKit's
/// `matmul` (its own kernel choice, all its threads) and through OpenBLAS's `cblas_sgemm`
/// directly, one thread per worker on its own rows; the best median of the two.
func measureSgemmPeak(size: Int = 1536) -> (best: Double, openBLAS: Double, tensorKit: Double, size: Int) {
    let flops = 2 * Double(size) * Double(size) * Double(size)
    let a = Tensor.randn([size, size]), b = Tensor.randn([size, size])
    func best(_ body: () -> Void) -> Double {
        body()  // warm-up
        var times: [Double] = []
        for _ in 0..<5 {
            let t0 = now()
            body()
            times.append(now() - t0)
        }
        return flops / median(times) / 1e9
    }
    let tensorKit = best { withNoGrad { _ = matmul(a, b).scalars.count } }
    let aValues = a.scalars, bValues = b.scalars
    var c = [Float](repeating: 0, count: size * size)
    let threads = workerThreadCount
    let openBLAS = aValues.withUnsafeBufferPointer { ap in
        bValues.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                // Addresses as integers: each thread writes its own rows of C.
                let (a, b, c) = (
                    UInt(bitPattern: ap.baseAddress!), UInt(bitPattern: bp.baseAddress!),
                    UInt(bitPattern: cp.baseAddress!)
                )
                return best {
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let r0 = size * t / threads, r1 = size * (t + 1) / threads
                        let ap = UnsafePointer<Float>(bitPattern: a)!, bp = UnsafePointer<Float>(bitPattern: b)!
                        let cp = UnsafeMutablePointer<Float>(bitPattern: c)!
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(r1 - r0), Int32(size),
                            Int32(size), 1, ap + r0 * size, Int32(size), bp, Int32(size), 0,
                            cp + r0 * size, Int32(size))
                    }
                }
            }
        }
    }
    return (max(openBLAS, tensorKit), openBLAS, tensorKit, size)
}
