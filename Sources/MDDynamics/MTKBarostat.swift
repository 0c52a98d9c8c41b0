import Foundation
import MDCore
import MDPotentials

/// Isotropic Martyna–Tobias–Klein NPT (J. Chem. Phys. 101, 4177 (1994)) with Nosé–Hoover chains on
/// the particles and on the barostat, integrated with the Trotter splitting of Martyna, Tuckerman,
/// Tobias & Klein (Mol. Phys. 87, 1117 (1996)) and Shinoda, Shiga & Mikami (Phys. Rev. B 69, 134103
/// (2004)) — the scheme of LAMMPS `fix npt iso` and ASE's `IsotropicMTKNPT`.
///
/// The cell scales as h = e^ε h₀ with the barostat velocity v_ε = p_ε/W, W = (N_f + 3) k_BT τ_p².
/// Equations of motion (α = 1 + 3/N_f, d = 3):
///
///     ṙ = v + v_ε r,   m v̇ = F − α v_ε m v − v_ξ1 m v,   V̇ = 3 V v_ε,
///     W v̇_ε = 3V (P − P₀) + (3/N_f)·2K − v_ξ′1 W v_ε,
///
/// with P = (2K + tr W_vir)/(3V) (``DynamicsState/pressure``). One step:
///
///     C_b(Δt/2) C_p(Δt/2) E(Δt/2) B(Δt/2) A(Δt) F B(Δt/2) E(Δt/2) C_p(Δt/2) C_b(Δt/2)
///
/// C: Nosé–Hoover chain half steps (``NoseHooverChain``) on the particles (N_f degrees of freedom)
/// and on the barostat (one degree of freedom, 2K_b = W v_ε²); E: v_ε += (Δt/2) G_ε/W;
/// B: v ← v e^(−α v_ε Δt/2) + (Δt/2)(F/m) e^(−α v_ε Δt/4) sinhc(α v_ε Δt/4);
/// A: r ← r e^(v_ε Δt) + Δt v e^(v_ε Δt/2) sinhc(v_ε Δt/2), h ← e^(v_ε Δt) h.
///
/// Conserved (``reservoirEnergy(_:)`` is everything after K + U):
///     H = K + U + W v_ε²/2 + P₀ V + E_chain(particles) + E_chain(barostat).
public struct MTKBarostat: Integrator, MTKSplitting, Equatable {
    /// Δt in fs.
    public let timeStep: Double
    /// Target temperature T in K.
    public let temperature: Double
    /// Hydrostatic target pressure p₀ in eV/Å³.
    public let pressure: Double
    /// Barostat period τ_p in fs (sets W).
    public let barostatTime: Double
    /// The particles' Nosé–Hoover chain.
    public private(set) var particleChain: NoseHooverChain
    /// The barostat's Nosé–Hoover chain (period τ_p).
    public private(set) var barostatChain: NoseHooverChain
    /// Barostat velocity v_ε in 1/fs.
    public private(set) var strainRate: Double = 0

    /// - Parameters: timeStep Δt (fs), temperature T (K), thermostat period τ (fs), chain length M,
    ///   the hydrostatic target `pressure` p₀ (eV/Å³) and barostat period τ_p (fs).
    public init(timeStep: Double, temperature: Double, thermostatTime: Double, chainLength: Int,
                pressure: Double, barostatTime: Double) throws {
        try requirePositive("barostat timeConstant", barostatTime, unit: "fs")
        guard pressure.isFinite else {
            throw DynamicsError.invalidParameter(name: "target pressure", value: pressure, requirement: "must be finite")
        }
        particleChain = try NoseHooverChain(timeStep: timeStep, temperature: temperature, timeConstant: thermostatTime,
                                            chainLength: chainLength)
        barostatChain = try NoseHooverChain(timeStep: timeStep, temperature: temperature, timeConstant: barostatTime,
                                            chainLength: chainLength)
        self.timeStep = timeStep
        self.temperature = temperature
        self.pressure = pressure
        self.barostatTime = barostatTime
    }

    public var requiredEvaluation: EvaluationRequest { .all }

    public var changesCell: Bool { true }

    /// The barostat mass W = (N_f + 3) k_BT τ_p² in eV·fs².
    func barostatMass(_ nf: Int) -> Double { Double(nf + 3) * thermalEnergy(temperature) * barostatTime * barostatTime }

    public func reservoirEnergy(_ state: DynamicsState) -> Double {
        let nf = state.degreesOfFreedom
        return 0.5 * barostatMass(nf) * strainRate * strainRate + pressure * state.system.cell.volume
            + particleChain.chainEnergy(degreesOfFreedom: nf) + barostatChain.chainEnergy(degreesOfFreedom: 1)
    }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        try advanceMTK(&state, forces: forces)
    }

    /// C_b C_p (or C_p C_b when `reversed`).
    mutating func chainsHalfStep(_ state: inout DynamicsState, mass w: Double, reversed: Bool = false) {
        let nf = state.degreesOfFreedom
        if !reversed { strainRate *= barostatChain.chainHalfStep(twiceKinetic: w * strainRate * strainRate, degreesOfFreedom: 1) }
        state.scaleVelocities(particleChain.chainHalfStep(twiceKinetic: 2 * state.kineticEnergy, degreesOfFreedom: nf))
        if reversed { strainRate *= barostatChain.chainHalfStep(twiceKinetic: w * strainRate * strainRate, degreesOfFreedom: 1) }
    }

    /// E(Δt/2): v_ε += (Δt/2) [3V(P − P₀) + (3/N_f) 2K] / W.
    mutating func kickBarostat(_ state: DynamicsState, mass w: Double) throws {
        guard let p = state.pressure else {
            throw DynamicsError.invalidParameter(name: "virial", value: .nan, requirement:
                "the barostat needs the virial from every force evaluation")
        }
        let volume = state.system.cell.volume
        let force = 3 * volume * (p - pressure) + 3 / Double(state.degreesOfFreedom) * 2 * state.kineticEnergy
        strainRate += 0.5 * timeStep * force / w
    }

    /// B(Δt/2) with the barostat's friction α v_ε.
    func kickParticles(_ state: inout DynamicsState) {
        let alpha = 1 + 3 / Double(state.degreesOfFreedom)
        let x = alpha * strainRate * 0.5 * timeStep
        let damping = exp(-x)
        let kick = 0.5 * timeStep * Units.accelerationPerForceOverMass * exp(-0.5 * x) * sinhc(0.5 * x)
        for i in 0..<state.system.count {
            state.system.velocities[i] = damping * state.system.velocities[i] + (kick / state.system.masses[i]) * state.forces[i]
        }
    }

    /// A(Δt): positions and cell with the barostat's dilation.
    func drift(_ state: inout DynamicsState) {
        let x = strainRate * timeStep
        let scale = exp(x)
        let move = timeStep * exp(0.5 * x) * sinhc(0.5 * x)
        state.system.cell.vectors = scale * state.system.cell.vectors
        for i in 0..<state.system.count {
            state.system.positions[i] = scale * state.system.positions[i] + move * state.system.velocities[i]
        }
    }
}

/// sinh(x)/x, by its Taylor series near 0.
func sinhc(_ x: Double) -> Double {
    let x2 = x * x
    return abs(x) < 1e-3 ? 1 + x2 / 6 * (1 + x2 / 20) : sinh(x) / x
}

extension MTKBarostat {
    /// Takes over chains and barostat velocity of `earlier` when the chains have the same length.
    mutating func adoptState(of earlier: MTKBarostat) -> Bool {
        guard particleChain.adoptState(of: earlier.particleChain), barostatChain.adoptState(of: earlier.barostatChain) else {
            return false
        }
        strainRate = earlier.strainRate
        return true
    }
}
