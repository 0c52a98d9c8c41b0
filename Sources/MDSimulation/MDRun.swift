import Foundation
import MDCore
import MDDynamics
import MDIO
import MDNeighbors
import MDPotentials

/// Runs molecular dynamics as a run file describes it.
///
/// Initial velocities, in order of precedence: a restart file's; Maxwell–Boltzmann at
/// `md.initial_temperature_K` when given; the structure file's velocities when it has any;
/// Maxwell–Boltzmann at `md.temperature_K` for thermostatted ensembles; zero for NVE.
/// Maxwell–Boltzmann velocities use the run's seed (centre-of-mass momentum removed,
/// rescaled to the exact temperature); the thermostat's random numbers use the same seed
/// in an independent stream.
public enum MDRun {
    /// What a finished run reports.
    public struct Summary: Sendable {
        public var steps: Int
        public var finalStep: Int
        public var simulatedFs: Double
        public var wallSeconds: Double
        public var neighborListBuilds: Int
        public var outputDirectory: String
        /// Simulated nanoseconds per wall-clock day.
        public var nanosecondsPerDay: Double { wallSeconds > 0 ? simulatedFs * 1e-6 / wallSeconds * 86400 : 0 }
    }

    /// Runs `runFile.md` with `potential`; see the type's notes.
    @discardableResult
    public static func run(_ runFile: RunFile, potential: any Potential, options: RunOptions = RunOptions()) throws -> Summary {
        let md = runFile.md
        let frame = try StructureFile.read(path: runFile.structure)
        var system = frame.system
        try potential.checkElements(of: system)
        let fixed = try fixedMask(md.fixedAtoms, fromFile: frame.fixedAtoms, count: system.count, key: "md.fixed_atoms")
        let periodic = system.cell.pbc.isFullyPeriodic
        let evaluator = try NeighborListEvaluator(potential: potential, skin: runFile.neighborSkin,
                                                  request: periodic ? .all : .energyAndForces)
        let forces = evaluator.closure
        let ensembleName = md.ensemble.rawValue

        var integrator: AnyIntegrator
        var state: DynamicsState
        let seed: UInt64
        if let restart = options.restart {
            let payload = try RestartFile.read(RestartPayload.self, from: restart)
            guard payload.atomicNumbers == system.atomicNumbers else {
                throw SimulationError.restartMismatch(path: restart, message: "its atoms differ from \(runFile.structure)")
            }
            guard payload.ensemble == ensembleName else {
                throw SimulationError.restartMismatch(path: restart, message:
                    "it was written by a '\(payload.ensemble)' run, not '\(ensembleName)'")
            }
            guard payload.checkpoint.integrator.timeStep == md.timestepFs else {
                throw SimulationError.restartMismatch(path: restart, message:
                    "its time step is \(payload.checkpoint.integrator.timeStep) fs, the run file says \(md.timestepFs) fs")
            }
            integrator = payload.checkpoint.integrator
            state = payload.checkpoint.state
            seed = payload.seed
        } else {
            seed = md.seed ?? UInt64.random(in: 0...UInt64(Int64.max))
            let thermostatted = md.ensemble != .nve
            if let t0 = md.initialTemperatureK {
                system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: t0, seed: velocitySeed(seed), fixed: fixed)
            } else if !frame.hasVelocities && thermostatted {
                system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: md.temperatureK,
                                                                    seed: velocitySeed(seed), fixed: fixed)
            }
            state = try DynamicsState(system: system, fixed: fixed, forces: forces)
            integrator = try AnyIntegrator(ensemble: ensemble(md), timeStep: md.timestepFs, seed: seed)
        }

        let hasPressure = periodic && state.virial != nil
        let outputs = try RunOutputs(runFile.output, system: state.system, columns: StatsColumn.md(periodic: hasPressure),
                                     continuing: options.restart != nil, overwrite: options.overwrite,
                                     timeStepFs: md.timestepFs, trajectoryOptions: TrajectoryOptions())
        defer { try? outputs.close() }
        let startStep = state.step, startTime = state.time
        let totalSteps = options.restart == nil ? md.steps : max(md.steps, state.step)
        var progress = ProgressReporter(quiet: options.quiet, startStep: startStep, startTimeFs: startTime)
        let every = runFile.output

        func record(_ s: DynamicsState, _ integ: AnyIntegrator) throws {
            if s.step % every.statsEvery == 0 {
                var row = [Double(s.step), s.time, s.potentialEnergy, s.kineticEnergy, s.totalEnergy, s.temperature,
                           integ.conservedEnergy(s)]
                if hasPressure {
                    let volume = s.system.cell.volume
                    row += [volume, pressureGPa(s, volume: volume)]
                }
                try outputs.writeStats(step: s.step, row)
            }
            if every.trajectoryEvery > 0 && s.step % every.trajectoryEvery == 0 {
                try outputs.writeFrame(TrajectorySnapshot(system: s.system, step: s.step, timeFs: s.time,
                                                          energy: s.potentialEnergy, forces: s.forces,
                                                          stress: s.virial.map { (-1 / s.system.cell.volume) * $0 }))
            }
            if every.restartEvery > 0 && s.step % every.restartEvery == 0 && s.step > startStep {
                try outputs.writeRestart(RestartPayload(checkpoint: DynamicsCheckpoint(integrator: integ, state: s),
                                                        seed: seed, ensemble: ensembleName))
            }
            progress.report(.init(step: s.step, totalSteps: totalSteps, timeFs: s.time, temperatureK: s.temperature,
                                  potentialEnergyEV: s.potentialEnergy))
        }

        let clock = DispatchTime.now().uptimeNanoseconds
        if options.restart == nil { try record(state, integrator) }
        do {
            try integrator.run(&state, steps: max(0, totalSteps - state.step), forces: forces) { s, integ in
                try record(s, integ)
            }
        } catch {
            progress.finish()
            try? writeEnd(state, integrator, outputs: outputs, seed: seed, ensembleName: ensembleName, metadata: options.metadata)
            throw SimulationError.stopped(step: state.step + 1, reason: "\(error)", lastGoodFrame: outputs.finalPath)
        }
        progress.report(.init(step: state.step, totalSteps: totalSteps, timeFs: state.time,
                              temperatureK: state.temperature, potentialEnergyEV: state.potentialEnergy), force: true)
        progress.finish()
        try writeEnd(state, integrator, outputs: outputs, seed: seed, ensembleName: ensembleName, metadata: options.metadata)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        return Summary(steps: state.step - startStep, finalStep: state.step, simulatedFs: state.time - startTime,
                       wallSeconds: wall, neighborListBuilds: evaluator.neighbors.buildCount,
                       outputDirectory: outputs.directory)
    }

    /// The restart file and final structure at the end (or at the last good step).
    static func writeEnd(_ state: DynamicsState, _ integrator: AnyIntegrator, outputs: RunOutputs,
                         seed: UInt64, ensembleName: String, metadata: [String: String] = [:]) throws {
        try outputs.writeRestart(RestartPayload(checkpoint: DynamicsCheckpoint(integrator: integrator, state: state),
                                                seed: seed, ensemble: ensembleName))
        var info = ExtXYZInfo()
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { info[key] = .string(value) }
        info["step"] = .int(state.step)
        info["time_fs"] = .double(state.time)
        try outputs.writeFinal(ExtXYZFrame(system: state.system, hasVelocities: true, info: info,
                                           energy: state.potentialEnergy, forces: state.forces,
                                           stress: state.virial.map { (-1 / state.system.cell.volume) * $0 }))
    }

    /// Instantaneous pressure P = (2K + tr W) / (3V), kinetic (ideal-gas) term included, in GPa.
    static func pressureGPa(_ s: DynamicsState, volume: Double) -> Double {
        guard let w = s.virial, volume > 0 else { return .nan }
        return (2 * s.kineticEnergy + w.trace) / (3 * volume) * Units.gigapascalPerEVPerCubicAngstrom
    }

    /// The run file's ensemble as an integrator choice.
    static func ensemble(_ md: MDSettings) -> Ensemble {
        switch md.ensemble {
        case .nve: return .nve
        case .nvtLangevin: return .langevin(temperature: md.temperatureK, friction: md.frictionPerPs)
        case .nvtCSVR: return .csvr(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs)
        case .nvtNoseHoover:
            return .noseHoover(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs, chainLength: md.noseHooverChain)
        case .nvtBerendsen: return .berendsen(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs)
        }
    }

    /// The seed of the initial-velocity stream, independent of the thermostat's stream.
    static func velocitySeed(_ seed: UInt64) -> UInt64 { seed ^ 0x9E37_79B9_7F4A_7C15 }
}

/// The fixed-atom mask from run-file indices and the structure file's `move_mask`.
func fixedMask(_ indices: [Int], fromFile: [Int]?, count: Int, key: String) throws -> [Bool] {
    var mask = Array(repeating: false, count: count)
    for i in indices {
        guard i >= 0 && i < count else {
            throw SimulationError.invalidSetting(key: key, message: "atom index \(i) is out of range (the structure has \(count) atoms, indices 0...\(count - 1))")
        }
        mask[i] = true
    }
    for i in fromFile ?? [] where i >= 0 && i < count { mask[i] = true }
    return mask
}
