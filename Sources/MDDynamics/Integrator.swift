import MDCore
import MDPotentials

/// An MD integrator: advances a ``DynamicsState`` by one time step using a force evaluator.
///
/// Conformers are small `Codable` value types that own their parameters, thermostat
/// variables and random-number state, so `(integrator, state)` encoded together is an
/// exact restart point. They implement ``advance(_:forces:)``; callers use
/// ``step(_:forces:)``, which adds the safety net: on any error neither the state nor the
/// integrator changes, so the caller keeps the last good frame.
public protocol Integrator: Codable, Sendable {
    /// The time step Δt in fs.
    var timeStep: Double { get }

    /// What the integrator needs from each force evaluation (a barostat adds `.virial`);
    /// drivers request at least this. Default: energy and forces.
    var requiredEvaluation: EvaluationRequest { get }

    /// Whether the integrator changes the cell (a barostat). Default: false.
    var changesCell: Bool { get }

    /// Energy exchanged with the heat bath, or the thermostat's own energy (eV), such that
    /// K + U + reservoirEnergy is conserved by the exact dynamics (0 for NVE).
    func reservoirEnergy(_ state: DynamicsState) -> Double

    /// Advances `state` by one step of ``timeStep`` (positions, velocities, forces). Does
    /// not touch `state.step`/`state.time`; may leave `state` half-updated when it throws.
    mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws
}

extension Integrator {
    public var requiredEvaluation: EvaluationRequest { .energyAndForces }

    public var changesCell: Bool { false }

    /// One checked step: advances copies of the state and of the integrator and commits
    /// them only when the step succeeded (finite energy, forces and velocities, no atom
    /// moved more than `state.maxDisplacementPerStep`).
    public mutating func step(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        var next = state
        var integrator = self
        try integrator.advance(&next, forces: forces)
        try next.checkVelocities()
        next.step += 1
        next.time += timeStep
        state = next
        self = integrator
    }

    /// `steps` checked steps; `observer` (if any) sees the state and the integrator after
    /// every step (the integrator for ``conservedEnergy(_:)``: an observer must not capture
    /// the integrator variable that is running).
    public mutating func run(_ state: inout DynamicsState, steps: Int, forces: ForceEvaluator,
                             observer: ((DynamicsState, Self) throws -> Void)? = nil) throws {
        for _ in 0..<steps {
            try step(&state, forces: forces)
            try observer?(state, self)
        }
    }

    /// The quantity the thermostatted dynamics conserves, K + U + reservoirEnergy (eV):
    /// the total energy for NVE, the Nosé-Hoover extended energy for NHC, and the total
    /// energy plus the energy given to the bath for Langevin, CSVR and Berendsen.
    public func conservedEnergy(_ state: DynamicsState) -> Double {
        state.kineticEnergy + state.potentialEnergy + reservoirEnergy(state)
    }
}

/// k_B·T in eV for T in K.
@inline(__always) func thermalEnergy(_ temperature: Double) -> Double { Units.boltzmann * temperature }
