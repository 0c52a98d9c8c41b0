import MDCore
import MDDynamics
import MDIO
import MDRunFile

/// What continuing from a restart file takes from where, and what it refuses.
///
/// Kept from the restart file: positions, velocities, cell, step, time (and, for the same
/// ensemble, the thermostat's variables and random stream). Taken from the new run file:
/// the ensemble, its thermostat settings (`temperature_K`, `friction_per_ps`,
/// `thermostat_time_fs`, `nose_hoover_chain`), the time step, the model, head and precision,
/// and the outputs. Each such change is reported as a notice. Refused, because the run could
/// not continue: other atoms (number or elements) and other fixed atoms.
/// With nothing changed the continuation is bit-identical to an uninterrupted run.
struct RestartContinuation {
    var integrator: AnyIntegrator
    var state: DynamicsState
    var seed: UInt64
    /// One line per setting that differs from the restarted run, for the user.
    var notices: [String] = []

    /// Continues `payload` (read from `path`) with `runFile`'s settings for `system` (the
    /// run file's structure, for the atom check) and the fixed-atom mask `fixed`.
    init(_ payload: RestartPayload, path: String, runFile: RunFile, identity: RunIdentity,
         system: AtomicSystem, fixed: [Bool]) throws {
        let md = runFile.md
        guard payload.atomicNumbers == system.atomicNumbers else {
            throw SimulationError.restartMismatch(path: path, message: "its atoms differ from \(runFile.structure)")
        }
        guard payload.checkpoint.state.fixed == fixed else {
            throw SimulationError.restartMismatch(path: path, message:
                "its fixed atoms differ from the run file's and structure's (md.fixed_atoms, move_mask); other fixed atoms "
                + "cannot continue this run: start a new run from its final.xyz")
        }
        state = payload.checkpoint.state
        seed = md.seed ?? payload.seed
        let old = payload.checkpoint.integrator
        let (integrator, continuation) = try old.continuing(as: md.integratorEnsemble, timeStep: md.timestepFs, seed: seed)
        self.integrator = integrator

        if payload.ensemble != md.ensemble {
            notices.append("ensemble changed from \(payload.ensemble.name) to \(md.ensemble.name): positions, velocities, "
                           + "step and time continue; the \(md.ensemble.name) integrator starts afresh (seed \(seed))")
        } else if continuation == .startedAfresh {
            notices.append("md.nose_hoover_chain changed: the thermostat chain starts at rest")
        } else if integrator != old {
            let changes = Self.parameterChanges(from: old, to: integrator)
            notices.append("continuing \(md.ensemble.name) with the run file's settings: "
                           + (changes.isEmpty ? "thermostat or barostat settings changed" : changes.joined(separator: ", "))
                           + "; thermostat state and random stream carried over")
        }
        if continuation == .carriedOver, md.seed != nil, md.seed != payload.seed {
            notices.append("md.seed \(md.seed ?? 0) is not used: the restart file's random stream continues (it began with seed \(payload.seed))")
            seed = payload.seed
        }
        if runFile.gave(RunFileSchema.MD.initialTemperature.key) {
            notices.append("md.initial_temperature_K is not used: the velocities come from the restart file")
        }
        notices += payload.identity.map { identity.changes(since: $0) } ?? []
    }

    /// "temperature 300 K → 400 K"-style lines for the parameters that differ.
    static func parameterChanges(from old: AnyIntegrator, to new: AnyIntegrator) -> [String] {
        var changes: [String] = []
        func compare(_ name: String, _ a: Double, _ b: Double, _ unit: String) {
            if a != b { changes.append("\(name) \(a) \(unit) → \(b) \(unit)") }
        }
        compare("timestep_fs", old.timeStep, new.timeStep, "fs")
        switch (old, new) {
        case let (.langevin(a), .langevin(b)):
            compare("temperature_K", a.temperature, b.temperature, "K")
            compare("friction_per_ps", a.friction, b.friction, "1/ps")
        case let (.csvr(a), .csvr(b)):
            compare("temperature_K", a.temperature, b.temperature, "K")
            compare("thermostat_time_fs", a.timeConstant, b.timeConstant, "fs")
        case let (.noseHoover(a), .noseHoover(b)):
            compare("temperature_K", a.temperature, b.temperature, "K")
            compare("thermostat_time_fs", a.timeConstant, b.timeConstant, "fs")
        case let (.berendsen(a), .berendsen(b)):
            compare("temperature_K", a.temperature, b.temperature, "K")
            compare("thermostat_time_fs", a.timeConstant, b.timeConstant, "fs")
        default:
            break
        }
        return changes
    }
}

/// The model a run evaluates, recorded in restart files so that a continuation with another
/// model, head, precision or radial mode is reported.
public struct RunIdentity: Codable, Equatable, Sendable {
    /// Model file path (nil: the default model).
    public var model: String?
    /// Head of a multi-head model (nil: the model's only or recorded head).
    public var head: String?
    /// Precision of the evaluation.
    public var precision: Precision
    /// How the radial weights were computed (nil in files written before it was recorded: exact).
    public var radial: RadialMode?

    public init(model: String?, head: String?, precision: Precision, radial: RadialMode = .exact) {
        self.model = model
        self.head = head
        self.precision = precision
        self.radial = radial
    }

    /// The run file's model, head, precision and radial mode.
    public init(_ runFile: RunFile) {
        self.init(model: runFile.model, head: runFile.head, precision: runFile.precision, radial: runFile.radial)
    }

    /// Notices for what differs from `earlier`.
    func changes(since earlier: RunIdentity) -> [String] {
        var lines: [String] = []
        if model != earlier.model {
            lines.append("model changed from \(earlier.model ?? "the default model") to \(model ?? "the default model")")
        }
        if head != earlier.head { lines.append("head changed from \(earlier.head ?? "the model's") to \(head ?? "the model's")") }
        if precision != earlier.precision {
            lines.append("precision changed from \(earlier.precision.rawValue) to \(precision.rawValue)")
        }
        let (now, before) = (radial ?? .exact, earlier.radial ?? .exact)
        if now != before { lines.append("radial mode changed from \(before.rawValue) to \(now.rawValue)") }
        return lines
    }
}
