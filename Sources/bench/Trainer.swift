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

/// d2l's Trainer with gradient clipping: per batch loss, zero grads, backward, clip, SGD step;
/// then the validation batches without gradients.
struct Trainer {
    let batchSize: Int
    let learningRate: Float
    let gradientClip: Float

    func fit(_ model: LanguageModel, _ data: TimeMachine, epochs: Int,
             log: (Int, EpochRecord) -> Void) -> [EpochRecord] {
        let params = model.parameters
        let optimizer = SGD(params, lr: learningRate)
        var records: [EpochRecord] = []
        for epoch in 0..<epochs {
            let start = now()
            let machineBefore = machineBusySeconds(), ownBefore = processCPUSeconds()
            model.training = true
            var lossSum = 0.0, tokens = 0
            let order = randomPermutation(data.trainX.shape[0])
            for s in stride(from: 0, to: order.count, by: batchSize) {
                let idx = Array(order[s..<min(s + batchSize, order.count)])
                let X = data.trainX.rows(idx), Y = data.trainY.rows(idx)
                let loss = model.loss(model(X), Y)
                optimizer.zeroGrad()
                loss.backward()
                clipGradNorm(params, maxNorm: gradientClip)
                optimizer.step()
                lossSum += Double(loss.item) * Double(Y.count)
                tokens += Y.count
            }
            let trainEnd = now()
            model.training = false
            var validSum = 0.0, validTokens = 0
            withNoGrad {
                let n = data.validX.shape[0]
                for s in stride(from: 0, to: n, by: batchSize) {
                    let r = s..<min(s + batchSize, n)
                    let Y = data.validY[rows: r]
                    let loss = model.loss(model(data.validX[rows: r]), Y)
                    validSum += Double(loss.item) * Double(Y.count)
                    validTokens += Y.count
                }
            }
            let record = EpochRecord(trainPPL: Foundation.exp(lossSum / Double(tokens)),
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
          let line = stat.split(separator: "\n").first else { return .nan }
    let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard v.count >= 8 else { return .nan }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / ticks
}
