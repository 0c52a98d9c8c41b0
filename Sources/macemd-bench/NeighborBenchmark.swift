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
        let (positions, cell) = rattledFCC(nx: nx, ny: ny, nz: nz, a: 3.61, seed: 1)
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

/// fcc lattice of nx×ny×nz cubic cells, each atom displaced uniformly by up to `rattle` Å per axis.
func rattledFCC(nx: Int, ny: Int, nz: Int, a: Double, seed: UInt64, rattle: Double = 0.05)
    -> ([SIMD3<Double>], Cell)
{
    let basis: [SIMD3<Double>] = [.zero, SIMD3(0.5, 0.5, 0), SIMD3(0.5, 0, 0.5), SIMD3(0, 0.5, 0.5)]
    var state = seed
    func uniform() -> Double {   // SplitMix64 in [−1, 1)
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 52) - 1
    }
    var positions: [SIMD3<Double>] = []
    positions.reserveCapacity(4 * nx * ny * nz)
    for x in 0..<nx { for y in 0..<ny { for z in 0..<nz { for b in basis {
        let p = a * (SIMD3(Double(x), Double(y), Double(z)) + b)
        positions.append(p + rattle * SIMD3(uniform(), uniform(), uniform()))
    } } } }
    return (positions, .orthorhombic(a * SIMD3(Double(nx), Double(ny), Double(nz))))
}
