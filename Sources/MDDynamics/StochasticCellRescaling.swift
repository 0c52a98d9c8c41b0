import MDCore
import MDPotentials

/// The thermostat that runs with a barostat: CSVR (default) or Langevin BAOAB.
public enum BarostatThermostat: Codable, Sendable, Equatable {
    /// Bussi CSVR with time constant τ in fs.
    case csvr(timeConstant: Double)
    /// Langevin BAOAB with friction γ in 1/ps.
    case langevin(friction: Double)
}

/// Stochastic cell rescaling (C-rescale) of Bernetti & Bussi, J. Chem. Phys. 153, 114107
/// (2020), isotropic and semi-isotropic, and its anisotropic and triclinic forms (Del Tatto,
/// Raiteri, Bernetti & Bussi, Appl. Sci. 12, 1139 (2022)): the isothermal–isobaric ensemble with
/// first-order (overdamped) cell dynamics, thermostatted by CSVR or Langevin.
///
/// Once per step, between the first half kick and the drift, the strain e (a symmetric
/// tensor, r → exp(e)·r) is drawn from the Euler–Maruyama step of the logarithmic strain,
///
///     de = (β_T/3τ_p) (P − P₀) dt + noise,
///
/// isotropic: d ln V = tr de = (β_T/τ_p)(p − p₀) dt + √(2k_BTβ_T/(Vτ_p)) dW — Bernetti & Bussi's
/// equation for ε = ln(V/V₀), which is GROMACS' `C-rescale` (reference manual eq.
/// `eqnstochasticcellrescaling`, written by the authors) and the Euler scheme "E" of their SimpleMD.
/// Their equation for V itself, dV = (β_TV/τ_p)(P − P₀ + k_BT/V) dt + √(2k_BTβ_TV/τ_p) dW, carries
/// a k_BT/V drift that Itô's rule removes in ln V; it is therefore absent here (drift and noise of
/// every coupling in ``BarostatParameters/driftStrain(pressure:dt:)`` and
/// ``BarostatParameters/noiseStrain(kT:volume:dt:rng:)``). This Euler step is first order and not
/// time-reversible; the authors' reversible scheme ("T": a step in λ = √V with constant diffusion
/// and force −2λ(P₀ − P − k_BT/2V), and an effective energy from the forward/backward transition
/// probabilities) is not used: the effective energy below closes the energy balance of each cell
/// move (as GROMACS' `baros_integral`), so its drift measures the particle integration and the
/// trapezoid estimate of ΔU, not the sampling error of the Euler cell step (README "Barostats").
/// P = (K + W)/V is the instantaneous pressure tensor with the half-step velocities. Positions and
/// cell scale by exp(e) and velocities by exp(−e), so the scaling does no work on the momenta'
/// phase-space volume (as GROMACS `pressureCouplingScaleBoxAndCoordinates` for C-rescale).
///
/// Step with CSVR:     R(Δt/2) · B(Δt/2) · C(Δt) · A(Δt) · F · B(Δt/2) · R(Δt/2)
/// Step with Langevin: B(Δt/2) · C(Δt) · A(Δt/2) · O(Δt) · A(Δt/2) · F · B(Δt/2)
///
/// Effective energy (Bernetti & Bussi's conserved quantity): H̃ = K + U + ∫P₀:dε V + Q, where Q
/// is the energy given to the thermostat and to the barostat's noise. The cell move changes K
/// exactly (computed), U by −W:e (trapezoid of the virials before and after the step, as GROMACS'
/// `baros_integral` to first order) and the external work by V̄·P₀:e; their sum goes into Q.
public struct StochasticCellRescaling: Integrator, Equatable {
    /// Δt in fs.
    public let timeStep: Double
    /// Target temperature T in K (of the thermostat and of the barostat noise).
    public let temperature: Double
    /// Target pressure, coupling time, compressibility, coupling and mask.
    public let barostat: BarostatParameters
    /// The particle thermostat (its own random stream and heat).
    public private(set) var thermostat: Thermostat
    /// Energy taken out by the barostat's noise and drift beyond the pressure work (eV).
    public private(set) var barostatHeat: Double = 0
    /// Work done against the target pressure, Σ V̄ P₀:e (eV): p₀ (V − V₀) for a hydrostatic target.
    public private(set) var pressureWork: Double = 0
    /// The barostat's random stream.
    public private(set) var rng: Xoshiro256StarStar

    /// The thermostat with its state.
    public enum Thermostat: Codable, Sendable, Equatable {
        case csvr(BussiCSVR)
        case langevin(LangevinBAOAB)
        var heat: Double {
            switch self { case .csvr(let t): t.heatToBath; case .langevin(let t): t.heatToBath }
        }
    }

    /// - Parameters:
    ///   - timeStep: Δt in fs (> 0).
    ///   - temperature: T in K (> 0).
    ///   - thermostat: CSVR (τ in fs) or Langevin (γ in 1/ps).
    ///   - barostat: the barostat parameters.
    ///   - seed: seed of the random streams (thermostat and barostat draw from independent streams).
    public init(timeStep: Double, temperature: Double, thermostat: BarostatThermostat, barostat: BarostatParameters,
                seed: UInt64) throws {
        try requirePositive("temperature", temperature, unit: "K")
        switch thermostat {
        case .csvr(let tau):
            self.thermostat = .csvr(try BussiCSVR(timeStep: timeStep, temperature: temperature, timeConstant: tau, seed: seed))
        case .langevin(let gamma):
            self.thermostat = .langevin(try LangevinBAOAB(timeStep: timeStep, temperature: temperature,
                                                          friction: gamma, seed: seed))
        }
        self.timeStep = timeStep
        self.temperature = temperature
        try barostat.validate()
        self.barostat = barostat
        self.rng = Xoshiro256StarStar(seed: seed ^ Self.barostatStream)
    }

    /// Distinguishes the barostat's stream from the thermostat's.
    static let barostatStream: UInt64 = 0xC3E5_CA1E_0B0A_5747

    public var requiredEvaluation: EvaluationRequest { .all }

    public var changesCell: Bool { true }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { thermostat.heat + barostatHeat + pressureWork }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        try state.requireBarostatCompatible()
        let dt = timeStep
        let start = state.system.positions
        switch thermostat {
        case .csvr(var csvr):
            csvr.rescale(&state, duration: 0.5 * dt)
            state.momentumStep(0.5 * dt)
            let strain = try rescaleCell(&state)
            state.positionStep(dt)
            try state.updateForces(forces, startPositions: start)
            try finishCellAccounting(state, strain: strain)
            state.momentumStep(0.5 * dt)
            csvr.rescale(&state, duration: 0.5 * dt)
            thermostat = .csvr(csvr)
        case .langevin(var langevin):
            state.momentumStep(0.5 * dt)
            let strain = try rescaleCell(&state)
            state.positionStep(0.5 * dt)
            langevin.ornsteinUhlenbeckStep(&state)
            state.positionStep(0.5 * dt)
            try state.updateForces(forces, startPositions: start)
            try finishCellAccounting(state, strain: strain)
            state.momentumStep(0.5 * dt)
            thermostat = .langevin(langevin)
        }
    }

    /// The C step: draws the strain, deforms cell, positions and velocities, and books the first
    /// half of the energy exchanged. Returns the strain.
    mutating func rescaleCell(_ state: inout DynamicsState) throws -> Matrix3 {
        guard let pressure = state.pressureTensor, let virial = state.virial else {
            throw DynamicsError.invalidParameter(name: "virial", value: .nan, requirement:
                "the barostat needs the virial from every force evaluation")
        }
        let kT = thermalEnergy(temperature)
        let volume = state.system.cell.volume
        let strain = barostat.driftStrain(pressure: pressure, dt: timeStep)
            + barostat.noiseStrain(kT: kT, volume: volume, dt: timeStep, rng: &rng)
        let kineticChange = state.deformCell(by: strain, scaleVelocities: true)
        let work = 0.5 * (volume + state.system.cell.volume) * barostat.targetPressure.contracted(with: strain)
        pressureWork += work
        barostatHeat -= kineticChange - 0.5 * virial.contracted(with: strain) + work
        return strain
    }

    /// The second half of the trapezoid estimate of ΔU = −W:e, with the virial after the step.
    mutating func finishCellAccounting(_ state: DynamicsState, strain: Matrix3) throws {
        guard let virial = state.virial else { return }
        barostatHeat += 0.5 * virial.contracted(with: strain)
    }
}

extension StochasticCellRescaling {
    /// Takes over the thermostat's and barostat's energies and random streams of `earlier`
    /// when the thermostat kind is the same; returns whether it did.
    mutating func adoptState(of earlier: StochasticCellRescaling) -> Bool {
        switch (thermostat, earlier.thermostat) {
        case (.csvr(var new), .csvr(let old)): new.adoptState(of: old); thermostat = .csvr(new)
        case (.langevin(var new), .langevin(let old)): new.adoptState(of: old); thermostat = .langevin(new)
        default: return false
        }
        barostatHeat = earlier.barostatHeat
        pressureWork = earlier.pressureWork
        rng = earlier.rng
        return true
    }
}
