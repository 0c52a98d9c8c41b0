import ArgumentParser
import Foundation
import MACE
import MDIO
import MDRunFile
import MDSimulation

/// `macemd run RUN.yaml [--steps N] [--output DIR] [--restart FILE] [--head H] [--threads N] [--quiet] [--overwrite]`
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run MD or a relaxation described by a YAML run file.",
        discussion: """
        Writes into output.directory: the trajectory (.nc or .xyz), the stats log, the \
        restart file and final.xyz. Existing output files are never replaced unless \
        --overwrite is given; --restart FILE continues an MD run and appends to its outputs. \
        SIGINT or SIGTERM finishes the current step, writes the restart file and final.xyz \
        and exits with status 130 (SIGINT) or 143 (SIGTERM); a second signal stops at once.
        """)

    @Argument(help: "The run file (YAML).")
    var runFile: String

    @Option(help: "Override md.steps (MD) or relax.max_steps (relaxation).")
    var steps: Int?

    @Option(help: "Override output.directory (relative to the current directory).")
    var output: String?

    @Option(help: "Continue an MD run from this restart file.")
    var restart: String?

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print no progress.")
    var quiet = false

    @Flag(help: "Replace existing output files.")
    var overwrite = false

    func run() throws {
        do {
            var file = try RunFile.load(path: runFile)
            if let steps {
                guard steps >= 0 else { throw ValidationError("--steps must be ≥ 0, got \(steps)") }
                file.md.steps = steps
                file.relax.maxSteps = max(1, steps)
            }
            if let output {
                file.output.directory = URL(fileURLWithPath: output).standardizedFileURL.path
            }
            for warning in file.warnings { FileHandle.standardError.write(Data("macemd: warning: \(warning)\n".utf8)) }
            let choice = try ModelChoice(runFile: file, headOption: modelOptions.head,
                                         threads: try modelOptions.resolvedThreads())
            let mace = try choice.load()
            say(ModelChoice.summary(mace, path: choice.path))
            say(try OpenBLASLibrary.shared().summary)
            let potential = FiniteCheckedPotential(mace)
            let interrupt = InterruptSignal.install { signal in
                let name = InterruptSignal.name(signal)
                FileHandle.standardError.write(Data(
                    "\nmacemd: \(name) received: finishing this step, then writing final.xyz (and restart.json for MD); send \(name) again to stop at once\n".utf8))
            }
            let options = RunOptions(restart: restart, quiet: quiet, overwrite: overwrite,
                                     metadata: ModelChoice.metadata(mace, path: choice.path), interrupt: interrupt)
            switch file.task {
            case .md:
                let summary = try MDRun.run(file, potential: potential, options: options)
                print(String(format: "finished %d steps (%.3f ps) in %.1f s: %.3g ns/day; %d neighbour-list builds; outputs in %@",
                             summary.steps, summary.simulatedFs / 1000, summary.wallSeconds,
                             summary.nanosecondsPerDay, summary.neighborListBuilds, summary.outputDirectory))
                let perStep = summary.millisecondsPerStep
                if summary.steps > 0 {
                    print(String(format: "time per step: %.2f ms = model %.2f ms + neighbour list %.3f ms + integrator, output and the rest %.3f ms",
                                 perStep.total, perStep.potential, perStep.neighborList, perStep.rest))
                }
            case .relax:
                let summary = try RelaxRun.run(file, potential: potential, options: options)
                print("relaxation \(summary.result); relaxed structure in \(summary.finalStructure)")
            }
        } catch let interrupted as RunInterrupted {
            FileHandle.standardError.write(Data("macemd: \(interrupted)\n".utf8))
            Foundation.exit(interrupted.exitStatus)
        } catch let error as NonFiniteResultError {
            // Raised before the first step (later ones arrive as SimulationError.stopped with the step).
            failAndExit(SimulationError.invalidSetting(key: "structure", message: "\(error)"))
        } catch let error as SimulationError {
            if case .notConverged = error {
                FileHandle.standardError.write(Data("macemd: \(error)\n".utf8))
                Foundation.exit(2)
            }
            failAndExit(error)
        } catch {
            failAndExit(error)
        }
    }
}
