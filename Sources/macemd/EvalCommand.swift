import ArgumentParser
import Foundation
import MDCore
import MDIO
import MDPotentials

/// `macemd eval --model M [--precision P] [--head H] INPUT.xyz -o OUTPUT.xyz`
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Energy, forces and stress of every frame of an extended-XYZ file.",
        discussion: """
        Writes each frame with `energy=` (eV) and, for fully periodic frames, `stress=` \
        (eV/Å³, ASE's sign) on the comment line and a `forces:R:3` column (eV/Å), as ASE \
        reads them back. The output is written to a temporary file and renamed at the end.
        """)

    @Option(help: "MaceMD model file (from `macemd convert`).")
    var model: String

    @Option(help: "float32 or float64.")
    var precision: String = "float64"

    @Option(help: "Head of a multi-head model.")
    var head: String?

    @Argument(help: "Input structures (extended XYZ).")
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
            let potential = try loadModel(model, precision: precision, head: head)
            let reader = try ExtXYZReader(path: input)
            let temporary = output + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
            let writer = try ExtXYZWriter(path: temporary, mode: .overwrite)
            var count = 0
            do {
                while var frame = try reader.next() {
                    let system = frame.system
                    let periodic = system.cell.pbc.isFullyPeriodic
                    let result = try potential.evaluate(system, request: periodic ? .all : .energyAndForces)
                    frame.energy = result.energy
                    frame.forces = result.forces
                    frame.stress = periodic ? result.stress(volume: system.cell.volume) : nil
                    try writer.write(frame)
                    count += 1
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
            print("evaluated \(count) frame\(count == 1 ? "" : "s") -> \(output)")
        } catch {
            failAndExit(error)
        }
    }
}
