import Foundation
import MDCore
import MDDynamics
import MDIO
import MDRunFile
import MDOptimize
import MDPotentials

/// Relaxes a structure as a run file describes it (positions, optionally the cell).
///
/// Writes a stats log (`step epot_eV fmax_eV_per_A`, plus cell lengths, volume and pressure
/// when the cell relaxes), a trajectory every `trajectory_every` steps and the relaxed
/// structure with its energy, forces and stress as `final.xyz`.
public enum RelaxRun {
    /// What a finished relaxation reports.
    public struct Summary: Sendable {
        /// "converged after N steps: fmax = …" or "not converged …".
        public var result: String
        public var converged: Bool
        /// Final potential energy (eV).
        public var energy: Double
        public var system: AtomicSystem
        public var finalStructure: String
    }

    /// Relaxes with `potential`; throws ``SimulationError/notConverged(summary:lastStructure:)``
    /// (after writing the last structure) when the step limit is hit.
    @discardableResult
    public static func run(_ runFile: RunFile, potential: any Potential, options: RunOptions = RunOptions()) throws -> Summary {
        let settings = runFile.relax
        let frame = try StructureFile.read(path: runFile.structure)
        let system = frame.system
        try potential.checkElements(of: system)
        let fixed = try FixedAtomsSetting.mask(settings.fixedAtoms, frame: frame, key: "relax.fixed_atoms")
        let periodic = system.cell.pbc.isFullyPeriodic
        if settings.cell && !periodic {
            throw SimulationError.invalidSetting(key: "relax.cell", message:
                "cell relaxation needs a fully periodic structure (pbc is \(system.cell.pbc))")
        }
        if options.restart != nil {
            throw SimulationError.invalidSetting(key: "--restart", message: "restarts apply to MD runs only; rerun the relaxation from final.xyz")
        }
        let evaluator = try NeighborListEvaluator(potential: potential, skin: runFile.neighborSkin,
                                                  request: periodic ? .all : .energyAndForces)
        let outputs = try RunOutputs(runFile.output, system: system, columns: StatsColumn.relaxation(cell: settings.cell),
                                     continuing: false, overwrite: options.overwrite, timeStepFs: 1,
                                     trajectoryOptions: TrajectoryOptions(velocities: false, forces: true, metadata: options.metadata),
                                     perAtomColumns: KeptColumns.columns(of: frame, fixed: fixed), restartable: false)
        defer { try? outputs.close() }
        var progress = ProgressReporter(quiet: options.quiet)
        let every = runFile.output
        // The last evaluated point, as the optimizer's target kept it.
        var latest: (system: AtomicSystem, step: Int, evaluation: Evaluation?) = (system, 0, nil)

        func writeFinal(_ structure: AtomicSystem, _ info: ExtXYZInfo) throws -> Evaluation {
            let known = latest.system.positions == structure.positions && latest.system.cell == structure.cell
            let evaluation = try (known ? latest.evaluation : nil) ?? evaluator.evaluate(structure)
            try outputs.writeFinal(StructureRecord(system: structure, hasVelocities: false, info: info,
                                               energy: evaluation.energy, forces: evaluation.forces,
                                               stress: periodic ? evaluation.stress(volume: structure.cell.volume) : nil))
            return evaluation
        }

        let outcome: RelaxationOutcome
        do {
            outcome = try relax(system, fixed: fixed, relaxCell: settings.cell, pressure: settings.pressureGPa,
                                cellMask: settings.cellMask,
                                optimizer: settings.optimizer,
                                fmax: settings.fmaxEVPerA, maxSteps: settings.maxSteps,
                                evaluator: evaluator.closure) { step, current, evaluation in
                // `step.energy` is the enthalpy for a cell filter; the log shows the potential energy.
                var row = [Double(step.step), evaluation?.energy ?? step.energy, step.maxForce]
                if settings.cell {
                    let lengths = current.cell.lengths
                    let stress = evaluation?.stress(volume: current.cell.volume)
                    // Pressure p = −tr(σ)/3 (no kinetic term in a relaxation), in GPa.
                    let pressure = stress.map { -$0.trace / 3 * Units.gigapascalPerEVPerCubicAngstrom } ?? .nan
                    row += [lengths.x, lengths.y, lengths.z, current.cell.volume, pressure]
                }
                if step.step % every.statsEvery == 0 { try outputs.writeStats(step: step.step, row) }
                if every.trajectoryEvery > 0 && step.step % every.trajectoryEvery == 0 {
                    try outputs.writeFrame(TrajectorySnapshot(system: current, step: step.step, timeFs: 0,
                                                              energy: evaluation?.energy, forces: evaluation?.forces))
                }
                progress.report(.init(step: step.step, totalSteps: settings.maxSteps, potentialEnergyEV: row[1],
                                      maxForceEVPerA: step.maxForce))
                latest = (current, step.step, evaluation)
                try options.interrupt?.stopIfRequested()
            }
        } catch let stop as StopRequested {
            progress.finish()
            var info = ExtXYZInfo()
            info["relaxation_steps"] = .int(latest.step)
            info["converged"] = .bool(false)
            _ = try writeFinal(latest.system, info)
            throw RunInterrupted(signal: stop.signal, step: latest.step, restartFile: nil, finalStructure: outputs.finalPath)
        }
        progress.finish()
        var info = ExtXYZInfo()
        for (key, value) in options.metadata.sorted(by: { $0.key < $1.key }) { info[key] = .string(value) }
        info["relaxation_steps"] = .int(outcome.result.steps)
        info["converged"] = .bool(outcome.result.converged)
        let evaluation = try writeFinal(outcome.system, info)
        guard outcome.result.converged else {
            throw SimulationError.notConverged(summary: outcome.result.description, lastStructure: outputs.finalPath)
        }
        return Summary(result: outcome.result.description, converged: true, energy: evaluation.energy,
                       system: outcome.system, finalStructure: outputs.finalPath)
    }
}
