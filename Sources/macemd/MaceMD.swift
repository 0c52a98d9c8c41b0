import ArgumentParser
import Foundation
import MACE
import MDSimulation

/// The `macemd` command-line tool.
///
/// Exit status (listed in README, "Exit status"): 0 success; 1 an error in the input, the
/// model or the run (one line on standard error); 2 a relaxation that did not converge;
/// 64 a usage error on the command line (unknown option, missing argument, bad value).
/// Every error is printed as one line `macemd: error: …`.
@main
struct MaceMD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macemd",
        abstract: "Molecular dynamics and relaxation with MACE machine-learned potentials.",
        version: "0.1.0",
        subcommands: [RunCommand.self, EvalCommand.self, ConvertCommand.self, PlotCommand.self, KeysCommand.self])

    /// Parses the command line and runs the command; usage errors are reported in the same
    /// one-line style as every other error, with exit status 64.
    static func main() {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let status = exitCode(for: error)
            if status == .success { exit(withError: error) }   // --help, --version
            if status == .validationFailure { usageFailure(message(for: error)) }
            FileHandle.standardError.write(Data("macemd: error: \(message(for: error))\n".utf8))
            Foundation.exit(status.rawValue)
        }
        do {
            var command = command
            try command.run()
        } catch {
            // `macemd help run` and `--help` after a subcommand arrive here as a help request.
            if exitCode(for: error) == .success { exit(withError: error) }
            failAndExit(error)
        }
    }
}

/// Exit status of a command-line usage error (BSD `EX_USAGE`).
let usageExitStatus: Int32 = 64

/// Prints a usage error as one line, with where to find help, and exits with status 64.
func usageFailure(_ text: String) -> Never {
    let subcommands = MaceMD.configuration.subcommands.map { $0._commandName }
    let arguments = CommandLine.arguments.dropFirst()
    let help = arguments.first.flatMap { subcommands.contains($0) ? "macemd \($0) --help" : nil } ?? "macemd --help"
    let line = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    let trimmed = line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
    FileHandle.standardError.write(Data("macemd: error: \(trimmed) (see \(help))\n".utf8))
    exit(usageExitStatus)
}

/// Prints `error` as one line on standard error and exits: status 64 for a usage error
/// (`ValidationError`), 1 for anything else.
func failAndExit(_ error: Error) -> Never {
    if let usage = error as? ValidationError { usageFailure(usage.message) }
    FileHandle.standardError.write(Data("macemd: error: \(error)\n".utf8))
    exit(1)
}

/// The options every model-evaluating command shares: head and thread count.
struct ModelOptions: ParsableArguments {
    @Option(help: "Head of a multi-head model (default: the head chosen at conversion).")
    var head: String?

    @Option(help: "Cores to use (default: $MACEMD_NUM_THREADS, else all).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
    }

    /// `--threads`, else `MACEMD_NUM_THREADS`, else nil (all cores).
    func resolvedThreads() throws -> Int? { try ThreadCount.resolve(option: threads) }
}

/// Prints a line on standard output.
func say(_ line: String) { print(line) }
