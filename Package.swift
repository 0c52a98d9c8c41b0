// swift-tools-version: 6.0
//
// MaceMD: molecular dynamics with MACE machine-learned interatomic potentials.
//
// Module map (each library module has a test target of the same name + "Tests"):
//   CBLAS, CNetCDF   system libraries (OpenBLAS, NetCDF-C) through pkg-config
//   MDCore           units, element table, Matrix3, Cell, AtomicSystem, errors
//   MDNeighbors      linked-cell neighbour list with periodic image shifts and a Verlet skin
//   MDPotentials     the Potential protocol, Evaluation, SumPotential, Lennard-Jones, Morse
//   MACE             mace-torch model loading and evaluation with analytic forces and stress
//   MDDynamics       velocity Verlet, Langevin BAOAB, CSVR, Nosé-Hoover chain, Berendsen
//   MDOptimize       FIRE, L-BFGS and a Frechet cell filter
//   MDIO             file formats: extended XYZ, POSCAR, CIF, AMBER NetCDF, stats log, restarts
//   MDRunFile        the YAML run-file schema: every key declared once; ensembles and their keys
//   MACEConversion   mace-torch .model → MaceMD safetensors, through the embedded Python converter
//   MDSimulation     the driver that binds state, potential, neighbours and integrator
//   macemd           the command-line tool
//   macemd-bench     release-mode benchmarks (not tests)
//   TestSupport      helpers shared by the test targets (Tests/TestSupport)
import Foundation
import PackageDescription

// Vector instructions for MACE's kernels. SwiftPM compiles for the baseline of the architecture
// (x86-64: SSE2, four floats per instruction); MACE's loops are written for 8-lane SIMD and
// the whole evaluation gains ~10-15 % from AVX2 and FMA (`haswell`: Intel since 2013, AMD since
// 2015). MACEMD_TARGET_CPU overrides it with an LLVM CPU name, e.g. `sapphirerapids` (AVX-512) or `x86-64`.
#if arch(x86_64)
let maceTargetCPU = ProcessInfo.processInfo.environment["MACEMD_TARGET_CPU"] ?? "haswell"
let maceSwiftSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", maceTargetCPU])]
#else
let maceSwiftSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "MaceMD",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "macemd", targets: ["macemd"]),
        .executable(name: "macemd-bench", targets: ["macemd-bench"]),
        // The C API of include/macemd.h for LAMMPS, Python and other hosts: libmacemd-c.so with
        // soname libmacemd.so, installed as libmacemd.so (the executable owns the name macemd).
        .library(name: "macemd-c", type: .dynamic, targets: ["CMaceMD"]),
        .library(name: "MaceMDKit", targets: [
            "MDCore", "MDNeighbors", "MDPotentials", "MACE", "MDDynamics",
            "MDOptimize", "MDIO", "MDRunFile", "MACEConversion", "MDSimulation",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(
            name: "CNetCDF", pkgConfig: "netcdf",
            providers: [.apt(["libnetcdf-dev"]), .brew(["netcdf"])]),

        .target(name: "MDCore"),
        .target(name: "MDNeighbors", dependencies: ["MDCore"]),
        .target(name: "MDPotentials", dependencies: ["MDCore", "MDNeighbors"]),
        .target(name: "MACE", dependencies: ["MDCore", "MDNeighbors", "MDPotentials", "CBLAS"],
                swiftSettings: maceSwiftSettings),
        .target(name: "MDDynamics", dependencies: ["MDCore", "MDNeighbors", "MDPotentials"]),
        .target(name: "MDOptimize", dependencies: ["MDCore", "MDNeighbors", "MDPotentials"]),
        .target(name: "MDIO", dependencies: ["MDCore", "CNetCDF"]),
        .target(name: "MDRunFile", dependencies: [
            "MDCore", "MDDynamics", "MDOptimize", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "MACEConversion"),
        .target(name: "MDSimulation", dependencies: [
            "MDCore", "MDNeighbors", "MDPotentials", "MACE", "MDDynamics", "MDOptimize", "MDIO", "MDRunFile",
        ]),
        .executableTarget(name: "macemd", dependencies: [
            "MDSimulation", "MACEConversion", "MACE", "MDIO", "MDRunFile", "MDCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "CMaceMD", dependencies: ["MACE", "MDCore", "MDPotentials"],
                linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath=$ORIGIN", "-Xlinker", "-soname=libmacemd.so"])]),
        .executableTarget(name: "macemd-bench", dependencies: [
            "MDCore", "MDNeighbors", "MDPotentials", "MACE", "MDDynamics", "MDOptimize", "MDIO",
        ]),

        // Helpers shared by the test targets (scratch files, fixture lists, test structures).
        .target(name: "TestSupport", dependencies: ["MDCore"], path: "Tests/TestSupport"),

        .testTarget(name: "MDCoreTests", dependencies: ["MDCore"]),
        .testTarget(name: "MDNeighborsTests", dependencies: ["MDNeighbors", "TestSupport"], exclude: ["Resources"]),
        .testTarget(name: "MDPotentialsTests", dependencies: ["MDPotentials"]),
        .testTarget(name: "MACETests", dependencies: ["MACE"], exclude: ["Resources"]),
        .testTarget(name: "MDDynamicsTests", dependencies: ["MDDynamics", "TestSupport"]),
        .testTarget(name: "MDOptimizeTests", dependencies: ["MDOptimize", "TestSupport"]),
        .testTarget(name: "CMaceMDTests", dependencies: ["CMaceMD", "TestSupport"]),
        .testTarget(name: "MDIOTests", dependencies: ["MDIO", "TestSupport"], exclude: ["Resources"]),
        .testTarget(name: "MDRunFileTests", dependencies: ["MDRunFile", "TestSupport"]),
        .testTarget(name: "MACEConversionTests", dependencies: ["MACEConversion", "MACE", "MDCore", "MDPotentials", "TestSupport"], exclude: ["Resources"]),
        .testTarget(name: "MDSimulationTests", dependencies: ["MDSimulation", "MDRunFile", "TestSupport"]),
    ]
)
