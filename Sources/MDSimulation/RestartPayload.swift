import MDCore
import MDDynamics
import MDRunFile

/// What a MaceMD restart file holds: the dynamics checkpoint (atoms, velocities, cell,
/// step, time, forces, thermostat variables and random-number state, all exact) and the
/// identity of the run, checked or reported when continuing (see ``RestartContinuation``).
public struct RestartPayload: Codable, Equatable, Sendable {
    /// Integrator (with thermostat and RNG state) and dynamics state.
    public var checkpoint: DynamicsCheckpoint
    /// The seed the run started with.
    public var seed: UInt64
    /// The run file's ensemble (stored as its name, `nvt-langevin`).
    public var ensemble: EnsembleDefinition
    /// Atomic numbers of the run, checked on restart.
    public var atomicNumbers: [Int]
    /// Model, head and precision of the run (absent in files written before they were recorded).
    public var identity: RunIdentity?

    public init(checkpoint: DynamicsCheckpoint, seed: UInt64, ensemble: EnsembleDefinition, identity: RunIdentity? = nil) {
        self.checkpoint = checkpoint
        self.seed = seed
        self.ensemble = ensemble
        self.atomicNumbers = checkpoint.state.system.atomicNumbers
        self.identity = identity
    }
}
