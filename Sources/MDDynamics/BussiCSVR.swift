import Foundation
import MDCore
import MDPotentials

/// The canonical sampling through velocity rescaling (CSVR) thermostat of Bussi, Donadio
/// & Parrinello, J. Chem. Phys. 126, 014101 (2007).
///
/// Each step is R(Δt/2) · velocity Verlet · R(Δt/2), where R(t) rescales all velocities by
/// α = √(K′/K) with K′ drawn from the exact solution of the stochastic kinetic-energy
/// equation (Bussi eq. A7), c = e^(−t/τ), K̄ = N_f k_B T / 2:
///
///     K′ = cK + (1 − c) K̄ (R₁² + Σ_{i=2}^{N_f} R_i²)/N_f + 2R₁ √(c(1 − c) K K̄ / N_f),
///     sign α = sign(R₁ + √(c N_f K / ((1 − c) K̄))).
///
/// The Σ R_i² term is a χ² deviate with N_f − 1 degrees of freedom. The energy removed by
/// the rescalings is accumulated in ``heatToBath``. Rescaling cannot create motion: start
/// from non-zero velocities (``MaxwellBoltzmann``), not from K = 0.
public struct BussiCSVR: Integrator, Equatable {
    /// Δt in fs.
    public let timeStep: Double
    /// Target temperature T in K.
    public let temperature: Double
    /// Relaxation time τ in fs.
    public let timeConstant: Double
    /// Energy given to the bath so far (eV).
    public private(set) var heatToBath: Double = 0
    /// The random-number generator.
    public private(set) var rng: Xoshiro256StarStar

    /// - Parameters:
    ///   - timeStep: Δt in fs (> 0).
    ///   - temperature: T in K (≥ 0).
    ///   - timeConstant: τ in fs (> 0); typically 10–100 Δt.
    ///   - seed: seed of the random stream.
    public init(timeStep: Double, temperature: Double, timeConstant: Double, seed: UInt64) throws {
        try requirePositive("timeStep", timeStep, unit: "fs")
        try requireNonNegative("temperature", temperature, unit: "K")
        try requirePositive("timeConstant", timeConstant, unit: "fs")
        self.timeStep = timeStep
        self.temperature = temperature
        self.timeConstant = timeConstant
        self.rng = Xoshiro256StarStar(seed: seed)
    }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { heatToBath }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        rescale(&state, duration: 0.5 * timeStep)
        try VelocityVerlet.verletStep(&state, timeStep: timeStep, forces: forces)
        rescale(&state, duration: 0.5 * timeStep)
    }

    /// Draws K′ as in the type's notes and rescales the velocities to it.
    mutating func rescale(_ state: inout DynamicsState, duration: Double) {
        let nf = state.degreesOfFreedom
        let kinetic = state.kineticEnergy
        guard nf > 0, kinetic > 0 else { return }
        let c = exp(-duration / timeConstant)
        let target = 0.5 * Double(nf) * thermalEnergy(temperature)
        let r1 = rng.normalPair().0
        let newKinetic: Double
        var alpha: Double
        if target > 0 {
            let rest = rng.chiSquared(nf - 1)
            newKinetic = c * kinetic + (1 - c) * target * (r1 * r1 + rest) / Double(nf)
                + 2 * r1 * (c * (1 - c) * kinetic * target / Double(nf)).squareRoot()
            alpha = (newKinetic / kinetic).squareRoot()
            if r1 + (c * Double(nf) * kinetic / ((1 - c) * target)).squareRoot() < 0 { alpha = -alpha }
        } else {
            newKinetic = c * kinetic
            alpha = c.squareRoot()
        }
        state.scaleVelocities(alpha)
        heatToBath += kinetic - state.kineticEnergy
    }
}

extension BussiCSVR {
    /// Takes over the bath energy and random stream of `earlier` (see ``LangevinBAOAB``).
    mutating func adoptState(of earlier: BussiCSVR) {
        heatToBath = earlier.heatToBath
        rng = earlier.rng
    }
}
