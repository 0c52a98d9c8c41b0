import ArgumentParser
import MACE
import Foundation

/// The `macemd` command-line tool.
@main
struct MaceMD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macemd",
        abstract: "Molecular dynamics and relaxation with MACE machine-learned potentials.",
        version: "0.1.0",
        subcommands: [RunCommand.self, EvalCommand.self, ConvertCommand.self, PlotCommand.self, KeysCommand.self])
}

/// Prints `error` as one line on standard error and exits with status 1.
func failAndExit(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("macemd: error: \(error)\n".utf8))
    exit(1)
}

/// Loads a MACE model in the requested precision.
func loadModel(_ path: String, precision: String, head: String? = nil) throws -> MACEPotential {
    guard let p = MACEPrecision(rawValue: precision) else {
        throw ValidationError("precision must be float32 or float64, got '\(precision)'")
    }
    return try MACEPotential(contentsOf: URL(fileURLWithPath: path), precision: p, head: head)
}
