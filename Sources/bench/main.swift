// Benchmarks the deep RNN chapter's two models (scratch stacked RNN and concise GRU), taken
// from the D2L library the chapters' `save` cells generate, on The Time Machine with the
// chapter's settings, printing one JSON line per model.
// Usage: bench [--model scratch|gru|both] [--epochs N] [--seed S] [--quiet] [--torch PYTHON]
//        bench --sweep [--config NAME] [--seconds S] [--seed S] [--quiet] [--torch PYTHON]
import Foundation
import TensorKit

struct Options {
    var model = "both"
    var epochs = 100
    var seed: UInt64 = 0
    var quiet = false
    /// A Python with torch: run PyTorch's reference script just before each model, and compare
    /// with that run too (the same minutes on the same machine) besides the recorded figures.
    var torchPython: String?
    /// The size sweep (Sweep.swift) instead of the chapter's training runs.
    var sweep = false
    /// One configuration of the sweep only.
    var config: String?
    /// Seconds of timed steps per configuration and library.
    var seconds = 4.0
    /// Internal: the sweep's child process for one configuration, and the peak it measured.
    var sweepChild: String?
    var peak = Double.nan

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--model":
                o.model = try value()
                guard ["scratch", "gru", "both"].contains(o.model) else {
                    throw BenchError("--model: scratch, gru or both")
                }
            case "--epochs":
                guard let n = Int(try value()), n > 0 else { throw BenchError("--epochs: a positive integer") }
                o.epochs = n
            case "--seed":
                guard let s = UInt64(try value()) else { throw BenchError("--seed: a non-negative integer") }
                o.seed = s
            case "--quiet": o.quiet = true
            case "--torch": o.torchPython = try value()
            case "--sweep": o.sweep = true
            case "--config": o.config = try value()
            case "--seconds":
                guard let s = Double(try value()), s > 0, s.isFinite else {
                    throw BenchError("--seconds: a positive number")
                }
                o.seconds = s
            case "--sweep-child": o.sweepChild = try value()
            case "--peak":
                guard let p = Double(try value()) else { throw BenchError("--peak: a number") }
                o.peak = p
            case "-h", "--help":
                print(
                    """
                    usage: bench [--model scratch|gru|both] [--epochs N] [--seed S] [--quiet] [--torch PYTHON]
                           bench --sweep [--config NAME] [--seconds S] [--seed S] [--quiet] [--torch PYTHON]
                    """)
                exit(0)
            default: throw BenchError("unknown argument \(args[i])")
            }
            i += 1
        }
        return o
    }
}

// OpenBLAS starts its worker threads when it is loaded, and they spin for a while even after
// TensorKit asks for one thread; with two vCPUs that steals time from the main thread. So the
// benchmark runs itself again with OPENBLAS_NUM_THREADS=1 set before the library loads.
if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
    setenv("OPENBLAS_NUM_THREADS", "1", 1)
    let argv = CommandLine.arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", argv)
    // execv only returns on failure: carry on in this process
}

do {
    let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    if let child = options.sweepChild {
        try runSweepChild(child, peak: options.peak, options)
    } else if options.sweep {
        try runSweep(options)
    } else if options.model == "both" {
        // Each model in its own process, so each peak RSS is that model's alone.
        for model in ["scratch", "gru"] {
            var args = ["--model", model, "--epochs", String(options.epochs), "--seed", String(options.seed)]
            if options.quiet { args.append("--quiet") }
            if let python = options.torchPython { args += ["--torch", python] }
            try runChild(args)
        }
    } else {
        try runBenchmark(options)
    }
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
