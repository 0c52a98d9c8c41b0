import MDCore
import MDDynamics

/// What a MaceMD restart file holds: the dynamics checkpoint (atoms, velocities, cell,
/// step, time, forces, thermostat variables and random-number state, all exact) and the
/// identity of the run, checked when continuing.
public struct RestartPayload: Codable, Equatable, Sendable {
    /// Integrator (with thermostat and RNG state) and dynamics state.
    public var checkpoint: DynamicsCheckpoint
    /// The seed the run started with (informational).
    public var seed: UInt64
    /// The run file's ensemble name (`nvt-langevin`, ...), checked on restart.
    public var ensemble: String
    /// Atomic numbers of the run, checked on restart.
    public var atomicNumbers: [Int]

    public init(checkpoint: DynamicsCheckpoint, seed: UInt64, ensemble: String) {
        self.checkpoint = checkpoint
        self.seed = seed
        self.ensemble = ensemble
        self.atomicNumbers = checkpoint.state.system.atomicNumbers
    }
}
