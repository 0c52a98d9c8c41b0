// macemd-bench: release-mode benchmarks and long statistical checks (not unit tests).
//
//   swift run -c release macemd-bench neighbors      neighbour-list build time vs. atom count
//   swift run -c release macemd-bench thermostats    long NVT statistics on Lennard-Jones argon
//   swift run -c release macemd-bench nve-drift      NVE energy drift vs. time step
//   swift run -c release macemd-bench npt            NPT barostats against LJ argon's equation of state
//   swift run -c release macemd-bench blas           the OpenBLAS kernels in use and their GFLOP/s
//
// Each benchmark lives in its own file as a function registered below.
import Foundation

let benchmarks: [String: (description: String, run: ([String]) throws -> Void)] = [
    "neighbors": ("neighbour-list build for fcc Cu, 1k-100k atoms, 5 Å cutoff", neighborBenchmark),
    "thermostats": ("NVT statistics (mean T, kinetic-energy variance) on LJ argon", thermostatStatistics),
    "nve-drift": ("NVE energy drift and fluctuation vs. time step on LJ argon", nveDriftStatistics),
    "npt": ("NPT barostats (C-rescale, Berendsen) against LJ argon's NVT equation of state", nptStatistics),
    "mace": ("MACE energy+forces time and peak memory on one structure (see MACEBenchmark.swift)", maceBenchmark),
    "blas": ("the OpenBLAS kernels MaceMD runs, dgemm/sgemm and own-SIMD-loop GFLOP/s (see BLASBenchmark.swift)", blasBenchmark),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks[name] else {
    print("usage: macemd-bench <benchmark> [options]\n")
    for (key, value) in benchmarks.sorted(by: { $0.key < $1.key }) {
        print("  \(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(value.description)")
    }
    exit(arguments.isEmpty ? 0 : 2)
}
do {
    try benchmark.run(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write("macemd-bench \(name): \(error)\n".data(using: .utf8)!)
    exit(1)
}
