import Foundation
import MDCore
import MDDynamics
import MDIO
import MDRunFile
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
        /// Of `wallSeconds`: seconds in the potential's evaluations and in neighbour-list
        /// updates (the rest is the integrator, thermostat, output and bookkeeping).
        public var potentialSeconds: Double = 0
        public var neighborListSeconds: Double = 0
        /// Milliseconds per step: all, then the potential, the neighbour list and the rest.
        public var millisecondsPerStep: (total: Double, potential: Double, neighborList: Double, rest: Double) {
            guard steps > 0 else { return (0, 0, 0, 0) }
            let n = Double(steps) / 1000
            return (wallSeconds / n, potentialSeconds / n, neighborListSeconds / n,
                    (wallSeconds - potentialSeconds - neighborListSeconds) / n)
        }
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
        let fixed = try FixedAtomsSetting.mask(md.fixedAtoms, frame: frame, key: "md.fixed_atoms")
        let identity = RunIdentity(runFile)
        // What each evaluation computes: what the integrator needs, plus the virial for the
        // stats log's pressure in periodic cells.
        func makeEvaluator(for integrator: AnyIntegrator) throws -> NeighborListEvaluator {
            let request = integrator.requiredEvaluation.union(system.cell.pbc.isFullyPeriodic ? .virial : [])
            return try NeighborListEvaluator(potential: potential, skin: runFile.neighborSkin, request: request)
        }

        var integrator: AnyIntegrator
        var state: DynamicsState
        let evaluator: NeighborListEvaluator
        let seed: UInt64
        if let restart = options.restart {
            let payload = try RestartFile.read(RestartPayload.self, from: restart)
            let continuation = try RestartContinuation(payload, path: restart, runFile: runFile, identity: identity,
                                                       system: system, fixed: fixed)
            continuation.notices.forEach { options.notice("restart: \($0)") }
            (integrator, state, seed) = (continuation.integrator, continuation.state, continuation.seed)
            evaluator = try makeEvaluator(for: integrator)
            if state.step >= md.steps {
                guard state.step == md.steps else {
                    throw SimulationError.invalidSetting(key: "md.steps", message:
                        "the restart file is at step \(state.step), past md.steps = \(md.steps); md.steps (and --steps) "
                        + "is the step the run ends at, not a number of further steps: ask for more than \(state.step)")
                }
                options.notice("nothing to do: the restart file is already at step \(state.step) = md.steps")
                return Summary(steps: 0, finalStep: state.step, simulatedFs: 0, wallSeconds: 0, neighborListBuilds: 0,
                               outputDirectory: runFile.output.directory)
            }
        } else {
            seed = md.seed ?? UInt64.random(in: 0...UInt64(Int64.max))
            if let t0 = md.initialTemperatureK {
                system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: t0, seed: velocitySeed(seed), fixed: fixed)
            } else if !frame.hasVelocities && md.ensemble.isThermostatted {
                system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: md.temperatureK,
                                                                    seed: velocitySeed(seed), fixed: fixed)
            } else if md.seed != nil && !md.ensemble.isStochastic {
                options.notice("md.seed has no effect: \(md.ensemble.name) draws no random numbers and the velocities "
                               + "come from \(runFile.structure)")
            }
            integrator = try AnyIntegrator(ensemble: md.integratorEnsemble, timeStep: md.timestepFs, seed: seed)
            evaluator = try makeEvaluator(for: integrator)
            state = try DynamicsState(system: system, fixed: fixed, forces: evaluator.closure)
        }
        let forces = evaluator.closure
        if integrator.changesCell && !state.system.cell.pbc.isFullyPeriodic {
            throw SimulationError.invalidSetting(key: "md.ensemble", message: "\(md.ensemble.name) changes the cell and "
                + "needs a fully periodic structure (pbc T T T with a cell); \(runFile.structure) is not")
        }
        if integrator.changesCell && state.fixed.contains(true) {
            throw SimulationError.invalidSetting(key: "md.fixed_atoms", message: "\(md.ensemble.name) changes the cell "
                + "and does not support fixed atoms (md.fixed_atoms or the structure's move_mask)")
        }

        let hasPressure = state.pressure != nil
        // A restart keeps the columns of the log it appends to (NVT → NVE keeps the target
        // temperature column, written as NaN).
        let targetColumn = integrator.targetTemperature != nil
            || (options.restart != nil && existingLogHasTargetTemperature(runFile.output))
        let changingCell = integrator.changesCell
        let columns = StatsColumn.md(periodic: hasPressure, targetTemperature: targetColumn, changingCell: changingCell)
        let outputs = try RunOutputs(runFile.output, system: state.system, columns: columns,
                                     continuing: options.restart != nil, overwrite: options.overwrite,
                                     timeStepFs: md.timestepFs, trajectoryOptions: TrajectoryOptions(metadata: options.metadata),
                                     perAtomColumns: KeptColumns.columns(of: frame, fixed: state.fixed))
        defer { try? outputs.close() }
        let startStep = state.step, startTime = state.time
        let totalSteps = md.steps
        var progress = ProgressReporter(quiet: options.quiet, startStep: startStep, startTimeFs: startTime)
        let every = runFile.output

        func payload(_ s: DynamicsState, _ integ: AnyIntegrator) -> RestartPayload {
            RestartPayload(checkpoint: DynamicsCheckpoint(integrator: integ, state: s), seed: seed, ensemble: md.ensemble,
                           identity: identity)
        }

        func record(_ s: DynamicsState, _ integ: AnyIntegrator) throws {
            if s.step % every.statsEvery == 0 {
                var row = [Double(s.step), s.time, s.potentialEnergy, s.kineticEnergy, s.totalEnergy, s.temperature,
                           integ.conservedEnergy(s)]
                if hasPressure {
                    row += [s.system.cell.volume, (s.pressure ?? .nan) * Units.gigapascalPerEVPerCubicAngstrom]
                }
                if targetColumn { row.append(integ.targetTemperature ?? .nan) }
                if hasPressure && changingCell { row += cellAndPressureTensor(s) }
                try outputs.writeStats(step: s.step, row)
            }
            if every.trajectoryEvery > 0 && s.step % every.trajectoryEvery == 0 {
                try outputs.writeFrame(TrajectorySnapshot(system: s.system, step: s.step, timeFs: s.time,
                                                          energy: s.potentialEnergy, forces: s.forces, stress: s.stress))
            }
            if every.restartEvery > 0 && s.step % every.restartEvery == 0 && s.step > startStep {
                try outputs.writeRestart(payload(s, integ))
            }
            progress.report(.init(step: s.step, totalSteps: totalSteps, timeFs: s.time, temperatureK: s.temperature,
                                  potentialEnergyEV: s.potentialEnergy))
        }

        let clock = DispatchTime.now().uptimeNanoseconds
        let timeBefore = evaluator.time
        if options.restart == nil { try record(state, integrator) }
        do {
            try integrator.run(&state, steps: max(0, totalSteps - state.step), forces: forces) { s, integ in
                try record(s, integ)
                try options.interrupt?.stopIfRequested()
            }
        } catch let stop as StopRequested {
            progress.finish()
            try writeEnd(state, integrator, outputs: outputs, payload: payload(state, integrator))
            throw RunInterrupted(signal: stop.signal, step: state.step, restartFile: outputs.restartPath,
                                 finalStructure: outputs.finalPath)
        } catch {
            progress.finish()
            try? writeEnd(state, integrator, outputs: outputs, payload: payload(state, integrator), metadata: options.metadata)
            throw SimulationError.stopped(step: state.step + 1, reason: "\(error)", lastGoodFrame: outputs.finalPath)
        }
        progress.report(.init(step: state.step, totalSteps: totalSteps, timeFs: state.time,
                              temperatureK: state.temperature, potentialEnergyEV: state.potentialEnergy), force: true)
        progress.finish()
        try writeEnd(state, integrator, outputs: outputs, payload: payload(state, integrator), metadata: options.metadata)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        return Summary(steps: state.step - startStep, finalStep: state.step, simulatedFs: state.time - startTime,
                       wallSeconds: wall, neighborListBuilds: evaluator.neighbors.buildCount,
                       outputDirectory: outputs.directory,
                       potentialSeconds: evaluator.time.potentialSeconds - timeBefore.potentialSeconds,
                       neighborListSeconds: evaluator.time.neighborListSeconds - timeBefore.neighborListSeconds)
    }

    /// The restart file and final structure at the end (or at the last good step).
    static func writeEnd(_ state: DynamicsState, _ integrator: AnyIntegrator, outputs: RunOutputs,
                         payload: RestartPayload, metadata: [String: String] = [:]) throws {
        try outputs.writeRestart(payload)
        var info = ExtXYZInfo()
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { info[key] = .string(value) }
        info["step"] = .int(state.step)
        info["time_fs"] = .double(state.time)
        try outputs.writeFinal(StructureRecord(system: state.system, hasVelocities: true, info: info,
                                           energy: state.potentialEnergy, forces: state.forces, stress: state.stress))
    }

    /// Whether the stats log a restart appends to already has the `target_temperature_K` column.
    static func existingLogHasTargetTemperature(_ output: OutputSettings) -> Bool {
        let path = (output.directory as NSString).appendingPathComponent(output.stats)
        guard let table = try? StatsTable(contentsOf: URL(fileURLWithPath: path)) else { return false }
        return table.columns.contains(StatsColumn.targetTemperature.name)
    }

    /// a b c (Å), α β γ (degrees) and the pressure tensor's Voigt components (GPa) of a stats row.
    static func cellAndPressureTensor(_ s: DynamicsState) -> [Double] {
        let cell = s.system.cell
        let p = s.pressureTensor ?? .zero
        let gpa = Units.gigapascalPerEVPerCubicAngstrom
        return [cell.lengths.x, cell.lengths.y, cell.lengths.z, cell.anglesInDegrees.x, cell.anglesInDegrees.y,
                cell.anglesInDegrees.z] + [p[0, 0], p[1, 1], p[2, 2], p[1, 2], p[0, 2], p[0, 1]].map { $0 * gpa }
    }

    /// The seed of the initial-velocity stream, independent of the thermostat's stream.
    static func velocitySeed(_ seed: UInt64) -> UInt64 { seed ^ 0x9E37_79B9_7F4A_7C15 }
}

