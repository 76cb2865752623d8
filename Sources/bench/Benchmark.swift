import D2L
import Foundation
import TensorKit

// The deep RNN chapter's settings (Chapters/deep-rnn.md, "Training").
let numSteps = 32, batchSize = 1024, numHiddens = 32, numLayers = 2
let learningRate: Float = 2, gradientClip: Float = 1

/// Trains one of the chapter's models, built from the D2L library exactly as the chapter
/// builds it, and prints its JSON line.
func runBenchmark(_ options: Options) throws {
    let data = try TimeMachine(batchSize: batchSize, numSteps: numSteps)
    manualSeed(options.seed)
    switch options.model {
    case "scratch":
        let rnnBlock = StackedRNNScratch(
            numInputs: data.vocab.count, numHiddens: numHiddens,
            numLayers: numLayers)
        try measure(RNNLMScratch(rnnBlock, vocabSize: data.vocab.count, lr: learningRate), data, options)
    default:
        let gru = GRU(inputSize: data.vocab.count, hiddenSize: numHiddens, numLayers: numLayers)
        try measure(RNNLM(gru, vocabSize: data.vocab.count, lr: learningRate), data, options)
    }
}

/// Trains `model` for `options.epochs` epochs with the harness's timed loop and prints the
/// JSON line.
func measure<Model: LanguageModel>(_ model: Model, _ data: TimeMachine, _ options: Options) throws {
    // PyTorch first, so both runs see the machine in the same state
    let live = try options.torchPython.map { try measureTorch(python: $0, options) }
    let trainer = MeasuredTrainer(gradientClip: gradientClip)
    let records = trainer.fit(model, data, epochs: options.epochs) { epoch, r in
        if !options.quiet && (epoch == 1 || epoch % 10 == 0 || epoch == options.epochs) {
            let line = String(
                format: "[%@] epoch %3d  train ppl %8.4f  val ppl %8.4f  %6.1f ms (train %.1f)\n",
                options.model, epoch, r.trainPPL, r.validPPL, r.epochSeconds * 1000, r.trainSeconds * 1000)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
    model.training = false
    let predicted = model.predict("it has", 20, vocab: data.vocab)

    let trainTokens = Double(data.numTrain * data.numSteps * options.epochs)
    let trainSeconds = records.reduce(0) { $0 + $1.trainSeconds }
    let last = records.suffix(5)
    var fields: [(String, String)] = [
        ("model", json(options.model)),
        ("epochs", String(options.epochs)),
        ("tokens_per_s", json(trainTokens / trainSeconds, digits: 0)),
        ("sec_per_epoch", json(median(records.map { $0.epochSeconds }), digits: 4)),
        ("train_sec_per_epoch", json(median(records.map { $0.trainSeconds }), digits: 4)),
        ("train_ppl", json(last.reduce(0) { $0 + $1.trainPPL } / Double(last.count), digits: 4)),
        ("val_ppl", json(last.reduce(0) { $0 + $1.validPPL } / Double(last.count), digits: 4)),
        ("peak_rss_mb", json(peakRSSMegabytes(), digits: 1)),
        // epochs during which other processes used more than 10% of a CPU: their times are inflated
        ("contended_epochs", String(records.filter { $0.foreignCPUSeconds > 0.1 * $0.epochSeconds }.count)),
        ("predicted", json(predicted)),
        ("threads", String(workerThreadCount)),
    ]
    if let torch = torchFigures(options.model == "scratch" ? "t2/scratch" : "t2/gru") {
        fields.append(("torch_tokens_per_s", json(torch.tokensPerSecond, digits: 0)))
        fields.append(("ratio_vs_torch", json(trainTokens / trainSeconds / torch.tokensPerSecond, digits: 3)))
        // the same comparison through median epochs, which a few slow epochs on a shared
        // machine do not move
        let ownMedian = median(records.map { $0.trainSeconds })
        fields.append(("median_epoch_ratio_vs_torch", json(torch.medianTrainEpochSeconds / ownMedian, digits: 3)))
    }
    if let live {
        fields.append(("torch_live_version", json(live.version)))
        fields.append(("torch_live_tokens_per_s", json(live.tokensPerSecond, digits: 0)))
        fields.append(("ratio_vs_torch_live", json(trainTokens / trainSeconds / live.tokensPerSecond, digits: 3)))
        let ownMedian = median(records.map { $0.trainSeconds })
        fields.append(("median_epoch_ratio_vs_torch_live", json(live.medianTrainEpochSeconds / ownMedian, digits: 3)))
    }
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

/// What PyTorch's reference script (../shared/bench/torch_deep_rnn.py) measures now for this
/// model, epochs and seed, with two threads like the recorded figures.
func measureTorch(python: String, _ options: Options) throws
    -> (version: String, tokensPerSecond: Double, medianTrainEpochSeconds: Double)
{
    guard
        let script = ["../shared/bench/torch_deep_rnn.py", "shared/bench/torch_deep_rnn.py"]
            .first(where: { FileManager.default.fileExists(atPath: $0) })
    else {
        throw BenchError("--torch: PyTorch's script is not at ../shared/bench/torch_deep_rnn.py")
    }
    let args = [
        script, "--model", options.model, "--epochs", String(options.epochs), "--threads", "2",
        "--seed", String(options.seed),
    ]
    let object = try runPythonJSON(python, args, options)
    // the script's result: {"torch": version, "results": [{...}], ...}
    guard let result = (object["results"] as? [[String: Any]])?.first,
        let tokens = result["tokens_per_s"] as? NSNumber,
        let epoch = result["median_train_epoch_s"] as? NSNumber
    else {
        throw BenchError(
            "--torch: `\(python) \(args.joined(separator: " "))` printed no tokens_per_s and "
                + "median_train_epoch_s; run it by hand to see why")
    }
    return (object["torch"] as? String ?? "?", tokens.doubleValue, epoch.doubleValue)
}

/// Runs `python args` (a PyTorch script) and returns the JSON object of its last line.
func runPythonJSON(_ python: String, _ args: [String], _ options: Options) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python] + args
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    if !options.quiet {
        FileHandle.standardError.write(Data("[torch] \(python) \(args.joined(separator: " "))\n".utf8))
    }
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0,
        let line = text.split(separator: "\n").last,
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else {
        throw BenchError(
            "--torch: `\(python) \(args.joined(separator: " "))` exited with status "
                + "\(process.terminationStatus) without its JSON line; run it by hand to see why")
    }
    return object
}

/// Re-runs this executable with `args`, passing its output through.
func runChild(_ args: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = args
    try process.run()
    process.waitUntilExit()
    if process.terminationStatus != 0 { throw BenchError("child \(args) exited with \(process.terminationStatus)") }
}

/// PyTorch's training tokens/s and median training epoch for `key` from
/// ../shared/bench/torch_baseline.json's summary.
func torchFigures(_ key: String) -> (tokensPerSecond: Double, medianTrainEpochSeconds: Double)? {
    for path in ["../shared/bench/torch_baseline.json", "shared/bench/torch_baseline.json"] {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let summary = object["summary"] as? [String: Any],
            let entry = summary[key] as? [String: Any],
            let value = entry["tokens_per_s"] as? NSNumber,
            let epoch = entry["median_train_epoch_s"] as? NSNumber
        else { continue }
        return (value.doubleValue, epoch.doubleValue)
    }
    return nil
}

/// VmHWM from /proc/self/status, in MB (MiB, as the PyTorch script reports).
func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
        return kb / 1024
    }
    return .nan
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    if s.isEmpty { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A JSON string literal (Foundation escapes what JSON needs: quotes, backslashes, controls).
func json(_ s: String) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed]) else { return "null" }
    return String(decoding: data, as: UTF8.self)
}

func json(_ x: Double, digits: Int) -> String {
    x.isFinite ? String(format: "%.\(digits)f", x) : "null"
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
