import ArgumentParser
import Foundation

/// The `macemd` command-line tool.
@main
struct MaceMD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macemd",
        abstract: "Molecular dynamics and relaxation with MACE machine-learned potentials.",
        version: "0.1.0",
        subcommands: [ConvertCommand.self, PlotCommand.self])
}

/// Prints `error` as one line on standard error and exits with status 1.
func failAndExit(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("macemd: error: \(error)\n".utf8))
    exit(1)
}
