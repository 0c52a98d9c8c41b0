import Foundation
import MDCore
import MDNeighbors

/// Neighbour-list build time for fcc Cu (a = 3.61 Å, 5 Å cutoff) at about 1k, 10k and 100k atoms.
///
/// Prints, per size: atoms, pairs, best-of-N build time (ms), time per atom (µs) and the
/// ratio of time per atom to that of the smallest system (1.0 = perfectly linear growth).
/// Usage: `swift run -c release macemd-bench neighbors [--repeats N]`.
func neighborBenchmark(_ arguments: [String]) throws {
    var repeats = 5
    if let k = arguments.firstIndex(of: "--repeats"), k + 1 < arguments.count, let n = Int(arguments[k + 1]) {
        repeats = max(1, n)
    }
    let sizes = [(6, 6, 7), (13, 14, 14), (29, 29, 30)]   // 1008, 10192, 100920 atoms
    print("neighbour-list build, fcc Cu a = 3.61 Å, cutoff 5.0 Å, rattled 0.05 Å, best of \(repeats)")
    print("atoms      pairs        ms      µs/atom   relative")
    var baseline: Double?
    for (nx, ny, nz) in sizes {
        let crystal = try Crystal.fcc(atomicNumber: 29, latticeConstant: 3.61, repeats: SIMD3(nx, ny, nz))
            .rattled(amplitude: 0.05, seed: 1)
        let (positions, cell) = (crystal.positions, crystal.cell)
        var best = Double.infinity
        var pairs = 0
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let list = try NeighborPairs(positions: positions, cell: cell, cutoff: 5.0)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            pairs = list.count
            best = min(best, elapsed)
        }
        let perAtom = best * 1e3 / Double(positions.count)
        baseline = baseline ?? perAtom
        print(String(format: "%-10d %-12d %-9.1f %-9.3f %.2f", positions.count, pairs, best, perAtom,
                     perAtom / (baseline ?? perAtom)))
    }
}
