import Foundation
import MDCore
import MDPotentials

/// Semi-isotropic, anisotropic and fully flexible (triclinic) Martyna–Tobias–Klein NPT (J. Chem. Phys. 101, 4177
/// (1994), the flexible-cell equations) with Nosé–Hoover chains on the particles and on the barostat,
/// integrated with the Trotter splitting of Shinoda, Shiga & Mikami (Phys. Rev. B 69, 134103 (2004)) —
/// the scheme of LAMMPS `fix npt aniso/tri` (fix_nh.cpp) and ASE's `MTKNPT` (ase/md/nose_hoover_chain.py).
/// The isotropic form is ``MTKBarostat``.
///
/// The barostat velocity is a symmetric tensor v_g (1/fs) whose masked Voigt components stay zero
/// (``BarostatParameters/mask``; anisotropic coupling: diagonal only; semi-isotropic: diagonal with
/// v_g,xx = v_g,yy, see ``kickBarostat(_:mass:)``). As in ``StochasticCellRescaling``
/// the strain is symmetric (no cell rotation): positions and cell vectors move as r → exp(v_g t)·r.
/// Equations of motion (N_f particle degrees of freedom):
///
///     ṙ = v + v_g·r,   m v̇ = F − (v_g + tr(v_g)/N_f · 1)·m v − v_ξ1 m v,   ḣ = v_g·h,
///     W v̇_g,ab = [V (P − P₀) + (2K/N_f) 1]_ab − v_ξ′1 W v_g,ab     (unmasked ab),
///
/// with P = (Σ m v vᵀ + W_vir)/V (``DynamicsState/pressureTensor``, symmetrised) and the target
/// tensor P₀. Each component has mass W = (N_f + 3) k_BT τ_p² / 3 (= (N + 1) k_BT τ_p² for N free
/// atoms, the mass of ASE's `MTKBarostat` and of LAMMPS' `omega_mass`), so that the isotropic mode
/// v_g = v_ε·1 has the mass and period of ``MTKBarostat``. Differences from the references: LAMMPS
/// keeps h upper triangular (tilt rates instead of a symmetric strain rate) and ASE's barostat chain
/// counts 9 cell degrees of freedom; here the chain counts the n_b independent (unmasked) components
/// of the symmetric v_g, so that each has ⟨W v_g,aa²⟩ = k_BT and ⟨2W v_g,ab²⟩ = k_BT. One step:
///
///     C_b(Δt/2) C_p(Δt/2) E(Δt/2) B(Δt/2) A(Δt) F B(Δt/2) E(Δt/2) C_p(Δt/2) C_b(Δt/2)
///
/// C: Nosé–Hoover chain half steps on the particles (N_f) and on the barostat (n_b degrees of freedom,
/// the unmasked components; 2K_b = W Σ_ab v_g,ab²); E: v_g += (Δt/2) G/W;
/// B: v ← e^(−AΔt/2)·v + (Δt/2) φ(AΔt/2)·F/m with A = v_g + tr(v_g)/N_f and φ(X) = (1 − e^(−X))/X;
/// A: r ← e^(v_gΔt)·r + Δt ψ(v_gΔt)·v with ψ(X) = (e^X − 1)/X, h ← e^(v_gΔt)·h.
///
/// Conserved (``reservoirEnergy(_:)`` is everything after K + U):
///     H = K + U + W Σ_ab v_g,ab²/2 + ∫ V P₀:v_g dt + E_chain(particles) + E_chain(barostat),
/// where the pressure work ∫ V P₀:v_g dt (= p₀ ΔV for a hydrostatic target) is integrated exactly
/// over each drift (v_g is constant there and V grows as e^(tr(v_g) t)).
public struct MTKCellBarostat: Integrator, MTKSplitting, Equatable {
    /// Δt in fs.
    public let timeStep: Double
    /// Target temperature T in K.
    public let temperature: Double
    /// Target pressure tensor, barostat period τ_p (``BarostatParameters/timeConstant``, fs),
    /// coupling (semi-isotropic, anisotropic or triclinic) and mask; the compressibility is not used.
    public let barostat: BarostatParameters
    /// The particles' Nosé–Hoover chain.
    public private(set) var particleChain: NoseHooverChain
    /// The barostat's Nosé–Hoover chain (period τ_p).
    public private(set) var barostatChain: NoseHooverChain
    /// Barostat velocity v_g (symmetric) in 1/fs.
    public private(set) var strainRate = Matrix3.zero
    /// Work done against the target pressure, ∫ V P₀:v_g dt, in eV.
    public private(set) var pressureWork: Double = 0

    /// - Parameters: timeStep Δt (fs), temperature T (K), thermostat period τ (fs), chain length M, and
    ///   the `barostat` (semi-isotropic, anisotropic or triclinic coupling; its time constant is the barostat period τ_p).
    public init(timeStep: Double, temperature: Double, thermostatTime: Double, chainLength: Int,
                barostat: BarostatParameters) throws {
        try barostat.validate()
        guard barostat.coupling != .isotropic else {
            throw DynamicsError.invalidParameter(name: "pressure coupling", value: 0, requirement:
                "isotropic MTK is MTKBarostat; MTKCellBarostat takes semi-isotropic, anisotropic or triclinic coupling")
        }
        particleChain = try NoseHooverChain(timeStep: timeStep, temperature: temperature, timeConstant: thermostatTime,
                                            chainLength: chainLength)
        barostatChain = try NoseHooverChain(timeStep: timeStep, temperature: temperature,
                                            timeConstant: barostat.timeConstant, chainLength: chainLength)
        self.timeStep = timeStep
        self.temperature = temperature
        self.barostat = barostat
    }

    public var requiredEvaluation: EvaluationRequest { .all }

    public var changesCell: Bool { true }

    /// The mass of each strain-rate component, W = (N_f + 3) k_BT τ_p² / 3 in eV·fs².
    func barostatMass(_ nf: Int) -> Double {
        Double(nf + 3) * thermalEnergy(temperature) * barostat.timeConstant * barostat.timeConstant / 3
    }

    /// The barostat's degrees of freedom n_b: the unmasked Voigt components (semi-isotropic: the
    /// unmasked of the xy mode and z).
    var barostatDegreesOfFreedom: Int { barostat.strainModes }

    /// 2K_b = W Σ_ab v_g,ab² in eV.
    func twiceBarostatKinetic(mass w: Double) -> Double { w * (strainRate.transposed * strainRate).trace }

    public func reservoirEnergy(_ state: DynamicsState) -> Double {
        let nf = state.degreesOfFreedom
        return 0.5 * twiceBarostatKinetic(mass: barostatMass(nf)) + pressureWork
            + particleChain.chainEnergy(degreesOfFreedom: nf)
            + barostatChain.chainEnergy(degreesOfFreedom: barostatDegreesOfFreedom)
    }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        try advanceMTK(&state, forces: forces)
    }

    /// C_b C_p (or C_p C_b when `reversed`).
    mutating func chainsHalfStep(_ state: inout DynamicsState, mass w: Double, reversed: Bool = false) {
        let nb = barostatDegreesOfFreedom
        if !reversed {
            strainRate = barostatChain.chainHalfStep(twiceKinetic: twiceBarostatKinetic(mass: w), degreesOfFreedom: nb) * strainRate
        }
        state.scaleVelocities(particleChain.chainHalfStep(twiceKinetic: 2 * state.kineticEnergy,
                                                          degreesOfFreedom: state.degreesOfFreedom))
        if reversed {
            strainRate = barostatChain.chainHalfStep(twiceKinetic: twiceBarostatKinetic(mass: w), degreesOfFreedom: nb) * strainRate
        }
    }

    /// E(Δt/2): v_g,ab += (Δt/2) G_ab / W with G = V(P − P₀) + (2K/N_f) 1 for the unmasked
    /// components. Semi-isotropic coupling moves v_g,xx = v_g,yy as one mode of mass 2W driven by
    /// G_xx + G_yy (LAMMPS `couple xy`: each of x, y kicked by the mean of G_xx and G_yy).
    mutating func kickBarostat(_ state: DynamicsState, mass w: Double) throws {
        guard let p = state.pressureTensor else {
            throw DynamicsError.invalidParameter(name: "virial", value: .nan, requirement:
                "the barostat needs the virial from every force evaluation")
        }
        let volume = state.system.cell.volume
        let kineticTerm = 2 * state.kineticEnergy / Double(state.degreesOfFreedom)
        func force(_ a: Int, _ b: Int) -> Double {
            volume * (0.5 * (p[a, b] + p[b, a]) - barostat.targetPressure[a, b]) + (a == b ? kineticTerm : 0)
        }
        let kick = 0.5 * timeStep / w
        if barostat.coupling == .semiIsotropic {
            if barostat.mask[0] {
                strainRate[0, 0] += kick * 0.5 * (force(0, 0) + force(1, 1))
                strainRate[1, 1] = strainRate[0, 0]
            }
            if barostat.mask[2] { strainRate[2, 2] += kick * force(2, 2) }
            return
        }
        for (k, (a, b)) in BarostatParameters.voigtIndices.enumerated() where barostat.mask[k] {
            strainRate[a, b] += kick * force(a, b)
            if a != b { strainRate[b, a] = strainRate[a, b] }
        }
    }

    /// B(Δt/2) with the barostat's friction A = v_g + tr(v_g)/N_f · 1.
    func kickParticles(_ state: inout DynamicsState) {
        let shift = strainRate.trace / Double(state.degreesOfFreedom)
        let friction = (0.5 * timeStep) * (strainRate + Matrix3(diagonal: SIMD3(shift, shift, shift)))
        let damping = (-1 * friction).exponential
        let kick = (0.5 * timeStep * Units.accelerationPerForceOverMass) * Self.phi(friction)
        for i in 0..<state.system.count {
            state.system.velocities[i] = damping * state.system.velocities[i]
                + (1 / state.system.masses[i]) * (kick * state.forces[i])
        }
    }

    /// A(Δt): positions and cell with the barostat's strain rate, and the pressure work over it.
    mutating func drift(_ state: inout DynamicsState) {
        let strain = timeStep * strainRate
        let scale = strain.exponential
        let move = timeStep * Self.phi(-1 * strain)
        let volume = state.system.cell.volume
        let h = state.system.cell.vectors
        state.system.cell.vectors = Matrix3(rows: scale * h.rows.0, scale * h.rows.1, scale * h.rows.2)
        for i in 0..<state.system.count {
            state.system.positions[i] = scale * state.system.positions[i] + move * state.system.velocities[i]
        }
        // ∫₀^Δt V₀ e^(tr(v_g) t) dt · P₀:v_g
        let x = strain.trace
        pressureWork += volume * timeStep * exp(0.5 * x) * sinhc(0.5 * x) * barostat.targetPressure.contracted(with: strainRate)
    }

    /// φ(X) = (1 − e^(−X))/X = Σ_k (−X)^k/(k+1)! for a small matrix X (‖X‖ ≪ 1 per step).
    static func phi(_ x: Matrix3) -> Matrix3 {
        var result = Matrix3.identity
        var term = Matrix3.identity
        for k in 1...12 {
            term = (-1 / Double(k + 1)) * (term * x)
            result += term
            if term.maxAbs < 1e-18 { break }
        }
        return result
    }
}

extension MTKCellBarostat {
    /// Takes over chains, barostat velocity and pressure work of `earlier` when the chains have the
    /// same length and the coupling and mask are the same.
    mutating func adoptState(of earlier: MTKCellBarostat) -> Bool {
        guard barostat.coupling == earlier.barostat.coupling, barostat.mask == earlier.barostat.mask,
              particleChain.adoptState(of: earlier.particleChain), barostatChain.adoptState(of: earlier.barostatChain) else {
            return false
        }
        strainRate = earlier.strainRate
        pressureWork = earlier.pressureWork
        return true
    }
}
