import D2L
import Foundation
import TensorKit

/// One epoch's numbers.
struct EpochRecord {
    var trainPPL: Double
    var validPPL: Double
    var trainSeconds: Double
    var epochSeconds: Double
    /// CPU seconds other processes used during the epoch (the machine's two vCPUs share one
    /// core's FP units, so anything else running slows the epoch down).
    var foreignCPUSeconds: Double
}

/// What D2L's `Trainer` does per epoch, timed: per batch of `trainDataloader()` the loss,
/// zero grads, backward, global gradient clipping, and an SGD step with the optimizer from
/// the model's `configureOptimizers()`; then the `valDataloader()` batches without gradients.
/// Training and validation are timed separately, and the CPU time other processes used
/// during each epoch is recorded.
struct MeasuredTrainer {
    let gradientClip: Float

    func fit<Model: LanguageModel>(
        _ model: Model, _ data: TimeMachine, epochs: Int,
        log: (Int, EpochRecord) -> Void
    ) -> [EpochRecord] {
        let optimizer = model.configureOptimizers()
        var records: [EpochRecord] = []
        for epoch in 0..<epochs {
            let start = now()
            let machineBefore = machineBusySeconds(), ownBefore = processCPUSeconds()
            model.training = true
            var lossSum = 0.0, tokens = 0
            for batch in data.trainDataloader() {
                let loss = model.loss(model(batch.X), batch.Y)
                optimizer.zeroGrad()
                loss.backward()
                if gradientClip > 0 {
                    _ = clipGradNorm(model.parameters, maxNorm: gradientClip)
                }
                optimizer.step()
                lossSum += Double(loss.item) * Double(batch.Y.count)
                tokens += batch.Y.count
            }
            let trainEnd = now()
            model.training = false
            var validSum = 0.0, validTokens = 0
            withNoGrad {
                for batch in data.valDataloader() {
                    let loss = model.loss(model(batch.X), batch.Y)
                    validSum += Double(loss.item) * Double(batch.Y.count)
                    validTokens += batch.Y.count
                }
            }
            let record = EpochRecord(
                trainPPL: Foundation.exp(lossSum / Double(tokens)),
                validPPL: Foundation.exp(validSum / Double(validTokens)),
                trainSeconds: trainEnd - start, epochSeconds: now() - start,
                foreignCPUSeconds: (machineBusySeconds() - machineBefore)
                    - (processCPUSeconds() - ownBefore))
            records.append(record)
            log(epoch + 1, record)
        }
        return records
    }
}

/// Monotonic seconds.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU seconds this process has used.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Busy CPU seconds of the whole machine, from /proc/stat (user + nice + system + irq + softirq).
func machineBusySeconds() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
        let line = stat.split(separator: "\n").first
    else { return .nan }
    let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard v.count >= 8 else { return .nan }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / ticks
}
