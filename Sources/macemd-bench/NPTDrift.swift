import Foundation
import MDCore
import MDDynamics
import MDPotentials

/// `macemd-bench npt --drift`: how well each barostat's conserved quantity is conserved, on the LJ
/// argon crystal of ``nptStatistics(_:)`` started near its 0.1 GPa volume (a = 5.29 Å, 40 K, Δt 5 fs).
///
/// Under a thermostat or barostat E_tot = K + U is not a constant of the motion: the bath and the
/// cell exchange energy with the particles all the time, and in equilibrium E_tot only fluctuates
/// (its fitted slope is noise with zero mean). What the integrator conserves is Ẽ = E_tot + R, with
/// R the reservoir energy (heat given to the thermostat, barostat noise and kinetic energy,
/// ∫P₀ dV, chain energies). So each run reports, per atom and ps:
///   - the slope of Ẽ (the integration error) and of E_tot, each with its standard error (block
///     slopes, assuming bounded fluctuations; ×20 for a random walk), and E_tot's standard deviation,
///   - the gross energy flow through the reservoirs, Σ|ΔR| per ps (what the bookkeeping must close on),
///   - NVE (velocity Verlet) from the same start as the reference integration error at this Δt.
/// "standard" coupling is τ_T = 0.1 ps, τ_p = 1 ps; "weak" (nearly NVE) τ_T = τ_p = 10 ps.
///
/// Options: `--steps N` (production, default 20000, after 4000 steps), `--dt fs` (default 5), `--only TEXT`.
func nptDrift(_ arguments: [String]) throws {
    let steps = Int(option("--steps", arguments) ?? "20000") ?? 20_000
    let dt = Double(option("--dt", arguments) ?? "5") ?? 5
    let temperature = 40.0, gpa = Units.gigapascalPerEVPerCubicAngstrom
    let target = Matrix3(diagonal: SIMD3(repeating: 0.1 / gpa))
    func barostat(_ coupling: PressureCoupling, tau: Double) -> BarostatParameters {
        BarostatParameters(targetPressure: target, timeConstant: tau, bulkModulus: 2.65 / gpa, coupling: coupling)
    }
    func crescale(_ coupling: PressureCoupling, tauT: Double, tauP: Double) -> Ensemble {
        .cellRescaling(temperature: temperature, thermostat: .csvr(timeConstant: tauT), barostat: barostat(coupling, tau: tauP))
    }
    func mtk(_ coupling: PressureCoupling, tauT: Double, tauP: Double) -> Ensemble {
        coupling == .isotropic
            ? .mtk(temperature: temperature, timeConstant: tauT, chainLength: 3, pressure: 0.1 / gpa, barostatTime: tauP)
            : .mtkCell(temperature: temperature, timeConstant: tauT, chainLength: 3, barostat: barostat(coupling, tau: tauP))
    }
    let runs: [(String, Ensemble)] = [
        ("NVE", .nve),
        ("C-rescale iso std", crescale(.isotropic, tauT: 100, tauP: 1000)),
        ("C-rescale iso weak", crescale(.isotropic, tauT: 10_000, tauP: 10_000)),
        ("C-rescale semi weak", crescale(.semiIsotropic, tauT: 10_000, tauP: 10_000)),
        ("C-rescale tri weak", crescale(.triclinic, tauT: 10_000, tauP: 10_000)),
        ("MTK iso std", mtk(.isotropic, tauT: 100, tauP: 1000)),
        ("MTK iso weak", mtk(.isotropic, tauT: 10_000, tauP: 10_000)),
        ("MTK tri weak", mtk(.triclinic, tauT: 10_000, tauP: 10_000)),
        ("Berendsen iso std", .berendsenPressure(temperature: temperature, timeConstant: 100, barostat: barostat(.isotropic, tau: 1000))),
        ("Berendsen iso weak", .berendsenPressure(temperature: temperature, timeConstant: 10_000,
                                                  barostat: barostat(.isotropic, tau: 10_000))),
    ]
    print("LJ argon, 256 atoms, 40 K, 0.1 GPa, dt = \(dt) fs, 4000 + \(steps) steps; per atom: drifts and flows "
          + "in meV/atom/ps, σ in meV/atom")
    print(row(["run", "Ẽ drift", "±", "E_tot drift", "±", "σ(E_tot)", "Σ|ΔR| flow", "|Ẽ drift|/flow"]))
    let only = option("--only", arguments)
    for (name, ensemble) in runs where only.map({ name.contains($0) }) ?? true {
        let evaluator = try NeighborListEvaluator(potential: LennardJones.argon(), skin: 1.0, request: .all)
        var system = try Crystal.fcc(atomicNumber: 18, latticeConstant: 5.29, repeats: 4)
        system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: temperature, seed: 2024)
        var state = try DynamicsState(system: system, forces: evaluator.closure)
        var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: dt, seed: 7)
        try integrator.run(&state, steps: 4000, forces: evaluator.closure)
        var conserved: [Double] = [], total: [Double] = [], flow = 0.0
        var lastReservoir = integrator.reservoirEnergy(state)
        try integrator.run(&state, steps: steps, forces: evaluator.closure) { s, integ in
            conserved.append(integ.conservedEnergy(s))
            total.append(s.totalEnergy)
            let r = integ.reservoirEnergy(s)
            flow += abs(r - lastReservoir)
            lastReservoir = r
        }
        let perAtom = 1000 / Double(state.system.count)                  // eV → meV/atom
        let time = (0..<total.count).map { Double($0) * dt / 1000 }       // ps
        /// The fitted slope of `y` (meV/atom/ps) and its standard error from 20 block slopes: the
        /// slope over the whole run has 1/20^(3/2) of one block slope's spread when `y` fluctuates
        /// about a line (bounded errors, as NVE's shadow energy), but 1/20^(1/2) of it, 20 times
        /// more, when `y`'s increments are independent (a random walk, as a stochastic bath's
        /// bookkeeping errors may be). The first is printed.
        func drift(_ y: [Double]) -> (Double, Double) {
            let blocks = blockValues(Array(y.indices).map(Double.init)) { idx in
                let range = Int(idx[0])...Int(idx[idx.count - 1])
                return slope(Array(time[range]), Array(y[range])) * perAtom
            }
            return (slope(time, y) * perAtom, standardDeviation(blocks) / pow(Double(blocks.count), 1.5))
        }
        let (conservedDrift, conservedError) = drift(conserved), (totalDrift, totalError) = drift(total)
        let flowRate = flow * perAtom / (Double(steps) * dt / 1000)
        print(row([name, e(conservedDrift), e(conservedError), e(totalDrift), e(totalError),
                   f(standardDeviation(total) * perAtom, 3), e(flowRate),
                   flowRate > 0 ? e(abs(conservedDrift) / flowRate) : "–"]))
    }
}
