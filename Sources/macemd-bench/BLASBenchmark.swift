import Foundation
import MACE

/// The OpenBLAS kernels MaceMD runs and their speed on this machine.
///
/// Usage:
///
///     macemd-bench blas [--size N] [--seconds S]
///
/// Prints one JSON line: blas_core (the kernels OpenBLAS runs), blas (how they were chosen,
/// see ``OpenBLASLibrary``), best_core (the core MaceMD picks from the CPU flags),
/// dgemm_gflops and sgemm_gflops (N×N products, default 1024, one per core on every core
/// for S seconds, default 1: ``GEMMPeak``), and simd_gflops_float64/_float32 (the
/// ceiling of MaceMD's own vector loops: ``SIMDPeak``). Run it with `OPENBLAS_CORETYPE=Prescott`
/// to see what a CPU that OpenBLAS does not recognise would get without MaceMD's choice.
func blasBenchmark(_ arguments: [String]) throws {
    var size = 1024, seconds = 1.0
    var k = 0
    while k < arguments.count {
        guard k + 1 < arguments.count else { throw BenchmarkError.usage("\(arguments[k]) needs a value") }
        switch arguments[k] {
        case "--size":
            guard let n = Int(arguments[k + 1]), n >= 1 else { throw BenchmarkError.usage("--size must be an integer ≥ 1") }
            size = n
        case "--seconds":
            guard let s = Double(arguments[k + 1]), s > 0 else { throw BenchmarkError.usage("--seconds must be > 0") }
            seconds = s
        default: throw BenchmarkError.usage("unknown option '\(arguments[k])' (usage: macemd-bench blas [--size N] [--seconds S])")
        }
        k += 2
    }
    let library = try OpenBLASLibrary.shared()
    let report: [String: Any] = [
        "benchmark": "blas", "blas_core": library.core, "blas": library.summary,
        "best_core": OpenBLASCore.bestForThisCPU ?? "none", "size": size, "seconds": seconds,
        "cores": ProcessInfo.processInfo.activeProcessorCount,
        "dgemm_gflops": try GEMMPeak.measure(precision: .float64, size: size, seconds: seconds),
        "sgemm_gflops": try GEMMPeak.measure(precision: .float32, size: size, seconds: seconds),
        "simd_gflops_float64": SIMDPeak.measure(precision: .float64, seconds: seconds),
        "simd_gflops_float32": SIMDPeak.measure(precision: .float32, seconds: seconds),
    ]
    let line = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    print(String(decoding: line, as: UTF8.self))
}
