import Foundation
import MACE
import MDIO
import MDCore
import MDNeighbors
import MDPotentials

/// Energy + forces time and peak memory of one ``MACEPotential`` on one structure.
///
/// Usage:
///
///     macemd-bench mace --model FILE.safetensors --structure FILE.xyz
///                       [--precision float32|float64] [--radial exact|spline] [--repeats N] [--warmup N]
///                       [--threads N] [--head NAME] [--output FILE.json] [--stages]
///
/// Steps: load the model (timed), read the extended-XYZ structure, build the neighbour list
/// once at the model's r_max (timed separately, not part of the evaluation time), run
/// `--warmup` untimed evaluations, then time `--repeats` calls of
/// `evaluate(system, neighbors:, request: .energyAndForces)`.
///
/// Prints one JSON line on stdout with: atoms, edges (directed pairs within r_max), precision,
/// threads, load_ms, neighbors_ms, best_ms / median_ms / mean_ms per evaluation,
/// best_ms_per_atom / median_ms_per_atom, energy (eV), max_force (largest |F_i|, eV/Å), rss_after_load_mb
/// (VmRSS once the model and structure are in memory), peak_rss_mb (VmHWM at the end, MiB),
/// peak_rss_kb_per_atom, blas_core (the OpenBLAS kernels that ran, e.g. "Cooperlake") and
/// blas (how they were chosen, see ``OpenBLASLibrary``). `--output` also writes energy (eV) and forces (eV/Å, one row per
/// atom) of the last evaluation as JSON, for parity checks against mace-torch.
///
/// `--stages` then runs `--repeats` more evaluations with a ``StageProfile`` and adds, per
/// stage, its core-milliseconds per evaluation, share of the evaluation, GFLOP per evaluation
/// and GFLOP/s (FLOPs over the stage's wall time, all cores) and that as a fraction of the
/// measured GEMM peak (`share_of_gemm_peak`) and of the measured SIMD peak
/// (`share_of_simd_peak`), plus three ceilings: the speed of MaceMD's own vector loops on cached
/// data (`simd_peak_gflops`, ``SIMDPeak``: the ceiling of the stages that do not call BLAS), the measured
/// speed of large matrix products on all cores with the OpenBLAS kernels MACE's own products
/// use (`gemm_peak_gflops`, measured right after the profiled runs) and the nominal peak
/// (`nominal_peak_gflops` = cores × clock from /proc/cpuinfo × FLOP per cycle of two FMA units
/// of the widest vectors the CPU has).
///
/// `--threads N` restricts the process to N of the CPUs it may run on (`sched_setaffinity`,
/// which bounds the worker threads of `DispatchQueue.concurrentPerform`; MACE runs every OpenBLAS
/// call on the calling worker thread).
func maceBenchmark(_ arguments: [String]) throws {
    let options = try MACEBenchmarkOptions(arguments)
    var threads = ProcessInfo.processInfo.activeProcessorCount
    if let n = options.threads { threads = try restrictThreads(to: n) }

    let loadStart = DispatchTime.now().uptimeNanoseconds
    let potential = try MACEPotential(contentsOf: URL(fileURLWithPath: options.model),
                                      precision: options.precision, head: options.head, radial: options.radial)
    let loadMs = milliseconds(since: loadStart)
    let blas = try OpenBLASLibrary.shared()
    let system = try StructureFile.read(path: options.structure).system

    let neighborStart = DispatchTime.now().uptimeNanoseconds
    let pairs = try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: potential.cutoff)
    let neighborMs = milliseconds(since: neighborStart)
    let rssAfterLoad = procStatusKiB("VmRSS")

    var result = Evaluation(energy: 0)
    for _ in 0..<options.warmup {
        result = try potential.evaluate(system, neighbors: pairs, request: .energyAndForces)
    }
    var times: [Double] = []
    for _ in 0..<options.repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        result = try potential.evaluate(system, neighbors: pairs, request: .energyAndForces)
        times.append(milliseconds(since: start))
    }
    times.sort()
    let n = Double(system.count)
    let median = times.count % 2 == 1 ? times[times.count / 2]
        : 0.5 * (times[times.count / 2 - 1] + times[times.count / 2])
    let peak = procStatusKiB("VmHWM")
    let maxForce = result.forces.map { ($0 * $0).sum().squareRoot() }.max() ?? 0

    if let output = options.output {
        let forces = result.forces.map { [$0.x, $0.y, $0.z] }
        let data = try JSONSerialization.data(withJSONObject: ["energy": result.energy, "forces": forces])
        try data.write(to: URL(fileURLWithPath: output), options: .atomic)
    }
    let report: [String: Any] = [
        "benchmark": "mace", "model": options.model, "structure": options.structure,
        "atoms": system.count, "edges": pairs.count, "precision": options.precision.rawValue, "radial": options.radial.rawValue,
        "threads": threads, "repeats": options.repeats, "warmup": options.warmup,
        "load_ms": loadMs, "neighbors_ms": neighborMs,
        "best_ms": times[0], "median_ms": median, "mean_ms": times.reduce(0, +) / Double(times.count),
        "best_ms_per_atom": times[0] / n, "median_ms_per_atom": median / n,
        "energy": result.energy, "max_force": maxForce,
        "rss_after_load_mb": Double(rssAfterLoad ?? -1) / 1024,
        "peak_rss_mb": Double(peak ?? -1) / 1024,
        "peak_rss_kb_per_atom": Double(peak ?? -1) / n,
        "blas_core": blas.core, "blas": blas.summary,
    ]
    var fullReport = report
    if options.stages {
        let profile = StageProfile()
        var wall = 0.0
        for _ in 0..<options.repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try potential.evaluate(system, neighbors: pairs, request: .energyAndForces, profile: profile)
            wall += milliseconds(since: start)
        }
        let peak = try GEMMPeak.measure(precision: options.precision)
        let simdPeak = SIMDPeak.measure(precision: options.precision)
        let cores = Double(profile.cores), evaluations = Double(options.repeats)
        let totalCoreMs = wall * cores / evaluations
        var rows: [[String: Any]] = []
        var accounted = 0.0
        for stage in StageProfile.Stage.allCases {
            let coreMs = profile.seconds(stage) * 1000 / evaluations
            let gflop = profile.flops(stage) / evaluations / 1e9
            accounted += coreMs
            let gflops = coreMs > 0 && gflop > 0 ? gflop / (coreMs / cores / 1000) : 0
            rows.append(["stage": stage.rawValue, "core_ms": coreMs, "share": coreMs / totalCoreMs, "gflop": gflop,
                         "gflops": gflops, "share_of_gemm_peak": gflops / peak, "share_of_simd_peak": gflops / simdPeak])
        }
        rows.append(["stage": "outside the model (edge list, forces)", "core_ms": totalCoreMs - accounted,
                     "share": (totalCoreMs - accounted) / totalCoreMs, "gflop": 0, "gflops": 0])
        fullReport["stages"] = rows
        fullReport["stages_wall_ms"] = wall / evaluations
        fullReport["gemm_peak_gflops"] = peak
        fullReport["simd_peak_gflops"] = simdPeak
        fullReport["nominal_peak_gflops"] = nominalPeakGFLOPS(precision: options.precision, cores: profile.cores)
    }
    let line = try JSONSerialization.data(withJSONObject: fullReport, options: [.sortedKeys])
    print(String(decoding: line, as: UTF8.self))
}

/// Command-line options of the `mace` benchmark.
struct MACEBenchmarkOptions {
    var model = ""
    var structure = ""
    var precision = MACEPrecision.float64
    var radial = RadialMode.exact
    var repeats = 5
    var warmup = 1
    var threads: Int?
    var head: String?
    var output: String?
    var stages = false

    init(_ arguments: [String]) throws {
        var k = 0
        func value(_ flag: String) throws -> String {
            guard k + 1 < arguments.count else { throw BenchmarkError.usage("\(flag) needs a value") }
            k += 1
            return arguments[k]
        }
        func count(_ flag: String, minimum: Int) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text), n >= minimum else {
                throw BenchmarkError.usage("\(flag) must be an integer ≥ \(minimum), got '\(text)'")
            }
            return n
        }
        while k < arguments.count {
            switch arguments[k] {
            case "--model": model = try value("--model")
            case "--structure": structure = try value("--structure")
            case "--precision":
                let text = try value("--precision")
                guard let p = MACEPrecision(rawValue: text) else {
                    throw BenchmarkError.usage("--precision must be float32 or float64, got '\(text)'")
                }
                precision = p
            case "--radial":
                let text = try value("--radial")
                guard let r = RadialMode(rawValue: text) else {
                    throw BenchmarkError.usage("--radial must be exact or spline, got '\(text)'")
                }
                radial = r
            case "--repeats": repeats = try count("--repeats", minimum: 1)
            case "--warmup": warmup = try count("--warmup", minimum: 0)
            case "--threads": threads = try count("--threads", minimum: 1)
            case "--head": head = try value("--head")
            case "--output": output = try value("--output")
            case "--stages": stages = true
            default: throw BenchmarkError.usage("unknown option '\(arguments[k])'")
            }
            k += 1
        }
        if model.isEmpty || structure.isEmpty {
            throw BenchmarkError.usage("usage: macemd-bench mace --model FILE --structure FILE.xyz "
                + "[--precision float32|float64] [--radial exact|spline] [--repeats N] [--warmup N] [--threads N] [--head NAME] [--output FILE] [--stages]")
        }
    }
}

/// A bad command line or input file of a benchmark; `description` is one line.
enum BenchmarkError: Error, CustomStringConvertible {
    case usage(String)
    case system(String)

    var description: String {
        switch self {
        case .usage(let message): message
        case .system(let message): message
        }
    }
}

private func milliseconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// A `kB` field of /proc/self/status (VmRSS: resident now, VmHWM: peak resident), in KiB.
func procStatusKiB(_ field: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
}

/// Keeps the first `n` CPUs of this process's affinity mask and sets OpenBLAS to `n` threads.
/// Returns the number of CPUs now usable. Must run before any worker thread starts.
private func restrictThreads(to n: Int) throws -> Int {
    // glibc's sched_{get,set}affinity need _GNU_SOURCE, which Swift's Glibc module lacks:
    // look them up at run time. The mask is a bit set of 1024 CPUs (glibc's cpu_set_t).
    typealias Affinity = @convention(c) (Int32, Int, UnsafeMutableRawPointer) -> Int32
    guard let get = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity"),
          let set = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else {
        throw BenchmarkError.system("--threads: sched_setaffinity is not available")
    }
    var mask = [UInt8](repeating: 0, count: 128)
    var kept = 0
    let ok = mask.withUnsafeMutableBytes { bytes -> Bool in
        guard unsafeBitCast(get, to: Affinity.self)(0, bytes.count, bytes.baseAddress!) == 0 else { return false }
        for byte in bytes.indices {
            for bit in 0..<8 where bytes[byte] & UInt8(1 << bit) != 0 {
                if kept < n { kept += 1 } else { bytes[byte] &= ~UInt8(1 << bit) }
            }
        }
        return unsafeBitCast(set, to: Affinity.self)(0, bytes.count, bytes.baseAddress!) == 0
    }
    guard ok else { throw BenchmarkError.system("--threads: setting the CPU affinity failed (errno \(errno))") }
    return kept
}

/// cores × clock × FLOP per cycle, with the clock ("cpu MHz") and vector width (avx512f, avx2 or
/// SSE2) read from /proc/cpuinfo and two fused multiply-add units per core; nil when unknown.
private func nominalPeakGFLOPS(precision: MACEPrecision, cores: Int) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n")
    guard let mhzLine = lines.first(where: { $0.hasPrefix("cpu MHz") }),
          let mhz = Double(mhzLine.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") else { return nil }
    let flags = lines.first(where: { $0.hasPrefix("flags") }).map { Set($0.split(separator: " ")) } ?? []
    let vectorBits = flags.contains("avx512f") ? 512 : flags.contains("avx2") ? 256 : 128
    let lanes = vectorBits / (precision == .float32 ? 32 : 64)
    return Double(cores) * mhz / 1000 * Double(lanes * 2 * 2)
}
