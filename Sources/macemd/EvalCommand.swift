import ArgumentParser
import Foundation
import MACE
import MDCore
import MDIO
import MDPotentials
import MDSimulation

/// `macemd eval --model M [--precision P] [--radial exact|spline] [--head H] [--threads N] INPUT -o OUTPUT.xyz`
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Energy, forces and stress of every frame of a structure file.",
        discussion: """
        Reads what `macemd run` reads: extended XYZ (every frame), VASP POSCAR/CONTCAR and CIF. \
        Writes each frame as extended XYZ with `energy=` (eV) and, for fully periodic frames, \
        `stress=` (eV/Å³, ASE's sign) on the comment line and a `forces:R:3` column (eV/Å), as ASE \
        reads them back. The output is written to a temporary file and renamed at the end. A \
        non-finite energy, force or stress is an error naming the frame and the closest atoms.
        """)

    @Option(help: "MaceMD model file (from `macemd convert`).")
    var model: String

    @Option(help: "float32 or float64.")
    var precision: String = "float64"

    @Option(help: "Radial weights: exact (default) or spline (fast radial mode, README \"Fast radial mode\").")
    var radial: String = "exact"

    @OptionGroup var modelOptions: ModelOptions

    @Argument(help: "Input structures (extended XYZ, POSCAR/CONTCAR/.vasp, CIF).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file (extended XYZ).")
    var output: String

    @Flag(help: "Replace the output file if it exists.")
    var overwrite = false

    func run() throws {
        do {
            if !overwrite && FileManager.default.fileExists(atPath: output) {
                throw OutputFileError(path: output, message: "file exists; pass --overwrite to replace it")
            }
            guard let radialMode = RadialMode(rawValue: radial) else {
                throw ValidationError("--radial must be exact or spline, got '\(radial)'")
            }
            let mace = try loadModel(model, precision: precision, head: modelOptions.head,
                                     threads: try modelOptions.resolvedThreads(), radial: radialMode)
            say(ModelChoice.summary(mace, path: model))
            say(try OpenBLASLibrary.shared().summary)
            let potential = FiniteCheckedPotential(mace)
            let metadata = ModelChoice.metadata(mace, path: model).sorted { $0.key < $1.key }
            let frames = try StructureFile.readAll(path: input)
            let temporary = output + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
            let writer = try ExtXYZWriter(path: temporary, mode: .overwrite)
            do {
                for (index, var frame) in frames.enumerated() {
                    let system = frame.system
                    let periodic = system.cell.pbc.isFullyPeriodic
                    let result: Evaluation
                    do {
                        result = try potential.evaluate(system, request: periodic ? .all : .energyAndForces)
                    } catch let error as NonFiniteResultError {
                        throw StructureFileError(file: input, line: nil, message: "frame \(index) (counting from 0): \(error)")
                    }
                    frame.energy = result.energy
                    frame.forces = result.forces
                    frame.stress = periodic ? result.stress(volume: system.cell.volume) : nil
                    for (key, value) in metadata { frame.info[key] = .string(value) }
                    try writer.write(frame)
                }
                try writer.close()
            } catch {
                try? writer.close()
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            guard rename(temporary, output) == 0 else {
                throw OutputFileError(path: output, message: "cannot move \(temporary) into place")
            }
            print("evaluated \(frames.count) frame\(frames.count == 1 ? "" : "s") -> \(output)")
        } catch {
            failAndExit(error)
        }
    }
}

/// Loads a MACE model in the requested precision (`float32` or `float64`).
func loadModel(_ path: String, precision: String, head: String?, threads: Int?,
               radial: RadialMode = .exact) throws -> MACEPotential {
    guard let p = MACEPrecision(rawValue: precision) else {
        throw ValidationError("--precision must be float32 or float64, got '\(precision)'")
    }
    return try ModelChoice(path: path, head: head, precision: p, threads: threads, radial: radial).load()
}
