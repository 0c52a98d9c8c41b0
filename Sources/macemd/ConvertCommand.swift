import ArgumentParser
import Foundation
import MACEConversion
import MDIO
import MDSimulation

/// `macemd convert SOURCE OUTPUT [--head NAME] [--python PATH] [--overwrite]`
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a trained MACE model (mace-torch, mlip, physicsml, metatrain) into a MaceMD model file (safetensors).",
        discussion: """
        Recognises the source by its content (a mace-torch .model, an mlip .zip, a physicsml \
        model directory, a metatrain .ckpt) and runs that framework's converter script with a \
        Python of the framework's own environment (--python). The output holds every weight and \
        the model's hyperparameters; MaceMD reads it without Python.
        """)

    @Argument(help: "The model: a mace-torch .model (as mace_run_train saves it), an mlip .zip, a physicsml model directory or a metatrain .ckpt.")
    var input: String

    @Argument(help: "The MaceMD model file to write (conventionally .safetensors).")
    var output: String

    @Option(help: "Head of a multi-head model to select (default: the model's default head).")
    var head: String?

    @Option(help: "Python interpreter of the framework's environment (mace-torch, mlip + JAX, physicsml or metatrain).")
    var python: String = "python3"

    @Flag(help: "Replace the output file if it exists.")
    var overwrite = false

    @Option(help: "Cores PyTorch may use (default: $MACEMD_NUM_THREADS, else PyTorch's choice).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
    }

    func run() throws {
        do {
            try ExistingOutput.check(output, overwrite: overwrite)
            let threads = try ThreadCount.resolve(option: threads)
            let conversion = try ModelConverter(python: python, threads: threads).convert(
                input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output), head: head)
            // The converter's own report (head kept, parts left out): the user must see it.
            for line in conversion.messages { print(line) }
            print("wrote \(output) (from a \(conversion.source.rawValue) model)")
        } catch {
            failAndExit(error)
        }
    }
}
