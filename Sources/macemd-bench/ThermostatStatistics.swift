import Foundation
import MDCore
import MDDynamics
import MDPotentials

// Long statistical checks of MDDynamics on Lennard-Jones argon (ε = 0.0104 eV, σ = 3.4 Å,
// r_c = 8.5 Å, energy shifted to zero at r_c), 256 atoms in a 4×4×4 fcc supercell (a = 5.26 Å).

/// Long NVT runs at 300 K: mean temperature and kinetic-energy variance against the canonical
/// values ⟨T⟩ = T₀ and Var(K) = (2/N_f)⟨K⟩², N_f = 3N − 3; drift of the conserved quantity.
///
/// Options: `--steps N` (production steps, default 100000), `--dt fs` (default 2).
func thermostatStatistics(_ arguments: [String]) throws {
    let steps = Int(option("--steps", arguments) ?? "100000") ?? 100_000
    let dt = Double(option("--dt", arguments) ?? "2") ?? 2
    let equilibration = 10_000
    let target = 300.0
    let ensembles: [(String, Ensemble)] = [
        ("Langevin γ=5/ps", .langevin(temperature: target, friction: 5)),
        ("CSVR τ=100 fs", .csvr(temperature: target, timeConstant: 100)),
        ("NHC(3) τ=100 fs", .noseHoover(temperature: target, timeConstant: 100, chainLength: 3)),
        ("Berendsen τ=100 fs", .berendsen(temperature: target, timeConstant: 100)),
    ]
    print("NVT on LJ argon, 256 atoms, T0 = \(target) K, dt = \(dt) fs, \(equilibration) equilibration + \(steps) production steps")
    print("N_f = 3N − 3 = 765; Var(K) ratio = Var(K) / ((2/N_f)⟨K⟩²), canonical 1; ± are block-average standard errors (20 blocks)")
    print("drifts are linear-fit slopes over the production run, in meV/atom/ps\n")
    print(row(["thermostat", "<T> (K)", "<T>/T0-1", "Var(K) ratio", "E_tot drift", "E_tot std", "conserved drift", "conserved std", "s/run"]))
    for (name, ensemble) in ensembles {
        let clock = Date()
        let forces = try NeighborListEvaluator(potential: LennardJones.argon(), skin: 1.0).closure
        var system = try Crystal.fcc(atomicNumber: 18, latticeConstant: 5.26, repeats: 4)
        system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: target, seed: 2024)
        var state = try DynamicsState(system: system, forces: forces)
        var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: dt, seed: 7)
        try integrator.run(&state, steps: equilibration, forces: forces)
        var kinetic: [Double] = [], temperature: [Double] = [], total: [Double] = [], conserved: [Double] = []
        try integrator.run(&state, steps: steps, forces: forces) { s, integrator in
            kinetic.append(s.kineticEnergy)
            temperature.append(s.temperature)
            total.append(s.totalEnergy)
            conserved.append(integrator.conservedEnergy(s))
        }
        let n = Double(state.system.count)
        let nf = Double(state.degreesOfFreedom)
        let (meanT, errT) = blockMean(temperature)
        let meanK = kinetic.reduce(0, +) / Double(kinetic.count)
        // Var(K) over the whole run; its error from the spread of per-block mean squared deviations.
        let blocks = blockValues(kinetic) { x in x.reduce(0) { $0 + ($1 - meanK) * ($1 - meanK) } / Double(x.count) }
        let varK = blocks.reduce(0, +) / Double(blocks.count)
        let varKErr = standardDeviation(blocks) / Double(blocks.count - 1).squareRoot()
        let canonical = 2 / nf * meanK * meanK
        let time = (0..<steps).map { Double($0) * dt / 1000 }     // ps
        let perAtomMeV = 1000 / n
        print(row([name, f(meanT, 2) + " ± " + f(errT, 2), f(meanT / target - 1, 4),
                   f(varK / canonical, 3) + " ± " + f(varKErr / canonical, 3),
                   e(slope(time, total) * perAtomMeV), e(standardDeviation(total) * perAtomMeV),
                   e(slope(time, conserved) * perAtomMeV), e(standardDeviation(conserved) * perAtomMeV),
                   f(Date().timeIntervalSince(clock), 1)]))
    }
}

/// NVE velocity Verlet: total-energy fluctuation and drift per atom at several time steps
/// over the same simulated time, their ratios (Δt² scaling: ×4 per doubling, ×1.56 from 4
/// to 5 fs), and time reversibility (forward, negate velocities, back).
///
/// Two potentials: MDPotentials' `LennardJones.argon()` (energy shifted to 0 at r_c, so the
/// force jumps by |φ′(r_c)| ≈ 1.2e-4 eV/Å there: each cutoff crossing adds an O(Δt) energy
/// error, which spoils Δt² scaling at small Δt) and a force-shifted variant that is smooth
/// at r_c, which isolates the integrator's own Δt² error.
///
/// Options: `--time ps` (simulated time per run, default 10).
func nveDriftStatistics(_ arguments: [String]) throws {
    let duration = (Double(option("--time", arguments) ?? "10") ?? 10) * 1000   // fs
    let potentials: [(String, any Potential)] = [
        ("energy-shifted LJ (MDPotentials.LennardJones.argon, r_c = 8.5 Å)", LennardJones.argon()),
        ("force-shifted LJ (smooth at r_c = 8.5 Å)", ForceShiftedLennardJones(epsilon: 0.0104, sigma: 3.4, cutoff: 8.5)),
    ]
    for (potentialName, potential) in potentials {
        for (label, temperature) in [("fcc solid, 80 K start (≈ 40 K)", 80.0), ("dense fluid, 600 K start (≈ 300 K)", 600.0)] {
            print("NVE velocity Verlet, 256 Ar atoms, \(potentialName), \(label), \(duration / 1000) ps per run")
            print(row(["dt (fs)", "<T> (K)", "E std (meV/atom)", "std ratio", "drift meV/atom/ps", "max|E-E0| meV/at", "s/run"]))
            var previousStd: Double? = nil
            for dt in [1.0, 2.0, 4.0, 5.0] {
                let clock = Date()
                let forces = try NeighborListEvaluator(potential: potential, skin: 1.0).closure
                var system = try Crystal.fcc(atomicNumber: 18, latticeConstant: 5.26, repeats: 4)
                system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: temperature, seed: 11)
                var state = try DynamicsState(system: system, forces: forces)
                var verlet = try VelocityVerlet(timeStep: dt)
                let e0 = state.totalEnergy
                var energies: [Double] = [], temperatures: [Double] = [], times: [Double] = []
                try verlet.run(&state, steps: Int(duration / dt), forces: forces) { s, _ in
                    energies.append(s.totalEnergy); temperatures.append(s.temperature); times.append(s.time / 1000)
                }
                let perAtomMeV = 1000 / Double(system.count)
                let std = standardDeviation(energies) * perAtomMeV
                let ratio = previousStd.map { f(std / $0, 2) } ?? "-"
                previousStd = std
                let worst = energies.map { abs($0 - e0) }.max() ?? 0
                print(row([f(dt, 1), f(temperatures.reduce(0, +) / Double(temperatures.count), 1), e(std), ratio,
                           e(slope(times, energies) * perAtomMeV), e(worst * perAtomMeV),
                           f(Date().timeIntervalSince(clock), 1)]))
            }
            print("")
        }
    }
    // Time reversibility.
    let forces = try NeighborListEvaluator(potential: LennardJones.argon(), skin: 1.0).closure
    var system = try Crystal.fcc(atomicNumber: 18, latticeConstant: 5.26, repeats: 4)
    system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: 300, seed: 5)
    var state = try DynamicsState(system: system, forces: forces)
    var verlet = try VelocityVerlet(timeStep: 2)
    try verlet.run(&state, steps: 1000, forces: forces)
    state.system.velocities = state.system.velocities.map { -$0 }
    try verlet.run(&state, steps: 1000, forces: forces)
    let error = zip(state.system.positions, system.positions).map { length($0 - $1) }.max() ?? .nan
    print("time reversibility: 1000 steps of 2 fs forward at 300 K, velocities negated, 1000 back: max |x − x0| = \(e(error)) Å")
}

// MARK: - helpers

/// Lennard-Jones with energy and force shifted to zero at r_c (smooth forces):
/// φ_sf(r) = φ(r) − φ(r_c) − (r − r_c) φ′(r_c). Bench-only, to isolate integrator errors.
private struct ForceShiftedLennardJones: PairPotential {
    let epsilon: Double, sigma: Double, cutoff: Double
    var supportedAtomicNumbers: Set<Int>? { nil }

    private func plain(_ r: Double) -> (Double, Double) {
        let s2 = sigma * sigma / (r * r)
        let s6 = s2 * s2 * s2
        return (4 * epsilon * (s6 * s6 - s6), -24 * epsilon * (2 * s6 * s6 - s6) / r)
    }

    func pairTerm(r: Double, zi: Int, zj: Int) -> (energy: Double, derivative: Double) {
        let (e, d) = plain(r)
        let (ec, dc) = plain(cutoff)
        return (e - ec - (r - cutoff) * dc, d - dc)
    }
}

func option(_ name: String, _ arguments: [String]) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

/// Least-squares slope dy/dx.
func slope(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0
    for i in x.indices { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx) }
    return sxy / sxx
}

func standardDeviation(_ x: [Double]) -> Double {
    let m = x.reduce(0, +) / Double(x.count)
    return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)).squareRoot()
}

/// `statistic` of each of 20 consecutive blocks.
func blockValues(_ x: [Double], blocks: Int = 20, _ statistic: ([Double]) -> Double) -> [Double] {
    let size = x.count / blocks
    return (0..<blocks).map { statistic(Array(x[($0 * size)..<(($0 + 1) * size)])) }
}

/// Mean and its block-average standard error.
func blockMean(_ x: [Double]) -> (Double, Double) {
    let means = blockValues(x) { $0.reduce(0, +) / Double($0.count) }
    return (means.reduce(0, +) / Double(means.count), standardDeviation(means) / Double(means.count - 1).squareRoot())
}

func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
func e(_ x: Double) -> String { String(format: "%.2e", x) }
func row(_ cells: [String]) -> String {
    cells.enumerated().map { $0.offset == 0 ? $0.element.padding(toLength: 20, withPad: " ", startingAt: 0)
                                            : $0.element.padding(toLength: 17, withPad: " ", startingAt: 0) }
        .joined(separator: " ")
}
