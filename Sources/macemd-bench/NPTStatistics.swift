import Foundation
import MDCore
import MDDynamics
import MDPotentials

// Long NPT checks on Lennard-Jones argon (ε = 0.0104 eV, σ = 3.4 Å, r_c = 8.5 Å, energy shifted),
// 256 atoms in a 4×4×4 fcc supercell: the barostats against the system's own equation of state.

/// 1. NVT (CSVR) at five volumes around a₀ gives ⟨P⟩(V); a quadratic fit gives the volume V*
///    where the target pressure is crossed and κ_T = −(1/V*) dV/dP there.
/// 2. NPT at the target pressure with each barostat (C-rescale, MTK, Berendsen): ⟨V⟩ ± block standard error against V*,
///    κ_T from the volume fluctuations ⟨δV²⟩/(k_BT⟨V⟩) against the equation of state's,
///    Var(K) against the canonical (2/N_f)⟨K⟩², drifts of E_tot and of the conserved quantity,
///    and neighbour-list rebuilds against the NVT run.
///
/// Options: `--steps N` (NPT production steps, default 100000), `--nvt-steps N` (per volume,
/// default 40000; 0 skips the equation of state and assumes κ_T = 0.378/GPa for the barostats'
/// modulus), `--temperature K` (default 40), `--pressure GPa` (default 0.1), `--dt fs` (default 5),
/// `--repeats n` (n×n×n fcc cells, default 4), `--only TEXT` (run only the barostats whose name
/// contains TEXT), `--drift` (the conserved-quantity drifts instead, see ``nptDrift(_:)``).
func nptStatistics(_ arguments: [String]) throws {
    if arguments.contains("--drift") { return try nptDrift(arguments) }
    let steps = Int(option("--steps", arguments) ?? "100000") ?? 100_000
    let nvtSteps = Int(option("--nvt-steps", arguments) ?? "40000") ?? 40_000
    let temperature = Double(option("--temperature", arguments) ?? "40") ?? 40
    let targetGPa = Double(option("--pressure", arguments) ?? "0.1") ?? 0.1
    let dt = Double(option("--dt", arguments) ?? "5") ?? 5
    let repeats = Int(option("--repeats", arguments) ?? "4") ?? 4
    let gpa = Units.gigapascalPerEVPerCubicAngstrom
    let a0 = 5.33, equilibration = 4000
    let atoms = 4 * repeats * repeats * repeats
    print("LJ argon, \(atoms) atoms (fcc \(repeats)×\(repeats)×\(repeats)), T = \(temperature) K, dt = \(dt) fs; "
          + "± are block-average standard errors (20 blocks)")

    // 1. The equation of state from NVT.
    var volumes: [Double] = [], pressures: [Double] = [], nvtBuilds = 0
    for k in -2...2 where nvtSteps > 0 {
        let a = a0 * (1 + 0.006 * Double(k))
        let (state, builds, samples) = try simulate(a: a, repeats: repeats, ensemble: .csvr(temperature: temperature, timeConstant: 100),
                                                    temperature: temperature, dt: dt, equilibration: equilibration,
                                                    steps: nvtSteps)
        let (p, err) = blockMean(samples.map { $0.pressure * gpa })
        volumes.append(state.system.cell.volume)
        pressures.append(p)
        nvtBuilds = builds
        print("NVT a = \(f(a, 4)) Å  V = \(f(state.system.cell.volume, 1)) Å³  <P> = \(f(p, 5)) ± \(f(err, 5)) GPa")
    }
    var vStar = Double.nan, kappaEOS = 0.378
    if nvtSteps > 0 {
        let (c0, c1, c2) = quadraticFit(volumes, pressures)
        // P(V*) = target: the root of c2 V² + c1 V + c0 − p0 nearest the middle volume.
        vStar = volumes[2]
        for _ in 0..<50 { vStar -= (c0 + c1 * vStar + c2 * vStar * vStar - targetGPa) / (c1 + 2 * c2 * vStar) }
        let dPdV = c1 + 2 * c2 * vStar                              // GPa/Å³
        kappaEOS = -1 / (vStar * dPdV)                              // 1/GPa
        print("EOS fit: V* = \(f(vStar, 2)) Å³ at \(targetGPa) GPa, κ_T = −(1/V)dV/dP = \(f(kappaEOS, 4)) /GPa "
              + "(B = \(f(1 / kappaEOS, 2)) GPa); NVT neighbour-list builds per \(equilibration + nvtSteps) steps: \(nvtBuilds)\n")
    } else {
        print("no equation of state (--nvt-steps 0): V* unknown, κ_T = 0.378/GPa assumed for the barostats' modulus\n")
    }

    // 2. NPT with each barostat.
    let target = Matrix3(diagonal: SIMD3(repeating: targetGPa / gpa))
    func barostat(_ coupling: PressureCoupling) -> BarostatParameters {
        BarostatParameters(targetPressure: target, timeConstant: 1000, bulkModulus: (1 / kappaEOS) / gpa, coupling: coupling)
    }
    let runs: [(String, Ensemble)] = [
        ("C-rescale iso, CSVR", .cellRescaling(temperature: temperature, thermostat: .csvr(timeConstant: 100), barostat: barostat(.isotropic))),
        ("C-rescale iso, Langevin", .cellRescaling(temperature: temperature, thermostat: .langevin(friction: 2), barostat: barostat(.isotropic))),
        ("C-rescale aniso, CSVR", .cellRescaling(temperature: temperature, thermostat: .csvr(timeConstant: 100), barostat: barostat(.anisotropic))),
        ("C-rescale semi, CSVR", .cellRescaling(temperature: temperature, thermostat: .csvr(timeConstant: 100), barostat: barostat(.semiIsotropic))),
        ("C-rescale tri, CSVR", .cellRescaling(temperature: temperature, thermostat: .csvr(timeConstant: 100), barostat: barostat(.triclinic))),
        ("MTK iso, NHC(3)", .mtk(temperature: temperature, timeConstant: 100, chainLength: 3, pressure: targetGPa / gpa,
                                 barostatTime: 1000)),
        ("MTK semi, NHC(3)", .mtkCell(temperature: temperature, timeConstant: 100, chainLength: 3, barostat: barostat(.semiIsotropic))),
        ("MTK aniso, NHC(3)", .mtkCell(temperature: temperature, timeConstant: 100, chainLength: 3, barostat: barostat(.anisotropic))),
        ("MTK tri, NHC(3)", .mtkCell(temperature: temperature, timeConstant: 100, chainLength: 3, barostat: barostat(.triclinic))),
        ("Berendsen iso", .berendsenPressure(temperature: temperature, timeConstant: 100, barostat: barostat(.isotropic))),
    ]
    print(row(["barostat", "<V> (Å3)", "(<V>-V*)/SE", "κ_T (/GPa)", "κ/κ_EOS", "Var(K) ratio", "E_tot drift", "Ẽ drift", "builds", "s/run"]))
    let only = option("--only", arguments)
    for (name, ensemble) in runs where only.map({ name.contains($0) }) ?? true {
        let clock = Date()
        let (state, builds, samples) = try simulate(a: a0, repeats: repeats, ensemble: ensemble, temperature: temperature,
                                                    dt: dt, equilibration: equilibration, steps: steps)
        let v = samples.map(\.volume)
        let (meanV, errV) = blockMean(v)
        let kT = Units.boltzmann * temperature
        let kappas = blockValues(v) { x in
            let m = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count) / (kT * m) / gpa
        }
        let varV = v.reduce(0) { $0 + ($1 - meanV) * ($1 - meanV) } / Double(v.count)
        let kappa = varV / (kT * meanV) / gpa              // Å³/eV → 1/GPa
        let kappaErr = standardDeviation(kappas) / Double(kappas.count - 1).squareRoot()
        let kinetic = samples.map(\.kinetic)
        let meanK = kinetic.reduce(0, +) / Double(kinetic.count)
        let varK = kinetic.reduce(0) { $0 + ($1 - meanK) * ($1 - meanK) } / Double(kinetic.count)
        let canonical = 2 / Double(state.degreesOfFreedom) * meanK * meanK
        let time = (0..<samples.count).map { Double($0) * dt / 1000 }
        let perAtomMeV = 1000 / Double(state.system.count)
        print(row([name, f(meanV, 2) + " ± " + f(errV, 2), f((meanV - vStar) / errV, 2),
                   f(kappa, 4) + " ± " + f(kappaErr, 4), f(kappa / kappaEOS, 3), f(varK / canonical, 3),
                   e(slope(time, samples.map(\.total)) * perAtomMeV), e(slope(time, samples.map(\.conserved)) * perAtomMeV),
                   "\(builds)", f(Date().timeIntervalSince(clock), 1)]))
    }
    print("\ndrifts: linear-fit slopes in meV/atom/ps; Ẽ = K + U + ∫P₀dV + heat to the baths (the effective energy); "
          + "builds: neighbour-list builds over \(equilibration + steps) steps (skin 1 Å)")
}

/// One production sample (energies in eV, volume in Å³, pressure in eV/Å³).
struct NPTSample { var volume, pressure, kinetic, total, conserved: Double }

/// Runs `ensemble` from fcc argon (`repeats`³ cells) at lattice constant `a` with Maxwell–Boltzmann velocities.
func simulate(a: Double, repeats: Int = 4, ensemble: Ensemble, temperature: Double, dt: Double, equilibration: Int,
              steps: Int) throws -> (DynamicsState, Int, [NPTSample]) {
    let evaluator = try NeighborListEvaluator(potential: LennardJones.argon(), skin: 1.0, request: .all)
    var system = try Crystal.fcc(atomicNumber: 18, latticeConstant: a, repeats: repeats)
    system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: temperature, seed: 2024)
    var state = try DynamicsState(system: system, forces: evaluator.closure)
    var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: dt, seed: 7)
    try integrator.run(&state, steps: equilibration, forces: evaluator.closure)
    var samples: [NPTSample] = []
    samples.reserveCapacity(steps)
    try integrator.run(&state, steps: steps, forces: evaluator.closure) { s, integ in
        samples.append(NPTSample(volume: s.system.cell.volume, pressure: s.pressure ?? .nan, kinetic: s.kineticEnergy,
                                 total: s.totalEnergy, conserved: integ.conservedEnergy(s)))
    }
    return (state, evaluator.neighbors.buildCount, samples)
}

/// Least-squares y ≈ c₀ + c₁x + c₂x² (x centred for conditioning, coefficients returned for raw x).
private func quadraticFit(_ x: [Double], _ y: [Double]) -> (Double, Double, Double) {
    let m = x.reduce(0, +) / Double(x.count)
    let u = x.map { $0 - m }
    var s = [Double](repeating: 0, count: 5), t = [Double](repeating: 0, count: 3)
    for i in u.indices {
        var p = 1.0
        for k in 0..<5 { s[k] += p; if k < 3 { t[k] += p * y[i] }; p *= u[i] }
    }
    // Normal equations [[s0 s1 s2][s1 s2 s3][s2 s3 s4]] b = t, by Cramer's rule.
    func det(_ a: [[Double]]) -> Double {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    }
    let a = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]]
    let d = det(a)
    var b = [0.0, 0.0, 0.0]
    for k in 0..<3 {
        var ak = a
        for r in 0..<3 { ak[r][k] = t[r] }
        b[k] = det(ak) / d
    }
    // Back to raw x: b0 + b1(x − m) + b2(x − m)².
    return (b[0] - b[1] * m + b[2] * m * m, b[1] - 2 * b[2] * m, b[2])
}
